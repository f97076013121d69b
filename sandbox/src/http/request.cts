// Reading a request to the sandbox's API: its body, its query parameters coerced to the contract's
// types, and the check of an answer against the contract.
import type * as http from 'node:http';
import { normIso } from '../clock.cjs';
import { toFieldErrors, type Operation } from './contract.cjs';
import { ApiError, type FieldError } from './problem.cjs';

export function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > 2_000_000) {
				reject(new ApiError('bad_request', 'The request body is larger than 2 MB.'));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

export function coerceQuery(op: Operation, url: URL): { query: Record<string, unknown>; errors: FieldError[] } {
	const query: Record<string, unknown> = {};
	const errors: FieldError[] = [];
	for (const p of op.params.filter((x) => x.in === 'query')) {
		const raw = url.searchParams.get(p.name);
		if (raw === null) continue;
		const type = (p.schema.type as string | undefined) ?? (p.schema.$ref ? 'string' : undefined);
		let value: unknown = raw;
		if (type === 'integer' || type === 'number') value = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
		else if (type === 'boolean') value = raw === 'true' ? true : raw === 'false' ? false : raw;
		else if (type === 'array') value = raw === '' ? [] : raw.split(',');
		if (!p.validate(value)) {
			for (const e of toFieldErrors(p.validate.errors)) errors.push({ ...e, field: e.field === 'body' ? p.name : `${p.name}${e.field.startsWith('[') ? '' : '.'}${e.field}` });
			continue;
		}
		query[p.name] = p.schema.format === 'date-time' ? normIso(value as string) : value;
	}
	for (const e of errors) e.field = e.field.replace(/\.body$/, '').replace(/\.$/, '');
	return { query, errors };
}

/** What breaks the contract in an answer of `op`: an undeclared status, a missing header, a body off its schema. */
export function checkResponse(op: Operation, status: number, body: unknown, headers: Record<string, string>): string[] {
	const spec = op.responses.get(String(status)) ?? op.responses.get('default');
	if (!spec) return [`status ${status} is not a declared response of ${op.operationId}`];
	const errs: string[] = [];
	const lower = Object.keys(headers).map((h) => h.toLowerCase());
	for (const h of spec.requiredHeaders) if (!lower.includes(h)) errs.push(`missing required header ${h}`);
	if (spec.validate && !spec.validate(body)) {
		for (const e of spec.validate.errors ?? []) errs.push(`${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
	}
	return errs;
}
