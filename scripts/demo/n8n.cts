// The demo's n8n gets what a new user would set up by hand: the Trackler credential pointing at the
// demo's sandbox, a Bearer Auth credential for the MCP server template, and the templates of
// templates/ imported (those marked active published).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Sandbox } from '../../sandbox/src/server.cjs';
import { prepareTemplate } from '../../tooling/templates.cjs';
import type { N8nHandle } from '../../tooling/n8n/index.cjs';
import { REPO_ROOT } from '../../tooling/paths.cjs';

function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

/** The name of the demo's Trackler credential in n8n. */
export const CREDENTIAL_NAME = 'Trackler sandbox';
/** The demo's second Trackler credential: the workspace's read-only token (scope `read`). */
export const READ_ONLY_CREDENTIAL_NAME = 'Trackler sandbox (read-only)';

export interface CredentialSummary {
	id: string;
	name: string;
	type: string;
}

/** Creates the sandbox credential (with the full token unless another is given), or points the existing one (by name) at the sandbox. */
export async function ensureCredential(
	n8n: N8nHandle,
	sandbox: Sandbox,
	name = CREDENTIAL_NAME,
	token = sandbox.token,
): Promise<CredentialSummary> {
	const data = { apiUrl: sandbox.baseUrl, apiToken: token };
	const list = await n8n.rest<{ data: CredentialSummary[] }>('GET', '/credentials');
	if (!list.ok) throw new Error(`listing n8n credentials failed: HTTP ${list.status}`);
	const existing = list.body.data.find(
		(c) => c.type === 'tracklerApi' && c.name === name,
	);
	if (!existing) {
		const created = await n8n.createCredential('tracklerApi', name, data);
		say(`  created the n8n credential "${name}"`);
		return created;
	}
	const full = await n8n.rest('GET', `/credentials/${existing.id}?includeData=true`);
	const current = full.ok
		? (full.body?.data?.data as Record<string, unknown> | undefined)
		: undefined;
	if (current?.apiUrl !== data.apiUrl) {
		const upd = await n8n.rest('PATCH', `/credentials/${existing.id}`, {
			name,
			type: 'tracklerApi',
			data,
		});
		if (!upd.ok) throw new Error(`updating the n8n credential failed: HTTP ${upd.status}`);
		say(`  pointed the n8n credential "${name}" at ${sandbox.baseUrl}`);
	}
	return existing;
}

/** The name of the demo's Bearer Auth credential, the token MCP clients of the assistant template send. */
export const MCP_BEARER_NAME = 'Trackler assistant MCP token';

/** The MCP template's Bearer Auth credential: an existing one (by name), or a new one with a random token. */
export async function ensureMcpBearer(n8n: N8nHandle): Promise<CredentialSummary> {
	const list = await n8n.rest<{ data: CredentialSummary[] }>('GET', '/credentials');
	if (!list.ok) throw new Error(`listing n8n credentials failed: HTTP ${list.status}`);
	const existing = list.body.data.find((c) => c.type === 'httpBearerAuth' && c.name === MCP_BEARER_NAME);
	if (existing) return existing;
	const created = await n8n.createCredential('httpBearerAuth', MCP_BEARER_NAME, {
		token: randomBytes(32).toString('base64url'),
	});
	say(`  created the n8n credential "${MCP_BEARER_NAME}" (the token an MCP client sends; open it in n8n to copy it)`);
	return created;
}

/** Imports templates/*.json that n8n does not have yet (by name); publishes those marked active. */
export async function importTemplates(
	n8n: N8nHandle,
	credential: CredentialSummary,
	sandbox: Sandbox,
): Promise<string[]> {
	const dir = path.join(REPO_ROOT, 'templates');
	if (!fs.existsSync(dir)) return [];
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort();
	const existing = new Set((await n8n.listWorkflows()).map((w) => w.name));
	const imported: string[] = [];
	let mcpBearer: CredentialSummary | undefined;
	for (const file of files) {
		let json: Record<string, any>;
		try {
			json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
		} catch (e) {
			say(`  skipped templates/${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
			continue;
		}
		if (!json.name || !Array.isArray(json.nodes)) {
			say(`  skipped templates/${file}: not an n8n workflow`);
			continue;
		}
		if (existing.has(json.name)) continue;
		try {
			// the credential, fresh webhook ids, a random MCP path and its Bearer Auth credential,
			// "From List" values resolved by name in this workspace
			const needsBearer = (json.nodes as Array<{ credentials?: Record<string, unknown> }>).some(
				(node) => node.credentials?.httpBearerAuth !== undefined,
			);
			if (needsBearer) mcpBearer ??= await ensureMcpBearer(n8n);
			const ready = await prepareTemplate(
				json,
				{ id: credential.id, name: credential.name },
				{ apiUrl: sandbox.baseUrl, apiToken: sandbox.token },
				mcpBearer ? { mcpBearer: { id: mcpBearer.id, name: mcpBearer.name } } : {},
			);
			const wf = await n8n.createWorkflow(ready);
			existing.add(json.name);
			imported.push(json.name);
			if (json.active === true) {
				await n8n.publishWorkflow(wf.id);
				say(`  imported and published "${json.name}"`);
			} else say(`  imported "${json.name}"`);
		} catch (e) {
			say(`  could not import templates/${file}: ${e instanceof Error ? e.message : String(e)}`);
		}
	}
	return imported;
}
