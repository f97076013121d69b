// `npm run demo:trigger -- <what>`: makes one of the demo's templates run, without editing anything.
//
// Needs a running `npm run demo` (it reads the addresses, the sandbox token and n8n's API key from
// .demo/demo.json, which the demo writes when it is ready). For the chosen event it
//  1. finds a suitable object in the demo workspace itself (an open intake form, an open invitation,
//     an archived Track with a Trackee …) and makes one when there is none left,
//  2. publishes the template(s) that react to it when they are not published yet (the demo publishes
//     only Trackler's default workflows),
//  3. acts in the sandbox as a Trackler user would (the sandbox's API or its /_sandbox test API),
//  4. flushes the sandbox's webhook queue, waits for the run(s) in n8n,
//  5. shows the effect in Trackler (the new message, the tags, the e-mail) and where to see the run.
//
// `npm run demo:trigger` without an argument lists the choices. Secrets are never printed. This file
// is the list of choices; scripts/demo/trigger-run.cts does the rest.
import type { Json } from '../../tooling/sandbox/client.cjs';
import { demoTriggerMain } from './trigger-run.cjs';
import {
	type Choice,
	dutch,
	Fail,
	firstName,
	INTAKE,
	missingTopics,
	openInvitation,
	trackWithTrackee,
	watching,
} from './workspace.cjs';

