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

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiUrl.replace(/\\/+$/, "")}}/v1',
			url: '/me',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Trackler did not accept this API token. Check that you pasted the whole token, that it belongs to this workspace and that it has not been revoked.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'This API token may not read the workspace. Create a token with access to the workspace in Trackler and try again.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Trackler API answers at this API URL. Check the address: it is the base URL without /v1, such as https://api.trackler.nl.',
				},
			},
		],
	};
}
