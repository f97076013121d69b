// The personal values of a sandbox workspace (names, e-mail addresses, Track titles and metadata,
// messages, invitations, form answers, appointments), read through its API: what "Personal Data in
// Output: Redact" must keep out of n8n. The node tests and the real-n8n test share it.
type Json = Record<string, any>;

/** Every personal value of the demo workspace, read through the API. */
export async function seededPersonalValues(api: (method: string, path: string) => Promise<{ body: any }>): Promise<string[]> {
	const all = async (path: string): Promise<Json[]> => (await api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100`)).body.data;
	const values = new Set<string>();
	const add = (value: unknown) => {
		// (an answer such as a date or a number could stand in any timestamp: only values with letters)
		if (typeof value === 'string' && value.trim().length >= 4 && /[a-z]/i.test(value)) values.add(value);
	};
	for (const user of await all('/users')) [user.name, user.email].forEach(add);
	for (const track of await all('/tracks')) {
		add(track.title);
		Object.values(track.metadata ?? {}).forEach(add);
		for (const message of await all(`/tracks/${track.id}/messages`)) add(message.body);
		for (const invitation of await all(`/tracks/${track.id}/invitations`)) add(invitation.email);
		for (const form of await all(`/tracks/${track.id}/forms`)) {
			if (form.state !== 'submitted') continue;
			const submission = (await api('GET', `/forms/${form.id}/submission`)).body;
			for (const answer of submission.answers ?? []) [answer.answer].flat().forEach(add);
		}
	}
	for (const appointment of await all('/appointments')) {
		[appointment.title, appointment.location, appointment.cancellation_reason].forEach(add);
		for (const participant of appointment.participants ?? []) [participant.name, participant.email].forEach(add);
	}
	// A choice answered from the workspace's own words (a tag's name, say) is no personal value.
	const vocabulary = new Set<string>();
	for (const path of ['/tags', '/statuses', '/track-designs', '/form-templates', '/schedulers']) {
		for (const entry of await all(path)) {
			vocabulary.add(entry.name);
			for (const question of entry.questions ?? []) [question.question, ...(question.options ?? [])].forEach((v: string) => vocabulary.add(v));
		}
	}
	return [...values].filter((value) => !vocabulary.has(value));
}

