import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FormSubmission } from '../../../shared/api';
import { tracklerApiRequest } from '../../../shared/transport';
import type { PreparedOperation } from '../../types';
import { getPlainId, plainIdField } from '../../../shared/ids';
import { defineOperation } from '../define';
import { FORM_ID } from './formId';
import { redactPersonalData } from '../../../shared/personalData';

const properties: INodeProperties[] = [
	plainIdField(FORM_ID),
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return the answers as one object keyed by question text (easy to use in the next node) instead of the list of question and answer pairs',
	},
];

/**
 * The submission with its answers as `{ "<question>": answer }`. A question text that occurs
 * twice gets " (2)", " (3)"… so no answer is lost.
 */
export function simplifySubmission(submission: FormSubmission): IDataObject {
	const answers: IDataObject = {};
	for (const answer of submission.answers) {
		let key = answer.question;
		for (let n = 2; key in answers; n++) key = `${answer.question} (${n})`;
		answers[key] = answer.answer as IDataObject[keyof IDataObject];
	}
	return {
		form_id: submission.form_id,
		track_id: submission.track_id,
		template: submission.template,
		submitted_at: submission.submitted_at,
		submitted_by: submission.submitted_by,
		answers,
	};
}

export const getSubmission = defineOperation({
	value: 'getSubmission',
	name: 'Get Submission',
	action: 'Get the submission of a form',
	description: 'Get the answers of a submitted form by the form ID',
	fields: properties,
	prepare,
});

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedOperation {
	const formId = getPlainId.call(this, FORM_ID, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	return async function () {
		const submission = (await tracklerApiRequest.call(this, 'GET', `/forms/${formId}/submission`, {
			itemIndex,
		})) as FormSubmission;
		if (!simplify) return submission as unknown as IDataObject;
		// Personal Data in Output: the answers are redacted before they lose their shape.
		const redact =
			this.getNodeParameter('nodeOptions.personalData', itemIndex, 'include') === 'redact';
		return simplifySubmission(redact ? redactPersonalData(submission) : submission);
	};
}
