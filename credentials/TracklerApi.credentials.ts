import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { API_VERSION } from '../nodes/shared/api';
import { apiUrlProblemText, checkApiUrl } from '../nodes/shared/apiUrl';

export class TracklerApi implements ICredentialType {
	name = 'tracklerApi';

	displayName = 'Trackler API';

	icon: Icon = {
		light: 'file:../icons/trackler.svg',
		dark: 'file:../icons/trackler.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-trackler/n8n-nodes-trackler#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API URL',
			name: 'apiUrl',
			type: 'string',
			default: 'https://api.trackler.nl',
			placeholder: 'https://api.trackler.nl',
			description:
				'Base address of the Trackler API, such as https://api.trackler.nl. A /v1 at the end, trailing slashes and spaces are ignored (requests go to this address plus /v1). It must start with https://; http:// is accepted only for this machine (localhost, 127.0.0.1, ::1), such as a local sandbox.',
			required: true,
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'An API token of your Trackler workspace (Settings → API). The token acts for one workspace, with the scopes chosen when it was made: a read-only token runs every read, and each write needs its scope (such as messages:write); an operation the token may not do is refused before anything is sent.',
			required: true,
		},
	];

	/**
	 * Every request with this credential, the nodes' and the test's: the API URL goes through the one
	 * rule of `nodes/shared/apiUrl.ts` (the test's relative path gets its base from it), the token goes
	 * only to that API (an absolute address elsewhere is refused) and never along a redirect.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const base = checkApiUrl(credentials.apiUrl);
		if (typeof base !== 'string') throw new Error(apiUrlProblemText(base));
		const url = String(requestOptions.url ?? '');
		const relative = url.startsWith('/') && !requestOptions.baseURL;
		if (!relative) {
			const target = `${requestOptions.baseURL ?? ''}${url}`;
			if (target !== base && !target.startsWith(`${base}/`) && !target.startsWith(`${base}?`)) {
				throw new Error(
					'The Trackler API token is sent only to the API URL of its credential. Use the Trackler nodes, or set the address in the credential.',
				);
			}
		}
		return {
			...requestOptions,
			...(relative ? { baseURL: base } : {}),
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(credentials.apiToken ?? '')}`,
			},
			disableFollowRedirect: true,
		};
	}

	// The test reads every answer as a response (ignoreHttpStatusErrors) and decides by its body, so
	// that our messages show on n8n 1.x too: 1.x's credential tester cannot see the status code of a
	// failed request (its `responseCode` rules never match) but applies `responseSuccessBody` rules.
	// Rules are checked in order; the first that matches fails the test with its message. The last
	// one (`object` missing) fails every answer that is not a Trackler object: an HTML 404 page, some
	// other JSON API, or a Trackler problem we have no rule for, so a wrong URL never looks successful.
	test: ICredentialTestRequest = {
		// No base here: authenticate() sets it from the API URL by the nodes' own rule (nodes/shared/apiUrl.ts).
		request: {
			url: '/me',
			method: 'GET',
			// The API version the nodes are written for.
			headers: { 'Trackler-Version': API_VERSION },
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'unauthorized',
					message:
						'Trackler did not accept this API token. Check that you pasted the whole token, that it belongs to this workspace and that it has not been revoked.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'forbidden',
					message:
						'This API token may not read the workspace. Create a token with access to the workspace in Trackler and try again.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'rate_limited',
					message:
						'Trackler is limiting requests for this token right now. Wait a minute and test again.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'service_unavailable',
					message: 'Trackler is temporarily unavailable. Wait a few minutes and test again.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'internal_error',
					message:
						'Trackler ran into an error answering the test. Wait a few minutes and test again.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'object',
					value: undefined,
					message:
						'No Trackler API answered GET <API URL>/v1/me (the test removes a /v1 you typed at the end and adds it once). Check the address, such as https://api.trackler.nl, and that it does not redirect: the token is not sent along a redirect.',
				},
			},
		],
	};
}
