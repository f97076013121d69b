// Lookups the Track-scoped routes share.
import { ApiError, notFound, trackArchived, type FieldError } from '../http/problem.cjs';
import type { Store, TrackRow } from '../store/store.cjs';

export function requireTrack(store: Store, id: string): TrackRow {
	const t = store.trackRow(id);
	if (!t) throw notFound('Track');
	return t;
}

/** The Track, which must exist and not be archived. */
export function requireOpenTrack(store: Store, id: string): TrackRow {
	const t = requireTrack(store, id);
	if (t.archived === 1) throw trackArchived();
	return t;
}

export function failIfErrors(errors: FieldError[]): void {
	if (errors.length) {
		throw new ApiError('validation_failed', `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`, errors);
	}
}

export const notFoundField = (field: string, what: string): FieldError => ({ field, message: `no ${what} with this id in the workspace`, code: 'not_found' });
