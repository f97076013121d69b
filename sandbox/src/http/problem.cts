// RFC 9457 problem details, the only error format the sandbox answers with.

export type ProblemCode =
	| 'bad_request'
	| 'unknown_api_version'
	| 'unauthorized'
	| 'forbidden'
	| 'insufficient_scope'
	| 'not_found'
	| 'method_not_allowed'
	| 'validation_failed'
	| 'conflict'
	| 'idempotency_key_reused'
	| 'track_archived'
	| 'external_id_taken'
	| 'precondition_failed'
	| 'already_claimed'
	| 'delivery_attempt_failed'
	| 'delivery_attempt_not_in_flight'
	| 'delivery_in_progress'
	| 'lease_expired'
	| 'rate_limited'
	| 'internal_error'
	| 'service_unavailable';

export interface FieldError {
	field: string;
	message: string;
	code: string;
}

const TITLES: Record<ProblemCode, string> = {
	bad_request: 'Bad request',
	unknown_api_version: 'Unknown API version',
	unauthorized: 'Unauthorized',
	forbidden: 'Forbidden',
	insufficient_scope: 'Insufficient scope',
	not_found: 'Not found',
	method_not_allowed: 'Method not allowed',
	validation_failed: 'Validation failed',
	conflict: 'Conflict',
	idempotency_key_reused: 'Idempotency key reused',
	track_archived: 'Track archived',
	external_id_taken: 'External id taken',
	precondition_failed: 'Precondition failed',
	already_claimed: 'Already claimed',
	delivery_attempt_failed: 'Delivery attempt failed',
	delivery_attempt_not_in_flight: 'Delivery attempt not in flight',
	delivery_in_progress: 'Delivery in progress',
	lease_expired: 'Lease expired',
	rate_limited: 'Too many requests',
	internal_error: 'Internal error',
	service_unavailable: 'Service unavailable',
};

const STATUS: Record<ProblemCode, number> = {
	bad_request: 400,
	unknown_api_version: 400,
	unauthorized: 401,
	forbidden: 403,
	insufficient_scope: 403,
	not_found: 404,
	method_not_allowed: 405,
	validation_failed: 422,
	conflict: 409,
	idempotency_key_reused: 422,
	track_archived: 409,
	external_id_taken: 409,
	precondition_failed: 412,
	already_claimed: 409,
	delivery_attempt_failed: 409,
	delivery_attempt_not_in_flight: 409,
	delivery_in_progress: 409,
	lease_expired: 409,
	rate_limited: 429,
	internal_error: 500,
	service_unavailable: 503,
};

export class ApiError extends Error {
	readonly status: number;
	constructor(
		readonly code: ProblemCode,
		readonly detail: string,
		readonly errors?: FieldError[],
		status?: number,
		readonly headers: Record<string, string> = {},
		/** Extension members of the problem (e.g. `current_etag`). */
		readonly extra: Record<string, unknown> = {},
	) {
		super(detail);
		this.status = status ?? STATUS[code];
	}
}

export function codeForStatus(status: number): ProblemCode {
	for (const [code, s] of Object.entries(STATUS)) if (s === status) return code as ProblemCode;
	if (status >= 500) return 'internal_error';
	return 'bad_request';
}

export interface Problem {
	type: string;
	title: string;
	status: number;
	detail: string;
	instance: string;
	code: ProblemCode;
	errors?: FieldError[];
	[extension: string]: unknown;
}

export function problem(code: ProblemCode, detail: string, instance: string, errors?: FieldError[], status?: number, extra: Record<string, unknown> = {}): Problem {
	const p: Problem = {
		type: `https://api.trackler.nl/problems/${code}`,
		title: TITLES[code],
		status: status ?? STATUS[code],
		detail,
		instance,
		code,
	};
	if (errors) p.errors = errors;
	return { ...p, ...extra };
}

export const notFound = (what: string): ApiError => new ApiError('not_found', `No ${what} with this id in the workspace.`);
export const trackArchived = (): ApiError =>
	new ApiError('track_archived', 'The Track is archived and can no longer be changed; unarchive it first.');
export const conflict = (detail: string): ApiError => new ApiError('conflict', detail);
export const invalid = (field: string, message: string, code = 'invalid_value'): ApiError =>
	new ApiError('validation_failed', 'The request has 1 invalid field.', [{ field, message, code }]);
