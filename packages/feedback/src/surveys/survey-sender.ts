import { isRapportError } from '@rapport/core';
import { parseInput, TableErrorCode, type TenantStore } from '@rapport/core/plugin';
import { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';
import { createResponseLinkToken } from '../links/response-link.js';
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

/** The outcome of a send: the response link issued, or skipped with the reason. */
export type SendSurveyOutcome =
  | { status: 'sent'; sendId: string; token: string; surveyVersion: number; expiresAt: Date }
  | { status: 'skipped'; reason: 'not-consented'; consentReason: string }
  | { status: 'skipped'; reason: 'throttled'; throttle: Extract<ThrottleDecision, { allowed: false }> };

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
   * `throttle.windowDays`, on any channel). A skipped send is stored with its reason and told
   * in `feedback.survey.skipped`; a sent one in `feedback.survey.sent` with the token.
   */
  async send(input: SendSurveyInput): Promise<SendSurveyOutcome> {
    const parsed = parseInput(SendSurveyInputSchema, input, [], FeedbackErrorCode.InvalidInput);
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
      // The guard's version check is the lock: of two sends that read it at once, one applies.
      const { applied } = await guards.update({ customerId: input.customerId }, { lastSentAt: now }, { ifVersion: guard?.version ?? 1 });
      if (!applied) throw new GuardTaken();
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
        },
      });
      return { status: 'sent', sendId, token, surveyVersion, expiresAt };
    });
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
    reason: 'throttled' | 'not-consented',
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

  private skipped(input: z.output<typeof SendSurveyInputSchema>, reason: 'throttled' | 'not-consented') {
    return { tenantId: this.ctx.tenant.tenantId, customerId: input.customerId, surveyId: input.surveyId, channel: input.channel, reason };
  }
}
