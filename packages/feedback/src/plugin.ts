import { type Crm, isRapportError } from '@rapport/core';
import { CoreErrorCode, definePlugin, parsePluginOptions } from '@rapport/core/plugin';
import { FeedbackApi } from './api.js';
import { type FeedbackOptions, FeedbackOptionsSchema, type ResolvedFeedbackOptions } from './options.js';
import { FEEDBACK_JOBS, FeedbackContext, type TimelineEntry } from './plugin/feedback-context.js';
import { defineSlaPolicies } from './sla/sla-policy.js';
import type { SlaTimerPayload } from './sla/sla-scheduler.js';
import type { SendSurveyInput } from './surveys/survey-sender.js';
import { feedbackTables } from './tables.js';
import './feedback-events.js';

/** The plugin's name, as `createCrm` reports it. */
export const FEEDBACK_PLUGIN = '@rapport/feedback';

const feedbackOf = (crm: Crm): FeedbackApi => (crm as unknown as { feedback: FeedbackApi }).feedback;

/**
 * The feedback plugin: surveys with signed response links and throttling, responses on the
 * customer's timeline, score series, tickets with SLA timers and escalation, and the closed
 * loop — stored in the plugin's tables on every storage, with `crm.feedback` per tenant.
 */
export const feedback = (options: FeedbackOptions) => {
  let parsed: ResolvedFeedbackOptions | undefined;
  const resolved = (): ResolvedFeedbackOptions => {
    if (!parsed) throw new Error('@rapport/feedback is used before it registered');
    return parsed;
  };
  return definePlugin({
    name: FEEDBACK_PLUGIN,
    tables: feedbackTables,
    register() {
      parsed = parsePluginOptions(FEEDBACK_PLUGIN, FeedbackOptionsSchema, options);
      defineSlaPolicies(parsed.sla.policies);
    },
    hooks: {
      // A purchase (or another trigger interaction) queues its survey in the interaction's own transaction.
      'interaction.beforeRecord': async (interaction, { store, clock }) => {
        const triggers = resolved().triggers.filter(
          (trigger) => typeof trigger.on === 'object' && trigger.on.interaction === interaction.type,
        );
        const now = clock.now();
        for (const trigger of triggers) {
          const payload: SendSurveyInput = { customerId: interaction.customerId, surveyId: trigger.surveyId, channel: trigger.channel };
          await store.jobs.enqueue({
            id: `fbt_${crypto.randomUUID()}`,
            tenantId: store.tenantId,
            type: FEEDBACK_JOBS.sendSurvey,
            payload,
            status: 'pending',
            runAt: new Date(now.getTime() + trigger.delayMinutes * 60_000),
            attempts: 0,
            maxAttempts: 5,
            // Keyed by the interaction: a retried write queues one send.
            idempotencyKey: `trigger:${interaction.idempotencyKey ?? interaction.id}:${trigger.surveyId}`,
            lastError: null,
            createdAt: now,
            updatedAt: now,
            finishedAt: null,
          });
        }
      },
    },
    jobs: {
      [FEEDBACK_JOBS.timeline]: async ({ job, crm }) => {
        const entry = job.payload as TimelineEntry;
        try {
          await crm.interactions.record({ ...entry, occurredAt: new Date(entry.occurredAt) });
        } catch (error) {
          // The customer was erased meanwhile: nothing to put on a timeline.
          if (!isRapportError(error, CoreErrorCode.CustomerNotFound)) throw error;
        }
      },
      [FEEDBACK_JOBS.slaTimer]: async ({ job, crm }) => {
        await feedbackOf(crm).runSlaTimer(job.payload as SlaTimerPayload);
      },
      [FEEDBACK_JOBS.sendSurvey]: async ({ job, crm }) => {
        await feedbackOf(crm).surveys.send(job.payload as SendSurveyInput);
      },
    },
    api: { feedback: (tenant) => new FeedbackApi(new FeedbackContext(tenant, resolved())) },
  });
};
