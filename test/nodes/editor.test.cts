// What a person sees in the editor, read from the nodes' descriptions without a server: the codex
// files (nodes panel categories, aliases in English and Dutch, documentation links), the notices
// and when n8n shows them (n8n's own display rules), options in time order, and the canvas
// subtitles in words (n8n's own expression engine).
import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';

import { NodeHelpers, Workflow } from 'n8n-workflow';
import type { INodeParameters, INodeProperties, INodeType, INodeTypes } from 'n8n-workflow';

import { Trackler } from '../../nodes/Trackler/Trackler.node';
import { TracklerPollingTrigger } from '../../nodes/TracklerPollingTrigger/TracklerPollingTrigger.node';
import { TracklerTrigger } from '../../nodes/TracklerTrigger/TracklerTrigger.node';

const root = path.resolve(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const PREFIX = `${packageJson.name as string}.`;

const types: Record<string, INodeType> = {
	trackler: new Trackler(),
	tracklerTrigger: new TracklerTrigger(),
	tracklerPollingTrigger: new TracklerPollingTrigger(),
};
const nodeTypes = {
	getByName: (name: string) => types[name.replace(PREFIX, '')],
	getByNameAndVersion: (name: string) => types[name.replace(PREFIX, '')],
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

/** The node with these parameters as n8n holds it (defaults filled in). */
function nodeWith(type: string, parameters: INodeParameters) {
	const workflow = new Workflow({
		nodes: [{ id: '1', name: 'Node', type: PREFIX + type, typeVersion: 1, position: [0, 0], parameters }],
		connections: {},
		active: false,
		nodeTypes,
	});
	return { workflow, node: workflow.getNode('Node')! };
}

/** The canvas subtitle n8n computes for the node. */
function subtitle(type: string, parameters: INodeParameters): unknown {
	const { workflow, node } = nodeWith(type, parameters);
	return workflow.expression.getSimpleParameterValue(node, types[type].description.subtitle!, 'internal', {});
}

/** Whether n8n shows the property for these parameter values. */
function shown(type: string, name: string, parameters: INodeParameters): boolean {
	const matches = types[type].description.properties.filter((p) => p.name === name);
	expect(matches.length).toBeGreaterThan(0);
	const { node } = nodeWith(type, parameters);
	return matches.some((property) =>
		NodeHelpers.displayParameter(node.parameters, property, node, types[type].description),
	);
}

const property = (type: string, name: string): INodeProperties =>
	types[type].description.properties.find((p) => p.name === name)!;

describe('codex files', () => {
	const registered = (packageJson.n8n.nodes as string[]).map((built) =>
		path.join(root, built.replace(/^dist\//, '').replace(/\.js$/, '.json')),
	);

	it.each(registered.map((file) => [path.relative(root, file), file]))('%s sits beside its node, names it, and links the README', (_name, file) => {
		expect(existsSync(file)).toBe(true);
		const codex = JSON.parse(readFileSync(file, 'utf8'));
		const name = path.basename(file, '.node.json');
		const type = Object.keys(types).find((t) => t.toLowerCase() === name.toLowerCase())!;
		expect(codex.node).toBe(PREFIX + types[type].description.name);
		expect(codex.categories.length).toBeGreaterThan(0);
		for (const category of codex.categories) expect(codex.subcategories[category]?.length).toBeGreaterThan(0);
		expect(codex.resources.primaryDocumentation[0].url).toBe(packageJson.homepage);
		expect(codex.resources.credentialDocumentation[0].url).toMatch(/^https:\/\/github\.com\/.+#credentials$/);
		expect(codex.alias).toEqual(expect.arrayContaining(['Trackler', 'traject', 'coaching']));
	});

	it("the action node's aliases (the app's entry in the nodes panel) hold Trackler's words in English and Dutch", () => {
		const codex = JSON.parse(readFileSync(path.join(root, 'nodes/Trackler/Trackler.node.json'), 'utf8'));
		expect(codex.alias).toEqual(
			expect.arrayContaining([
				'afspraak', 'formulier', 'uitnodiging', 'bericht', 'traject', 'coaching', 'herinnering',
				'appointment', 'form', 'invitation', 'message',
			]),
		);
	});
});

describe('notices', () => {
	it('the Trackler Trigger opens with the reachability notice, always shown', () => {
		const first = types.tracklerTrigger.description.properties[0];
		expect(first).toMatchObject({ type: 'notice', name: 'reachabilityNotice' });
		expect(first.displayName).toMatch(/Trackler must be able to reach it/);
		expect(first.displayName).toMatch(/Polling Trigger with Trigger On "New Events"/);
		expect(shown('tracklerTrigger', 'reachabilityNotice', {})).toBe(true);
	});

	const email = (trackId: unknown, recipients = 'chosenMembers'): INodeParameters =>
		({ resource: 'email', operation: 'sendToTrackMembers', recipients, trackId }) as INodeParameters;
	const rlc = (value: string) => ({ __rl: true, mode: 'list', value });

	it('E-Mail → Chosen Members without a Track says to choose a Track first', () => {
		expect(shown('trackler', 'chooseTrackNotice', email(rlc('')))).toBe(true);
		expect(shown('trackler', 'trackExpressionNotice', email(rlc('')))).toBe(false);
	});

	it('with a Track chosen, neither notice', () => {
		const id = rlc('0b0c3a52-5f0e-4c1e-9d43-7c1e2b3a4d5e');
		expect(shown('trackler', 'chooseTrackNotice', email(id))).toBe(false);
		expect(shown('trackler', 'trackExpressionNotice', email(id))).toBe(false);
	});

	it('with the Track as an expression, it says what to do instead of "choose a Track"', () => {
		const expression = rlc('={{ $json.track_id }}');
		expect(shown('trackler', 'trackExpressionNotice', email(expression))).toBe(true);
		expect(shown('trackler', 'chooseTrackNotice', email(expression))).toBe(false);
		expect(property('trackler', 'trackExpressionNotice').displayName).toMatch(/user IDs with an expression/);
	});

	it('By Role shows neither notice', () => {
		expect(shown('trackler', 'chooseTrackNotice', email(rlc(''), 'byRole'))).toBe(false);
		expect(shown('trackler', 'trackExpressionNotice', email(rlc('={{ 1 }}'), 'byRole'))).toBe(false);
	});

	it('Create Missing Tags says it serves Tags by Name only', () => {
		const field = property('trackler', 'createMissingTags');
		expect(field.description).toMatch(/typed under Tags by Name/);
		expect(field.description).toMatch(/applies to Tags by Name only/);
		expect(field.hint).toMatch(/^For the names under Tags by Name only/); // shown under the switch
	});

	const trigger = (events: string[], schedulerIds: string[]): INodeParameters =>
		({ events, filters: schedulerIds.length ? { schedulerIds } : {} }) as INodeParameters;

	it('the Trackler Trigger warns when its Scheduler filter lets none of the chosen events through', () => {
		expect(shown('tracklerTrigger', 'schedulerFilterNotice', trigger(['appointment.created'], ['s1']))).toBe(true);
	});

	it('...and not when another event can pass, or without a Scheduler filter', () => {
		expect(
			shown('tracklerTrigger', 'schedulerFilterNotice', trigger(['appointment.created', 'appointment.booked'], ['s1'])),
		).toBe(false);
		expect(shown('tracklerTrigger', 'schedulerFilterNotice', trigger(['appointment.created'], []))).toBe(false);
		expect(shown('tracklerTrigger', 'schedulerFilterNotice', trigger(['appointment.booked'], ['s1']))).toBe(false);
	});

	it('the Polling Trigger says in plain words that a moment can fire up to one poll interval late', () => {
		const notice = property('tracklerPollingTrigger', 'pollTimingNotice');
		expect(notice.type).toBe('notice');
		expect(notice.displayName).toMatch(/up to one poll interval late/);
		for (const mode of ['appointmentTiming', 'trackDate', 'newEvents']) {
			expect(shown('tracklerPollingTrigger', 'pollTimingNotice', { mode })).toBe(true);
		}
	});
});

describe('options in the order a person thinks of them', () => {
	const names = (name: string) =>
		(property('tracklerPollingTrigger', name).options as Array<{ name: string }>).map((o) => o.name);

	it('Polling Trigger "When" around an appointment: in time order', () => {
		expect(names('appointmentTiming')).toEqual(['Before It Starts', 'When It Starts', 'After It Starts', 'After It Ends']);
	});

	it('Polling Trigger "When" around a Track date: in time order', () => {
		expect(names('momentTiming')).toEqual(['Before the Moment', 'At the Moment', 'After the Moment']);
	});
});

describe('canvas subtitles in words', () => {
	it('the action node names the action as the nodes panel does', () => {
		expect(subtitle('trackler', { resource: 'tag', operation: 'addToTrack' })).toBe('Add tags to a track');
		expect(subtitle('trackler', { resource: 'email', operation: 'sendToTrackMembers' })).toBe(
			'Send an email to track members',
		);
		expect(subtitle('trackler', {})).toBe('Get a track'); // the defaults: Track → Get
	});

	it('the Trackler Trigger names its events', () => {
		expect(subtitle('tracklerTrigger', { events: ['form.submitted', 'appointment.booked'] })).toBe(
			'Form Submitted, Appointment Booked',
		);
	});

	it.each([
		[{}, '15 minutes before an appointment starts'],
		[{ appointmentTiming: 'atStart' }, 'When an appointment starts'],
		[{ appointmentTiming: 'afterEnd', appointmentOffset: 1, appointmentOffsetUnit: 'hours' }, '1 hour after an appointment ends'],
		[{ mode: 'trackDate', metadataKey: 'Einddatum', momentTiming: 'before', momentOffset: 2 }, "2 days before the Track's Einddatum"],
		[{ mode: 'trackDate', metadataKey: 'Einddatum' }, "At the Track's Einddatum"],
		[{ mode: 'trackDate', momentSource: 'fixed', fixedMoment: '2026-12-01T09:00:00' }, 'At a fixed date-time'],
		[{ mode: 'newEvents', events: ['message.created'] }, 'New events: Message Created'],
	])('the Polling Trigger with %j reads "%s"', (parameters, words) => {
		expect(subtitle('tracklerPollingTrigger', parameters as INodeParameters)).toBe(words);
	});
});
