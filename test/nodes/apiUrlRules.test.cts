// The API URL rule's refusals word for word (the credential test shows them as they are), its
// edges (the length limit, user info of either kind, values that are no string) and the loopback test
// on the host names the URL parser does not write itself.
import { apiBase, ApiUrlError, apiUrlProblemText, checkApiUrl, isLoopbackHost } from '../../nodes/shared/apiUrl';

const FIELD = 'API URL of the Trackler credential';

describe('checkApiUrl: each refusal, as the credential test shows it', () => {
	test.each<[string, unknown, string]>([
		[
			'empty',
			'',
			`The ${FIELD} is empty. Enter Trackler's API address, such as https://api.trackler.nl.`,
		],
		[
			'null',
			null,
			`The ${FIELD} is empty. Enter Trackler's API address, such as https://api.trackler.nl.`,
		],
		[
			'longer than 2048 characters',
			`https://api.trackler.nl/${'a'.repeat(2048 - 23)}`,
			`The ${FIELD} is longer than 2048 characters. Enter Trackler's API address only, such as https://api.trackler.nl.`,
		],
		[
			'no address',
			'api.trackler.nl',
			`The ${FIELD} is not a web address. Enter the full address with https://, such as https://api.trackler.nl.`,
		],
		[
			'a number',
			42,
			`The ${FIELD} is not a web address. Enter the full address with https://, such as https://api.trackler.nl.`,
		],
		[
			'a user name',
			'https://sanne@api.trackler.nl',
			`The ${FIELD} holds a user name or password. Remove the part before "@" from the address (for example https://api.trackler.nl); the token belongs in API Token.`,
		],
		[
			'a password only',
			'https://:geheim@api.trackler.nl',
			`The ${FIELD} holds a user name or password. Remove the part before "@" from the address (for example https://api.trackler.nl); the token belongs in API Token.`,
		],
		[
			'another scheme',
			'ftp://api.trackler.nl/files',
			`The ${FIELD} (ftp://api.trackler.nl/files) is not an https:// address. Enter the address with https://, such as https://api.trackler.nl.`,
		],
		[
			'http:// elsewhere',
			'http://api.trackler.nl/api',
			`The ${FIELD} (http://api.trackler.nl/api) uses http://, which would send the API token unencrypted. Use https:// (such as https://api.trackler.nl); http:// is accepted only for this machine (localhost, 127.0.0.1, ::1), e.g. a local sandbox.`,
		],
		[
			'a query',
			'https://api.trackler.nl/v1?x=1',
			`The ${FIELD} (https://api.trackler.nl/v1) has a query or fragment ("?" or "#"). Remove everything from "?" or "#" on; the address is the base only, such as https://api.trackler.nl.`,
		],
		[
			'a fragment',
			'http://localhost:4010#top',
			`The ${FIELD} (http://localhost:4010/) has a query or fragment ("?" or "#"). Remove everything from "?" or "#" on; the address is the base only, such as https://api.trackler.nl.`,
		],
	])('%s', (_case, value, text) => {
		const result = checkApiUrl(value);
		expect(typeof result).toBe('object');
		expect(apiUrlProblemText(result as Exclude<typeof result, string>)).toBe(text);
	});
});

describe('checkApiUrl: what it accepts', () => {
	test.each<[string, unknown, string]>([
		[
			'exactly 2048 characters',
			`https://api.trackler.nl/${'a'.repeat(2048 - 24)}`,
			`https://api.trackler.nl/${'a'.repeat(2048 - 24)}/v1`,
		],
		[
			'2048 characters once trimmed',
			`  https://api.trackler.nl/${'a'.repeat(2048 - 24)}  `,
			`https://api.trackler.nl/${'a'.repeat(2048 - 24)}/v1`,
		],
		[
			'a path ending in v1 as a word of its own only',
			'https://example.com/apiv1',
			'https://example.com/apiv1/v1',
		],
		['a version path after slashes', 'https://example.com/api//v1', 'https://example.com/api/v1'],
		['only the last /v1', 'https://example.com/v1/v1', 'https://example.com/v1/v1'],
	])('%s', (_case, value, base) => {
		expect(checkApiUrl(value)).toBe(base);
	});
});

describe('isLoopbackHost, called with any host name', () => {
	test.each([
		['::1', true],
		['127.0.0.01', true],
		['127.0.0.0001', false],
		['127..0.1', false],
		['127.0.0.-1', false],
		['127.0.0.1e2', false],
		['127.0.0. 1', false],
		['127.0.0', false],
		['127.0.0.1.2', false],
		['0127.0.0.1', false],
	])('%s: %s', (host, loopback) => {
		expect(isLoopbackHost(host)).toBe(loopback);
	});
});

describe('apiBase: the rule that throws', () => {
	test('a refusal is an ApiUrlError, named so, with the problem as its message and the fix apart', () => {
		const error = (() => {
			try {
				apiBase('http://api.trackler.example');
			} catch (thrown) {
				return thrown as ApiUrlError;
			}
			throw new Error('the address was accepted');
		})();
		expect(error).toBeInstanceOf(ApiUrlError);
		expect(error.name).toBe('ApiUrlError');
		expect(error.message).toBe(`The ${FIELD} (http://api.trackler.example/) uses http://, which would send the API token unencrypted`);
		expect(error.fix).toMatch(/^Use https:\/\//);
		expect(String(error)).toMatch(/^ApiUrlError: The API URL/);
	});

	test('an accepted address is the base', () => {
		expect(apiBase(' https://api.trackler.nl/v1/ ')).toBe('https://api.trackler.nl/v1');
	});
});
