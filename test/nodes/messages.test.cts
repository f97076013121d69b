// The errors a support person reads, checked without a server: an expression that gave an empty
// value says so, an item that stops the node before anything is sent says that no item was sent,
// and times are shown in the workflow's time zone.
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { formatInZone, getRequiredString } from '../../nodes/shared/checks';
import { getId, getPlainId } from '../../nodes/shared/ids';
import { Trackler as TracklerAction } from '../../nodes/Trackler/Trackler.node';
import { FORM_ID } from '../../nodes/Trackler/resources/form/formId';
import { catchError } from './fixtures.cjs';
import { createHarness, rl } from './harness.cjs';
import { testNode } from '../../tooling/fakeContext.cjs';

/** A context whose node holds `parameters` as stored (expressions unevaluated) and whose every parameter evaluates to ''. */
function evaluatedEmpty(parameters: INode['parameters']): IExecuteFunctions {
	const node = testNode('trackler', { parameters });
	return { getNode: () => node, getNodeParameter: () => '' } as unknown as IExecuteFunctions;
}

// No request leaves these runs (every case stops in the checks); the address only fills the credential.
const credentials = { apiUrl: 'http://127.0.0.1:9', apiToken: 'trk_test_0123456789abcdef' };
const node = new TracklerAction();

describe('a required field whose expression gave an empty value', () => {
	it('a Track locator names the expression and the fix', async () => {
		const ctx = evaluatedEmpty({ trackId: rl('={{ $json.track_id }}') });
		const error = await catchError(async () => getId.call(ctx, 'trackId', 0, 'Track'));
		expect(error.message).toBe(
			'Track is empty: the expression {{ $json.track_id }} gave an empty value',
		);
		expect(error.description).toMatch(/the field the expression reads is in this item's input/);
		expect(error.description).toMatch(/Choose a Track from the list, or enter its ID\./);
	});

	it('a text field inside a collection and a plain ID field say the same', async () => {
		const ctx = evaluatedEmpty({
			updateFields: { title: '={{ $json.name }}' },
			formId: '={{ $json.form.id }}',
		});
		const title = await catchError(async () =>
			getRequiredString.call(ctx, 'updateFields.title', 0, 'Title'),
		);
		expect(title.message).toBe(
			'Title is empty: the expression {{ $json.name }} gave an empty value',
		);
		const form = await catchError(async () => getPlainId.call(ctx, FORM_ID, 0));
		expect(form.message).toBe(
			'Form ID is empty: the expression {{ $json.form.id }} gave an empty value',
		);
	});

	it('a field left empty by hand keeps the short message', async () => {
		const ctx = evaluatedEmpty({ trackId: rl('') });
		const error = await catchError(async () => getId.call(ctx, 'trackId', 0, 'Track'));
		expect(error.message).toBe('Track is empty');
	});
});

describe('an item that stops the node before anything is sent', () => {
	it('says that no item was sent, and nothing was', async () => {
		const harness = createHarness();
		const error = await catchError(() =>
			harness.executeNode(node, {
				parameters: (itemIndex) => ({
					resource: 'message',
					operation: 'sendToTrack',
					trackId: rl('3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13'),
					message: itemIndex === 1 ? ' ' : 'Hallo',
				}),
				items: [{}, {}, {}],
				credentials,
			}),
		);
		expect(error.message).toBe('Message is empty');
		expect(error.description).toMatch(
			/^Enter the text of the message\. No item was sent to Trackler/,
		);
		expect(harness.requests).toHaveLength(0);
	});

	it('with Continue On Fail the error item does not claim it (the other items are sent)', async () => {
		const harness = createHarness();
		const output = await harness.executeNode(node, {
			parameters: {
				resource: 'message',
				operation: 'sendToTrack',
				trackId: rl(''),
				message: 'Hallo',
			},
			credentials,
			continueOnFail: true,
		});
		expect(output[0][0].json.error).toBe('Track is empty');
		expect(String(output[0][0].json.description)).not.toMatch(/No item was sent/);
	});
});

describe('times in messages are in the workflow time zone', () => {
	it('End is not after Start, in Europe/Amsterdam (the workflow zone) and not UTC', async () => {
		const harness = createHarness();
		const error = await catchError(() =>
			harness.executeNode(node, {
				parameters: {
					resource: 'appointment',
					operation: 'create',
					trackId: rl('3f2b8c1e-5d7a-4c9e-8b1f-2a6d4e8c0b13'),
					title: 'Coachgesprek',
					start: '2026-04-14T08:00:00Z',
					endGivenAs: 'endTime',
					end: '2026-04-14T07:30:00Z',
				},
				credentials,
			}),
		);
		expect(error.message).toBe(
			'End (2026-04-14 09:30 Europe/Amsterdam) is not after Start (2026-04-14 10:00 Europe/Amsterdam)',
		);
		expect(harness.requests).toHaveLength(0);
	});

	it('formats winter time, seconds when there are any, and falls back to the ISO time for an unknown zone', () => {
		expect(formatInZone('2026-01-10T08:30:00.000Z', 'Europe/Amsterdam')).toBe(
			'2026-01-10 09:30 Europe/Amsterdam',
		);
		expect(formatInZone('2026-01-10T08:30:15.000Z', 'Europe/Amsterdam')).toBe(
			'2026-01-10 09:30:15 Europe/Amsterdam',
		);
		expect(formatInZone('2026-01-10T23:30:00.000Z', 'UTC')).toBe('2026-01-10 23:30 UTC');
		expect(formatInZone('2026-01-10T08:30:00.000Z', 'Not/AZone')).toBe('2026-01-10T08:30:00.000Z');
	});
});