const CHOICES: Record<string, Choice> = {
	'form-submitted': {
		summary:
			'a Trackee submits an Intakeformulier → a message in the Track says so, and the ticked topics become tags',
		templates: ['form-submitted-message.json', 'tag-track-from-intake-form.json'],
		async prepare(t) {
			const template = (await t.all('/form-templates')).find((x) => x.name === INTAKE);
			if (!template) throw new Fail(`The demo workspace has no form template "${INTAKE}".`);
			let form: Json | undefined;
			let track: Json | undefined;
			let note: string | undefined;
			for (const tr of await t.openTracks()) {
				form = (await t.all(`/tracks/${tr.id}/forms?state=open`)).find(
					(f) => f.template?.id === template.id,
				);
				if (form) {
					track = tr;
					break;
				}
			}
			if (!form || !track) {
				// a new intake form, in the open Track whose tags the answers can still add to most
				let best: { track: Json; trackee: Json; missing: number } | undefined;
				for (const tr of (await t.openTracks()).sort((a, b) =>
					String(a.title).localeCompare(String(b.title)),
				)) {
					const trackees = await t.trackees(tr.id);
					if (!trackees.length) continue;
					const missing = missingTopics(tr).length;
					if (!best || missing > best.missing) best = { track: tr, trackee: trackees[0], missing };
				}
				if (!best)
					throw new Fail(
						'The demo workspace has no open Track with a Trackee. Delete .demo/ and start `npm run demo` again for a fresh demo workspace.',
					);
				track = best.track;
				const created: Json = await t.api('POST', `/tracks/${track.id}/forms`, {
					template_id: template.id,
					assignee_id: best.trackee.user.id,
					title: `${INTAKE} ${firstName(best.trackee.user.name)}`,
				});
				form = created;
				note = `the demo's open intake forms are all submitted, so this created "${String(created.title)}" for ${String(best.trackee.user.name)} first`;
			}
			const missing = missingTopics(track);
			const topics = missing.length ? missing.slice(0, 2) : ['Loopbaan'];
			const answers: Json = {
				'Waar wil je aan werken?': topics,
				'Wat wil je aan het eind van dit traject bereikt hebben?':
					'Weten welke volgende stap in mijn werk bij mij past.',
				'Hoe tevreden ben je nu met je werk (1-10)?': 6,
				'Heb je eerder coaching gehad?': false,
			};
			const f: Json = form;
			const tr: Json = track;
			return {
				describe:
					`${String(f.assignee?.name ?? 'The Trackee')} submitted "${String(f.title)}" in the Track "${String(tr.title)}" ` +
					`(ticked under "Waar wil je aan werken?": ${topics.join(', ')})${note ? `;\n  ${note}` : ''}`,
				watch: watching(tr, { messages: true, tags: true }),
				act: async () => {
					await t.test('POST', `/forms/${f.id}/submit`, { answers });
				},
			};
		},
	},
	'invitation-accepted': {
		summary: 'an open invitation is accepted → a welcome e-mail to the new Track member',
		templates: ['invitation-accepted-welcome-email.json'],
		async prepare(t) {
			const { invitation, track, name, note } = await openInvitation(t, false);
			return {
				describe:
					`${name ? `${name} (${String(invitation.email)})` : String(invitation.email)} ` +
					`accepted the invitation to the Track "${String(track.title)}"${note ? `;\n  ${note}` : ''}`,
				watch: watching(track, { emails: true }),
				act: async () => {
					await t.test('POST', `/invitations/${invitation.id}/accept`, name ? { name } : {});
				},
			};
		},
	},
	'invitation-declined': {
		summary: 'an open invitation is declined → an e-mail to the Track Leaders',
		templates: ['invitation-declined-email-leaders.json'],
		async prepare(t) {
			const { invitation, track, note } = await openInvitation(t, true);
			return {
				describe: `${String(invitation.email)} declined the invitation to the Track "${String(track.title)}"${note ? `;\n  ${note}` : ''}`,
				watch: watching(track, { emails: true }),
				act: async () => {
					await t.test('POST', `/invitations/${invitation.id}/decline`, {});
				},
			};
		},
	},
	'track-unarchived': {
		summary:
			'an archived Track is unarchived → an e-mail to its Trackees that the Track is open again',
		templates: ['track-unarchived-email.json'],
		async prepare(t) {
			let track: Json | undefined;
			let note: string | undefined;
			for (const tr of await t.all('/tracks?archived=true')) {
				if ((await t.trackees(tr.id)).length) {
					track = tr;
					break;
				}
			}
			if (!track) {
				// The demo's archived Track has no Trackee to e-mail: archive one that has, first.
				track = (await trackWithTrackee(t)).track;
				await t.api('POST', `/tracks/${track.id}/archive`, {});
				await t.flush();
				note =
					"the demo's archived Track has no Trackee to e-mail, so this archived this Track first";
			}
			const tr = track;
			return {
				describe: `the Track "${String(tr.title)}" was unarchived${note ? `;\n  ${note}` : ''}`,
				watch: watching(tr, { emails: true }),
				act: async () => {
					await t.api('POST', `/tracks/${tr.id}/unarchive`, {});
				},
			};
		},
	},
	'appointment-created': {
		summary:
			'a coach makes an appointment in a Track → a message with its title, Dutch date and time and place',
		templates: ['appointment-created-message.json'],
		async prepare(t) {
			const { track, trackee } = await trackWithTrackee(t);
			const start = new Date(Date.now() + 2 * 86_400_000);
			start.setUTCHours(9, 0, 0, 0);
			const body = {
				title: `Coachgesprek met ${firstName(trackee.user.name)}`,
				start_at: start.toISOString(),
				end_at: new Date(start.getTime() + 3_600_000).toISOString(),
				location: 'Praktijk De Koers, Oudegracht 112, Utrecht',
				participants: [{ user_id: trackee.user.id }],
			};
			return {
				describe: `an appointment "${body.title}" on ${dutch(body.start_at)} was made in the Track "${String(track.title)}"`,
				watch: watching(track, { messages: true }),
				act: async () => {
					await t.api('POST', `/tracks/${track.id}/appointments`, body);
				},
			};
		},
	},
	'appointment-cancelled': {
		summary:
			'a participant cancels an upcoming appointment → a message in the Track with the reason',
		templates: ['appointment-cancelled-message.json'],
		async prepare(t) {
			const open = new Map((await t.openTracks()).map((x) => [x.id as string, x]));
			const upcoming = (
				await t.all(
					`/appointments?state=scheduled&starts_after=${encodeURIComponent(new Date().toISOString())}`,
				)
			)
				.filter((a) => open.has(a.track_id))
				.sort((a, b) => String(a.start_at).localeCompare(String(b.start_at)));
			let appt = upcoming[0];
			let note: string | undefined;
			if (!appt) {
				const { track, trackee } = await trackWithTrackee(t);
				const start = new Date(Date.now() + 3 * 86_400_000);
				start.setUTCHours(13, 0, 0, 0);
				appt = await t.api('POST', `/tracks/${track.id}/appointments`, {
					title: `Coachgesprek met ${firstName(trackee.user.name)}`,
					start_at: start.toISOString(),
					end_at: new Date(start.getTime() + 3_600_000).toISOString(),
					participants: [{ user_id: trackee.user.id }],
				});
				await t.flush();
				note = 'the demo has no upcoming appointment left, so this made one first';
			}
			const track: Json =
				open.get(appt.track_id) ?? (await t.api('GET', `/tracks/${appt.track_id}`));
			const reason = 'Ik ben helaas ziek, kunnen we een nieuwe afspraak maken?';
			const a = appt;
			return {
				describe:
					`the appointment "${String(a.title)}" on ${dutch(String(a.start_at))} in the Track "${String(track.title)}" ` +
					`was cancelled ("${reason}")${note ? `;\n  ${note}` : ''}`,
				watch: watching(track, { messages: true }),
				act: async () => {
					await t.test('POST', `/appointments/${a.id}/cancel`, { reason });
				},
			};
		},
	},
};

demoTriggerMain(CHOICES);
