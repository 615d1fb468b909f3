import { ValidationError } from '@rapport/core';
import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import type { FollowUpRule } from './closed-loop/follow-up-rule.js';
import { FeedbackErrorCode } from './error-codes.js';
import { type EscalationRule, EscalationRuleSchema } from './sla/escalation-rule.js';
import { defineSlaPolicies, type SlaPolicy } from './sla/sla-policy.js';
import { type SurveyTrigger, SurveyTriggerSchema } from './surveys/survey-trigger.js';
import type { ThrottleRule } from './throttle/survey-throttle.js';

/** The options of the feedback package, checked once when the plugin registers. */
export interface FeedbackOptions {
  /** Response links. */
  links: {
    /** HMAC key for response links, at least 32 bytes. */
    secret: string | Uint8Array;
    /**
     * How long a link is accepted, in minutes.
     * @default 43200 (30 days)
     */
    expiresInMinutes?: number;
    /**
     * How long after the first answer the response may still be edited through its link, in minutes.
     * @default 1440 (24 hours)
     */
    editableForMinutes?: number;
  };
  /**
   * Survey throttling per person across channels.
   * @default { windowDays: 30, maxPerWindow: 1 }
   */
  throttle?: ThrottleRule;
  /**
   * When a response opens a follow-up ticket; `false` turns the closed loop off.
   * @default { npsAtMost: 6, csatAtMost: 2 }
   */
  followUp?: FollowUpRule | false;
  /**
   * The consent purpose a survey send checks with `crm.consent.decide` on its channel; `false`
   * sends without a consent check (surveys the customer asked for, such as a POS tablet).
   * @default 'feedback'
   */
  consentPurpose?: string | false;
  /** SLA policies (the first match applies; else a first response within 24 hours) and escalation rules. */
  sla?: {
    /** @default [] (so `DEFAULT_SLA_POLICY`) */
    policies?: readonly SlaPolicy[];
    /** @default [] */
    escalations?: readonly EscalationRule[];
  };
  /** Surveys sent by events (after a purchase, after a ticket is resolved), after a delay. @default [] */
  triggers?: readonly SurveyTrigger[];
  /**
   * The survey sent when a ticket is resolved (the closed loop's CSAT); none when left out.
   * Without messaging the send issues a response link, told in `feedback.survey.sent`.
   */
  resolvedSurvey?: { surveyId: string; channel?: string; delayMinutes?: number };
  /**
   * Sending through the messaging hub (`crm.messages` of `@rapport/messaging`), used when the
   * hub is installed on the Crm; without it surveys stay links told in `feedback.survey.sent`.
   */
  messages?: FeedbackMessagesOptions;
}

/** How surveys and ticket replies go out through the messaging hub. */
export interface FeedbackMessagesOptions {
  /**
   * The response page; `{token}` is replaced by the link's token, e.g.
   * `https://shop.example/survey/{token}`. The template gets it as the `link` variable.
   */
  linkUrl: string;
  /**
   * The template key per survey id: one key for every channel, or one per channel id (`'*'`
   * for the others). A survey with no template on the send's channel is not messaged: its
   * send issues the link and the event only, as without the hub.
   * @default {}
   */
  surveyTemplates?: Record<string, string | Record<string, string>>;
  /**
   * The hub purpose of survey messages (one of `messaging({ purposes })`), so the hub's
   * consent, frequency caps and quiet hours apply to them.
   * @default 'feedback'
   */
  purpose?: string;
  /**
   * The hub purpose of ticket replies sent to the customer; they are transactional.
   * @default 'transactional'
   */
  replyPurpose?: string;
}

const threshold = z.union([z.number(), z.literal(false)]).optional();

/** The zod schema of {@link FeedbackOptions}, with the defaults filled in. */
export const FeedbackOptionsSchema = z.object({
  links: z.object({
    secret: z.union([
      z.string().refine((secret) => new TextEncoder().encode(secret).byteLength >= 32, 'must be at least 32 bytes'),
      z.instanceof(Uint8Array).refine((secret) => secret.byteLength >= 32, 'must be at least 32 bytes'),
    ]),
    expiresInMinutes: z.number().positive().default(43_200),
    editableForMinutes: z.number().min(0).default(1_440),
  }),
  throttle: z
    .object({ windowDays: z.number().min(0).default(30), maxPerWindow: z.int().min(1).default(1) })
    .default({ windowDays: 30, maxPerWindow: 1 }),
  followUp: z
    .union([
      z.literal(false),
      z.object({ npsAtMost: threshold, csatAtMost: threshold, cesAtMost: threshold, priority: z.string().min(1).optional() }),
    ])
    .default({}),
  consentPurpose: z.union([z.string().min(1).max(64), z.literal(false)]).default('feedback'),
  sla: z
    .object({
      policies: z.array(z.custom<SlaPolicy>((value) => typeof value === 'object' && value !== null)).default([]),
      escalations: z.array(EscalationRuleSchema).default([]),
    })
    .default({ policies: [], escalations: [] }),
  triggers: z.array(SurveyTriggerSchema).default([]),
  resolvedSurvey: z
    .object({
      surveyId: z.string().min(1).max(128),
      channel: z.string().min(1).max(64).default('email'),
      delayMinutes: z.number().min(0).default(0),
    })
    .optional(),
  messages: z
    .object({
      linkUrl: z
        .string()
        .min(1)
        .max(2000)
        .refine((url) => url.includes('{token}'), 'must contain {token}'),
      surveyTemplates: z
        .record(
          z.string().min(1).max(128),
          z.union([z.string().min(1).max(128), z.record(z.string().min(1).max(64), z.string().min(1).max(128))]),
        )
        .default({}),
      purpose: z.string().min(1).max(64).default('feedback'),
      replyPurpose: z.string().min(1).max(64).default('transactional'),
    })
    .optional(),
});

/** {@link FeedbackOptions} after parsing: defaults filled in. */
export type ResolvedFeedbackOptions = z.output<typeof FeedbackOptionsSchema>;

/** Parses the options or throws a `ValidationError` (`FEEDBACK_INVALID_OPTIONS`) naming each bad field. */
export function parseFeedbackOptions(options: FeedbackOptions): ResolvedFeedbackOptions {
  const parsed = parseInput(FeedbackOptionsSchema, options, [], FeedbackErrorCode.InvalidOptions);
  // The policies' own checks (targets, calendars, names), with paths under `sla`.
  try {
    defineSlaPolicies(parsed.sla.policies);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        FeedbackErrorCode.InvalidOptions,
        error.details.issues.map((issue) => ({ ...issue, path: ['sla', ...issue.path] })),
      );
    }
    throw error;
  }
  return parsed;
}
