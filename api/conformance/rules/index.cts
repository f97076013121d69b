// Every rule of the kit, in the order a run checks them: reads, API versions, writes, what events carry, webhooks, event consumers,
// then the rules over every answer received.
import type { Rule } from '../kit.cjs';
import { consumerRules } from './consumers.cjs';
import { eventRules } from './events.cjs';
import { eventVersionRules } from './eventVersions.cjs';
import { everyAnswerRules } from './everyAnswer.cjs';
import { provenanceRules } from './provenance.cjs';
import { readRules } from './reads.cjs';
import { versionHeaderRule, versionRules } from './versions.cjs';
import { webhookOperationRules } from './webhookOperations.cjs';
import { webhookRules } from './webhooks.cjs';
import { writeRules } from './writes.cjs';

export const RULES: Rule[] = [...readRules, ...versionRules, ...writeRules, ...eventRules, ...eventVersionRules, ...provenanceRules, ...webhookRules, ...webhookOperationRules, ...consumerRules, versionHeaderRule, ...everyAnswerRules];
