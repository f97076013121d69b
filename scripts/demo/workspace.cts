// The demo workspace as `npm run demo:trigger` sees it: its sandbox (the shared sandbox client, with
// the look-ups the choices share; never echoing the token) and the finders that pick, or make, what
// a choice acts on.
import { SandboxClient, type Json } from '../../tooling/sandbox/client.cjs';
import type { DemoState } from './state.cjs';

/** A failure the user can act on: its message is all that is printed. */
export class Fail extends Error {}

/** The demo's sandbox, with the look-ups the choices share (never echoing the token). */
export class DemoTrackler extends SandboxClient {
	constructor(demo: DemoState) {
		super(
			{ url: demo.sandbox.url, testApiUrl: demo.sandbox.testApiUrl, token: demo.sandbox.token },
			{
				timeoutMs: 30_000,
				name: "The demo's Trackler sandbox",
				unreachableHint: 'Is `npm run demo` still running?',
			},
		);
	}

	openTracks(): Promise<Json[]> {
		return this.all('/tracks?archived=false');
	}

	async trackees(trackId: string): Promise<Json[]> {
		return (await this.all(`/tracks/${trackId}/members`)).filter((m) => m.role === 'trackee');
	}

	async emails(trackId: string): Promise<Json[]> {
		return (await this.test<{ data: Json[] }>('GET', `/emails?track_id=${trackId}`)).data;
	}

	async messages(trackId: string): Promise<Json[]> {
		return this.all(`/tracks/${trackId}/messages`);
	}
}

// What each choice does

/** What to show after the run: a Track's new messages, tags and e-mails. */
/** What to show after the run: a Track's new messages, tags and e-mails. */
export interface Watch {
	trackId: string;
	trackTitle: string;
	messages: boolean;
	tags: boolean;
	emails: boolean;
}

/** What to show after the run of a choice in this Track. */
export function watching(
	track: Json,
	what: { messages?: boolean; tags?: boolean; emails?: boolean },
): Watch {
	return {
		trackId: track.id,
		trackTitle: track.title,
		messages: what.messages === true,
		tags: what.tags === true,
		emails: what.emails === true,
	};
}

export interface Choice {
	/** One line for the list. */
	summary: string;
	/** Template files (templates/*.json) that react to it. */
	templates: string[];
	/** Finds (or makes) what to act on; `act` then acts in the sandbox, `watch` says what to show afterwards. */
	prepare(t: DemoTrackler): Promise<{ describe: string; watch: Watch; act: () => Promise<void> }>;
}

export const INTAKE = 'Intakeformulier';
/** Answers to "Waar wil je aan werken?" and the tag tag-track-from-intake-form.json gives for each. */
const TOPIC_TAGS: Array<[string, string]> = [
	['Loopbaan', 'Loopbaan'],
	['Leiderschap', 'Leiderschap'],
	['Werkdruk en energie', 'Burn-out preventie'],
];
/** The topics whose tag the Track does not have yet. */
export const missingTopics = (track: Json): string[] => {
	const has = new Set(((track.tags ?? []) as Json[]).map((x) => String(x.name)));
	return TOPIC_TAGS.filter(([, tag]) => !has.has(tag)).map(([topic]) => topic);
};
export const firstName = (name: string): string => String(name).split(' ')[0];
/** e.g. 29-11-2026 10:00 (the demo workspace's time zone) */
export const dutch = (iso: string): string =>
	new Date(iso)
		.toLocaleString('nl-NL', {
			timeZone: 'Europe/Amsterdam',
			day: 'numeric',
			month: 'numeric',
			year: 'numeric',
			hour: '2-digit',
			minute: '2-digit',
		})
		.replace(',', '')
		.replace(/\//g, '-');

/** A Track that is open and has a Trackee (the first one by title, for a stable demo). */
export async function trackWithTrackee(t: DemoTrackler): Promise<{ track: Json; trackee: Json }> {
	const tracks = (await t.openTracks()).sort((a, b) =>
		String(a.title).localeCompare(String(b.title)),
	);
	for (const track of tracks) {
		const trackees = await t.trackees(track.id);
		if (trackees.length) return { track, trackee: trackees[0] };
	}
	throw new Fail(
		'The demo workspace has no open Track with a Trackee. Delete .demo/ and start `npm run demo` again for a fresh demo workspace.',
	);
}

/** An open invitation on an open Track (`last` picks the last one), or a new link invitation. */
export async function openInvitation(
	t: DemoTrackler,
	last: boolean,
): Promise<{ invitation: Json; track: Json; name?: string; note?: string }> {
	const found: Array<{ invitation: Json; track: Json }> = [];
	for (const track of await t.openTracks()) {
		for (const invitation of await t.all(`/tracks/${track.id}/invitations?state=sent`))
			found.push({ invitation, track });
	}
	if (found.length) return last ? found[found.length - 1] : found[0];
	const { track } = await trackWithTrackee(t);
	const names = ['Femke de Boer', 'Daan Willems', 'Sophie Bos', 'Lucas Peters', 'Emma Dekker'];
	const name = names[Math.floor(Date.now() / 1000) % names.length];
	const email = `${name.toLowerCase().replace(/ /g, '.')}.${Date.now().toString(36).slice(-4)}@example.com`;
	const invitation = await t.api('POST', `/tracks/${track.id}/invitations`, {
		email,
		role: 'trackee',
		delivery: 'link',
	});
	return {
		invitation,
		track,
		name,
		note: `the demo's open invitations are used up, so this sent a new one (by link) to ${email} first`,
	};
}
