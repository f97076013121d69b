// Makes a template of templates/ ready to import into one n8n, for one Trackler workspace.
// Used by the demo (scripts/demo/n8n.cts) and by the e2e tests that import templates.
//
//   const json = JSON.parse(fs.readFileSync('templates/form-submitted-message.json', 'utf8'));
//   const ready = await prepareTemplate(json, { id: cred.id, name: cred.name }, { apiUrl, apiToken });
//   await n8n.createWorkflow(ready);
//
// What it does (on a copy; the template itself is left alone):
//  1. every Trackler credential reference (`TRACKLER_CREDENTIAL_ID`) becomes the given credential;
//  2. every node with a `webhookId` (triggers, Wait) gets a fresh one, so that the same template can
//     be imported twice into one n8n without two workflows claiming the same webhook path;
//     an MCP Server Trigger gets a path nobody can guess (its template path, a dash and 128 random
//     bits) and, with `options.mcpBearer`, that Bearer Auth credential (`MCP_BEARER_CREDENTIAL_ID`):
//     without one, the trigger keeps refusing every client;
//  3. with `lookup` (the workspace's API URL and token): every resource locator saved in "From List"
//     mode for a Status, Tag, Form Template, Scheduler, Track Design or User is resolved BY NAME
//     (its `cachedResultName`) to that workspace's ID. Templates are written against the demo
//     workspace "Praktijk De Koers", whose IDs differ in every sandbox; names do not. A name the
//     workspace does not have is an error that names the node and the name.
import { randomBytes, randomUUID } from 'node:crypto';

import { SandboxClient, SandboxHttpError } from './sandbox/client.cjs';

export const CREDENTIAL_PLACEHOLDER_ID = 'TRACKLER_CREDENTIAL_ID';
export const CREDENTIAL_TYPE = 'tracklerApi';
export const MCP_BEARER_PLACEHOLDER_ID = 'MCP_BEARER_CREDENTIAL_ID';
export const MCP_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';

export interface PrepareOptions {
	/** The n8n Bearer Auth credential (type httpBearerAuth) MCP clients must present. */
	mcpBearer?: TemplateCredential;
}

export interface TemplateCredential {
	id: string;
	name: string;
}

export interface TemplateLookup {
	/** The credential's API URL (without /v1), e.g. http://127.0.0.1:4010 */
	apiUrl: string;
	apiToken: string;
}

type Json = Record<string, any>;

/** Parameter name (last path segment) → the list endpoint that holds objects of that kind. */
const LIST_ENDPOINTS: Record<string, string> = {
	statusId: '/statuses',
	tagId: '/tags',
	templateId: '/form-templates',
	formTemplateId: '/form-templates',
	schedulerId: '/schedulers',
	designId: '/track-designs',
	userId: '/users',
	assigneeId: '/users',
};

interface Named {
	id: string;
	name: string;
}

async function listAll(lookup: TemplateLookup, endpoint: string): Promise<Named[]> {
	const base = lookup.apiUrl.replace(/\/+$/, '');
	const client = new SandboxClient({ url: `${base}/v1`, token: lookup.apiToken });
	try {
		return (await client.all(endpoint)) as Named[];
	} catch (e) {
		if (!(e instanceof SandboxHttpError)) throw e;
		throw new Error(
			`GET ${endpoint} answered HTTP ${e.response.status} while resolving template names`,
		);
	}
}

/** Every resource-locator value in list mode under `value`, with the parameter name it sits under. */
function listLocators(value: unknown, key: string, found: Array<{ key: string; rl: Json }>): void {
	if (Array.isArray(value)) {
		for (const entry of value) listLocators(entry, key, found);
		return;
	}
	if (!value || typeof value !== 'object') return;
	const obj = value as Json;
	if (obj.__rl === true) {
		if (obj.mode === 'list' && typeof obj.cachedResultName === 'string')
			found.push({ key, rl: obj });
		return;
	}
	for (const [k, v] of Object.entries(obj)) listLocators(v, k, found);
}

/** A ready-to-import copy of `template` (see the top of this file). */
export async function prepareTemplate(
	template: Json,
	credential: TemplateCredential,
	lookup?: TemplateLookup,
	options: PrepareOptions = {},
): Promise<Json> {
	const json = structuredClone(template) as Json;
	if (!Array.isArray(json.nodes)) throw new Error(`template "${String(json.name)}" has no nodes`);
	const cache = new Map<string, Promise<Named[]>>();
	for (const node of json.nodes as Json[]) {
		if (node.credentials && CREDENTIAL_TYPE in node.credentials) {
			node.credentials[CREDENTIAL_TYPE] = { id: credential.id, name: credential.name };
		}
		if (typeof node.webhookId === 'string') node.webhookId = randomUUID();
		if (node.type === MCP_TRIGGER_TYPE) {
			const prefix = String(node.parameters?.path ?? 'mcp') || 'mcp';
			node.parameters = { ...node.parameters, path: `${prefix}-${randomBytes(16).toString('hex')}` };
			const bearer = node.credentials?.httpBearerAuth as Json | undefined;
			if (bearer?.id === MCP_BEARER_PLACEHOLDER_ID && options.mcpBearer) {
				node.credentials.httpBearerAuth = { id: options.mcpBearer.id, name: options.mcpBearer.name };
			}
		}
		if (!lookup) continue;
		const found: Array<{ key: string; rl: Json }> = [];
		listLocators(node.parameters, '', found);
		for (const { key, rl } of found) {
			const endpoint = LIST_ENDPOINTS[key];
			if (!endpoint) continue;
			let list = cache.get(endpoint);
			if (!list) {
				list = listAll(lookup, endpoint);
				cache.set(endpoint, list);
			}
			const wanted = String(rl.cachedResultName).toLowerCase();
			const match = (await list).find((entry) => entry.name.toLowerCase() === wanted);
			if (!match) {
				throw new Error(
					`template "${String(json.name)}", node "${String(node.name)}": this Trackler workspace has no ` +
						`${endpoint.slice(1)} entry named "${String(rl.cachedResultName)}"; create it or pick another in the node`,
				);
			}
			rl.value = match.id;
			rl.cachedResultName = match.name;
		}
	}
	return json;
}
