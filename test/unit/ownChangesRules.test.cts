// Ignore Own Changes rule by rule, without a server: the two fields (on from version 1.1, off before), the
// parameter read with the version's default, which events count as the token's own, and when the token's id
// is asked for at all (me.ts is replaced by a recorder).
import type { IPollFunctions } from 'n8n-workflow';

const asked: Array<{ maxAgeMs: number; options: unknown }> = [];
jest.mock('../../nodes/shared/me', () => ({
	...jest.requireActual('../../nodes/shared/me'),
	meFacts: jest.fn(async (_ctx: unknown, maxAgeMs: number, options: unknown) => {
		asked.push({ maxAgeMs, options });
		return {
			tokenId: 'tok_1',
			scopes: undefined,
			workspaceId: undefined,
			workspaceTimeZone: undefined,
		};
	}),
}));

import {
	IGNORE_OWN_CHANGES,
	IGNORE_OWN_CHANGES_SINCE_VERSION,
	causedByToken,
	ignoreOwnChangesFields,
	ignoresOwnChanges,
	ownChangesFilter,
	ownTokenId,
} from '../../nodes/shared/ownChanges';
import { FIXED_FOR_TOKEN_MS } from '../../nodes/shared/me';
import { testNode } from '../../tooling/fakeContext.cjs';

const DESCRIPTION =
	"Whether to ignore events caused by this workflow's own Trackler credential (its API token), so that a workflow that changes what it listens to does not start itself again. Other workflows that use the same credential count as own too: give a workflow that must react to another's changes a credential with its own token.";

function ctx(typeVersion: number, parameter: unknown, mode = 'trigger') {
	const node = testNode('tracklerTrigger', { typeVersion });
	const getNodeParameter = jest.fn((_name: string, fallback: unknown) =>
		parameter === 'missing' ? fallback : parameter,
	);
	return {
		getNode: () => node,
		getNodeParameter,
		getMode: () => mode,
	} as unknown as IPollFunctions & {
		getNodeParameter: jest.Mock;
	};
}

beforeEach(() => {
	asked.length = 0;
});

describe('the fields', () => {
	it('on from version 1.1, off before it, each with the conditions given', () => {
		expect(IGNORE_OWN_CHANGES).toBe('ignoreOwnChanges');
		expect(IGNORE_OWN_CHANGES_SINCE_VERSION).toBe(1.1);
		expect(ignoreOwnChangesFields({ mode: ['x'] })).toEqual([
			{
				displayName: 'Ignore Own Changes',
				name: 'ignoreOwnChanges',
				type: 'boolean',
				default: true,
				description: DESCRIPTION,
				displayOptions: { show: { mode: ['x'], '@version': [{ _cnd: { gte: 1.1 } }] } },
			},
			{
				displayName: 'Ignore Own Changes',
				name: 'ignoreOwnChanges',
				type: 'boolean',
				default: false,
				description: DESCRIPTION,
				displayOptions: { show: { mode: ['x'], '@version': [{ _cnd: { lt: 1.1 } }] } },
			},
		]);
		expect(ignoreOwnChangesFields()[0].displayOptions).toEqual({
			show: { '@version': [{ _cnd: { gte: 1.1 } }] },
		});
	});
});

describe('ignoresOwnChanges', () => {
	it.each([
		[1, 'missing', false],
		[1.1, 'missing', true],
		[1.2, 'missing', true],
		[1, true, true],
		[1.1, false, false],
		[1.1, 'yes', true],
		[1, 'yes', false],
	])('version %p with %p: %p', (version, parameter, expected) => {
		const context = ctx(version, parameter);
		expect(ignoresOwnChanges(context)).toBe(expected);
		expect(context.getNodeParameter).toHaveBeenCalledWith('ignoreOwnChanges', version >= 1.1);
	});
});

describe('causedByToken', () => {
	it.each([
		[{ type: 'api_token', token_id: 'tok_1' }, 'tok_1', true],
		[{ type: 'api_token', token_id: 'tok_2' }, 'tok_1', false],
		[{ type: 'user', token_id: 'tok_1' }, 'tok_1', false],
		[{ type: 'api_token' }, undefined, false],
		[{ type: 'api_token', token_id: '' }, '', false],
		[undefined, 'tok_1', false],
	])('actor %p with token %p: %p', (actor, tokenId, expected) => {
		expect(causedByToken({ actor } as never, tokenId)).toBe(expected);
	});
});

describe('ownChangesFilter and ownTokenId', () => {
	const own = { actor: { type: 'api_token', token_id: 'tok_1' } } as never;
	const other = { actor: { type: 'user', id: 'u1' } } as never;

	it('on: drops the own token events; the id asked for with one retry, reused for FIXED_FOR_TOKEN_MS', async () => {
		const keep = await ownChangesFilter(ctx(1.1, true));
		expect(keep(own)).toBe(false);
		expect(keep(other)).toBe(true);
		expect(asked).toEqual([{ maxAgeMs: FIXED_FOR_TOKEN_MS, options: { retries: 1 } }]);
		expect(await ownTokenId(ctx(1.1, true))).toBe('tok_1');
	});

	it('off, or listening for a test event: keeps everything without asking', async () => {
		for (const context of [ctx(1.1, false), ctx(1.1, true, 'manual'), ctx(1, 'missing')]) {
			const keep = await ownChangesFilter(context);
			expect(keep(own)).toBe(true);
			expect(keep(other)).toBe(true);
		}
		expect(asked).toEqual([]);
	});
});
