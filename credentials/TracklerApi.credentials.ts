import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
				'Base address of the Trackler API, without /v1. Use the address the sandbox prints when you test against it.',
			required: true,
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'An API token of your Trackler workspace (Settings → API). The token acts for one workspace.',
			required: true,
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken}}',
			},
		},
	};

	// The test reads every answer as a response (ignoreHttpStatusErrors) and decides by its body, so
	// that our messages show on n8n 1.x too: 1.x's credential tester cannot see the status code of a
	// failed request (its `responseCode` rules never match) but applies `responseSuccessBody` rules.
	// Rules are checked in order; the first that matches fails the test with its message. The last
	// one (`object` missing) fails every answer that is not a Trackler object: an HTML 404 page, some
	// other JSON API, or a Trackler problem we have no rule for, so a wrong URL never looks successful.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiUrl.replace(/\\/+$/, "")}}/v1',
			url: '/me',
			method: 'GET',
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
						'No Trackler API answers at this API URL. Check the address: it is the base URL without /v1, such as https://api.trackler.nl.',
				},
			},
		],
	};
}
