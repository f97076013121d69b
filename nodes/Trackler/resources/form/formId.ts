import type { PlainIdKind } from '../../../shared/ids';

/** Forms are found per Track, so the Form ID is typed as plain text. */
export const FORM_ID: PlainIdKind = {
	label: 'Form',
	name: 'formId',
	example: '3d7a1f5b-8c2e-4f9d-a6b4-1e3c5a7d9f25',
	whereFrom:
		'Take it from the output of Create from Template or Get Many, or from a Trackler trigger (form.submitted)',
};
