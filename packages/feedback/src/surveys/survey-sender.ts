import { isRapportError } from '@rapport/core';
import { parseInput, TableErrorCode, type TenantStore } from '@rapport/core/plugin';
import { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';
import { createResponseLinkToken } from '../links/response-link.js';
import { type HubRefusal, hubRefusal, messagingHubOf } from '../messaging/messaging-hub.js';
import type { FeedbackContext } from '../plugin/feedback-context.js';
import { surveySendsTable, throttleGuardsTable } from '../tables.js';
import { type ThrottleDecision, throttleSurvey } from '../throttle/survey-throttle.js';
import type { SurveyCatalog } from './survey-catalog.js';

/** What `crm.feedback.surveys.send` needs. */
export interface SendSurveyInput {
  customerId: string;
  surveyId: string;
  /** The channel it goes out on; throttling counts sends on every channel. */
  channel: string;
  /** The ticket the survey asks about (the closed loop's CSAT). */
  ticketId?: string | null;
}

/** The message a survey send queued through the messaging hub, as the hub answered. */
export interface SurveyMessage {
  /** The hub's message id (`crm.messages.get(messageId)`). */
  messageId: string;
  /** `queued`, or `deferred` out of quiet hours (until `sendAt`). */
  status: string;
  /** The channel the hub sends it on. */
  channel: string;
  /** When it goes out. */
  sendAt: Date;
  /** The hub's routing reasons. */
  reasons: readonly string[];
  /** The template key used. */
  template: string;
}

/**
 * The outcome of a send: the response link issued (and, with the messaging hub, the message
 * queued), or skipped with the reason — `refused` when the hub would not queue it (no
 * address, a frequency cap), with the hub's code and reasons.
 */
export type SendSurveyOutcome =
  | {
      status: 'sent';
      sendId: string;
      token: string;
      surveyVersion: number;
      expiresAt: Date;
      /** The response page (`messages.linkUrl` with the token), or `null` without `messages`. */
      link: string | null;
      /** The hub's message, or `null` when the survey was not messaged (no hub, or no template for the channel). */
      message: SurveyMessage | null;
    }
  | { status: 'skipped'; reason: 'not-consented'; consentReason: string }
  | { status: 'skipped'; reason: 'throttled'; throttle: Extract<ThrottleDecision, { allowed: false }> }
  | { status: 'skipped'; reason: 'refused'; refusal: HubRefusal };

/** Why a send was skipped. */
type SkipReason = 'throttled' | 'not-consented' | 'refused';

const SendSurveyInputSchema = z.object({
  customerId: z.string().min(1).max(64),
  surveyId: z.string().min(1).max(128),
  channel: z.string().min(1).max(64),
  ticketId: z.string().min(1).max(128).nullable().optional(),
});

/** Raised inside a send's transaction when a concurrent send to the same person won the guard. */
class GuardTaken extends Error {}

/** How often a send retries after losing its person's guard to a concurrent send. */
const GUARD_ATTEMPTS = 8;
const DAY = 86_400_000;

/** Sends surveys: consent first, then the throttle across channels (race-free), then the signed link. */
export class SurveySender {
  constructor(
    private readonly ctx: FeedbackContext,
    private readonly catalog: SurveyCatalog,
  ) {}

  /**
   * Issues a response link for the person, or says why not: `not-consented` (the consent gate
   * on the channel) or `throttled` (at most `throttle.maxPerWindow` surveys in
   * `throttle.windowDays`, on any channel). With the messaging hub installed and a template
   * named for the survey and channel, the message carrying the link is queued in the send's
   * own transaction (so both exist or neither); the hub refusing it is `refused`. A skipped
   * send is stored with its reason and told in `feedback.survey.skipped`; a sent one in
   * `feedback.survey.sent` with the token.
   */
  async send(input: SendSurveyInput): Promise<SendSurveyOutcome> {
    const given = parseInput(SendSurveyInputSchema, input, [], FeedbackErrorCode.InvalidInput);
    // The live id of a merged-away customer: the throttle counts the person's sends, so a send
    // naming their old id must see (and be seen by) the sends to the survivor.
    const parsed = { ...given, customerId: (await this.ctx.tenant.store.customers.resolveId(given.customerId)) ?? given.customerId };
    const survey = await this.catalog.get(parsed.surveyId);
    const { consentPurpose } = this.ctx.options;
    if (consentPurpose !== false) {
      const decision = await this.ctx.tenant.crm.consent.decide({
        customerId: parsed.customerId,
        purpose: consentPurpose,
        channel: parsed.channel,
      });
      if (!decision.allowed) {
        await this.skip(parsed, survey.version, 'not-consented');
        return { status: 'skipped', reason: 'not-consented', consentReason: decision.reason };
      }
    }
    await this.ensureGuard(parsed.customerId);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.trySend(parsed, survey.version);
      } catch (error) {
        if (!(error instanceof GuardTaken) || attempt >= GUARD_ATTEMPTS) throw error;
      }
    }
  }

  private async trySend(input: z.output<typeof SendSurveyInputSchema>, surveyVersion: number): Promise<SendSurveyOutcome> {
    const { links, throttle } = this.ctx.options;
    return this.ctx.transact(async (tx, emit) => {
      const now = this.ctx.now;
      const guards = tx.table(throttleGuardsTable);
      const guard = await guards.get({ customerId: input.customerId });
      const recent = await tx.table(surveySendsTable).find({
        where: { customerId: input.customerId, status: 'sent', sentAt: { gt: new Date(now.getTime() - throttle.windowDays * DAY) } },
        orderBy: [{ column: 'sentAt', direction: 'desc' }],
        limit: Math.min(1000, throttle.maxPerWindow + 1),
      });
      const decision = throttleSurvey(recent.items, now, throttle);
      if (!decision.allowed) {
        await this.skipIn(tx, input, surveyVersion, 'throttled');
        emit({ name: 'feedback.survey.skipped', payload: this.skipped(input, 'throttled') });
        return { status: 'skipped', reason: 'throttled', throttle: decision };
      }
      const sendId = this.ctx.tenant.ids.next();
      const expiresAt = new Date(now.getTime() + links.expiresInMinutes * 60_000);
      const token = await createResponseLinkToken({
        secret: links.secret,
        linkId: sendId,
        customerId: input.customerId,
        surveyId: input.surveyId,
        surveyVersion,
        now,
        expiresInMinutes: links.expiresInMinutes,
      });
      const link = this.ctx.options.messages ? this.ctx.options.messages.linkUrl.replaceAll('{token}', encodeURIComponent(token)) : null;
      // Queued first: the hub locks the person's row, so concurrent sends to them queue one at a time.
      const queued = await this.queueMessage(tx, input, { sendId, token, link, surveyVersion, expiresAt });
      if (queued && 'refusal' in queued) {
        await this.skipIn(tx, input, surveyVersion, 'refused');
        emit({ name: 'feedback.survey.skipped', payload: this.skipped(input, 'refused') });
        return { status: 'skipped', reason: 'refused', refusal: queued.refusal };
      }
      // The guard's version check is the lock: of two sends that read it at once, one applies (and the other's message rolls back).
      const { applied } = await guards.update({ customerId: input.customerId }, { lastSentAt: now }, { ifVersion: guard?.version ?? 1 });
      if (!applied) throw new GuardTaken();
      await tx.table(surveySendsTable).insert({
        id: sendId,
        customerId: input.customerId,
        surveyId: input.surveyId,
        surveyVersion,
        channel: input.channel,
        status: 'sent',
        ticketId: input.ticketId ?? null,
        sentAt: now,
        expiresAt,
      });
      emit({
        name: 'feedback.survey.sent',
        payload: {
          tenantId: this.ctx.tenant.tenantId,
          sendId,
          customerId: input.customerId,
          surveyId: input.surveyId,
          surveyVersion,
          channel: input.channel,
          token,
          expiresAt,
          ticketId: input.ticketId ?? null,
          link,
          messageId: queued?.message.messageId ?? null,
        },
      });
      return { status: 'sent', sendId, token, surveyVersion, expiresAt, link, message: queued?.message ?? null };
    });
  }

  /** The template named for the survey on the channel (`'*'` for the others), if any. */
  private templateFor(surveyId: string, channel: string): string | undefined {
    const named = this.ctx.options.messages?.surveyTemplates[surveyId];
    if (typeof named === 'string') return named;
    return named?.[channel] ?? named?.['*'];
  }

  /**
   * Queues the survey's message through the hub in `tx` (its consent, caps and quiet hours then
   * apply), or `null` when there is no hub or no template. The hub's refusal is returned, not
   * thrown: it refuses before writing anything, so the send can record the skip in `tx`.
   */
  private async queueMessage(
    tx: TenantStore,
    input: z.output<typeof SendSurveyInputSchema>,
    link: { sendId: string; token: string; link: string | null; surveyVersion: number; expiresAt: Date },
  ): Promise<{ message: SurveyMessage } | { refusal: HubRefusal } | null> {
    const hub = messagingHubOf(this.ctx.tenant.crm);
    const template = this.templateFor(input.surveyId, input.channel);
    const options = this.ctx.options.messages;
    if (!hub || !template || !options) return null;
    try {
      const outcome = await hub.send(
        {
          customerId: input.customerId,
          purpose: options.purpose,
          channel: input.channel,
          template: {
            key: template,
            variables: {
              link: link.link,
              token: link.token,
              sendId: link.sendId,
              surveyId: input.surveyId,
              surveyVersion: link.surveyVersion,
              expiresAt: link.expiresAt.toISOString(),
              ticketId: input.ticketId ?? null,
            },
          },
          idempotencyKey: `feedback:survey:${link.sendId}`,
        },
        { in: tx },
      );
      return {
        message: {
          messageId: outcome.messageId,
          status: outcome.status,
          channel: outcome.channel,
          sendAt: outcome.sendAt,
          reasons: outcome.reasons,
          template,
        },
      };
    } catch (error) {
      const refusal = hubRefusal(error);
      if (!refusal) throw error;
      return { refusal };
    }
  }

  /** The person's guard row exists before any send races on it (a concurrent insert is fine). */
  private async ensureGuard(customerId: string): Promise<void> {
    const guards = this.ctx.tenant.store.table(throttleGuardsTable);
    if (await guards.get({ customerId })) return;
    try {
      await guards.insert({ customerId, lastSentAt: null });
    } catch (error) {
      if (!isRapportError(error, TableErrorCode.UniqueViolation)) throw error;
    }
  }

  private async skip(input: z.output<typeof SendSurveyInputSchema>, surveyVersion: number, reason: 'not-consented'): Promise<void> {
    await this.ctx.transact(async (tx, emit) => {
      await this.skipIn(tx, input, surveyVersion, reason);
      emit({ name: 'feedback.survey.skipped', payload: this.skipped(input, reason) });
    });
  }

  private async skipIn(
    tx: TenantStore,
    input: z.output<typeof SendSurveyInputSchema>,
    surveyVersion: number,
    reason: SkipReason,
  ): Promise<void> {
    await tx.table(surveySendsTable).insert({
      id: this.ctx.tenant.ids.next(),
      customerId: input.customerId,
      surveyId: input.surveyId,
      surveyVersion,
      channel: input.channel,
      status: 'skipped',
      reason,
      ticketId: input.ticketId ?? null,
      sentAt: this.ctx.now,
    });
  }

  private skipped(input: z.output<typeof SendSurveyInputSchema>, reason: SkipReason) {
    return { tenantId: this.ctx.tenant.tenantId, customerId: input.customerId, surveyId: input.surveyId, channel: input.channel, reason };
  }
}
