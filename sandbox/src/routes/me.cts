import type { Handler } from '../http/handler.cjs';

export const routes: Record<string, Handler> = {
	getMe: ({ store, userId, token }) => {
		const user = store.userRow(userId);
		if (!user) throw new Error('the token user is missing');
		return {
			status: 200,
			body: { object: 'me', user: store.userObj(user), workspace: store.workspaceObj(), token: { object: 'api_token', id: token.id, name: token.name, scopes: token.scopes, api_version: token.apiVersion } },
		};
	},
};
