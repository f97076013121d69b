// The templates' sticky notes speak to a person who imported the workflow into n8n: they name
// nodes, fields and settings in the editor, never a file of this repository, a script or a test.
import * as fs from 'node:fs';
import * as path from 'node:path';

const dir = path.join(__dirname, '..', '..', 'templates');
const notes = fs
	.readdirSync(dir)
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) => {
		const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
			nodes: Array<{ type: string; name: string; parameters: { content?: string } }>;
		};
		return workflow.nodes
			.filter((node) => node.type === 'n8n-nodes-base.stickyNote')
			.map((node) => ({ where: `${file} / ${node.name}`, text: node.parameters.content ?? '' }));
	});

/** What means nothing in the editor: file names and paths of the repository, scripts, tests. */
const REPOSITORY_WORDS =
	/\.c?ts\b|\.json\b|\.sh\b|templates\/|scripts\/|\bnpm run\b|\be2e\b|\btests?\b/i;

describe('template sticky notes', () => {
	const templates = fs.readdirSync(dir).filter((file) => file.endsWith('.json'));

	it('every template has a note, and one of them says how to choose the credential', () => {
		for (const file of templates) {
			const own = notes.filter((note) => note.where.startsWith(`${file} /`));
			expect([file, own.length > 0]).toEqual([file, true]);
			expect([file, own.some((note) => note.text.includes('**Credential:**'))]).toEqual([
				file,
				true,
			]);
		}
	});

	it.each(notes.map((note) => [note.where, note.text]))(
		'%s names no repository file',
		(_where, text) => {
			expect(text).not.toMatch(REPOSITORY_WORDS);
		},
	);

	it('the check itself finds a repository file', () => {
		expect('let `tooling/templates.cts` do it').toMatch(REPOSITORY_WORDS);
		expect('The e2e test shortens the wait').toMatch(REPOSITORY_WORDS);
	});
});
