import { isRapportError, RapportError } from '@rapport/core';
import { parseInput, TableErrorCode, type TenantStore } from '@rapport/core/plugin';
import { z } from 'zod';
import { followUpDecision } from '../closed-loop/follow-up-rule.js';
import { FeedbackErrorCode } from '../error-codes.js';
import { linkResponseMode, verifyResponseLinkToken } from '../links/response-link.js';
import type { FeedbackContext, PendingEvent } from '../plugin/feedback-context.js';
import { responsesTable, surveySendsTable } from '../tables.js';
import type { TicketDesk } from '../tickets/ticket-desk.js';
import type { SurveyCatalog } from './survey-catalog.js';
import { responseOf, type SurveyResponse, scoreColumns } from './survey-response.js';
import { type ValidatedResponse, validateAnswers } from './validate-answers.js';

/** An answer through a response link: the token from the link, and the answers. */
export interface RespondByLinkInput {
  token: string;
  answers: Readonly<Record<string, unknown>>;
}

/** An answer through the API (a POS tablet, an in-app widget): who, which survey, where. */
export interface RespondInput {
  customerId: string;
  surveyId: string;
  /** The version answered; the latest when left out. */
  surveyVersion?: number;
  /** @default 'api' */
  channel?: string;
  store?: string | null;
  segment?: string | null;
  answers: Readonly<Record<string, unknown>>;
}

const RespondInputSchema = z.object({
  customerId: z.string().min(1).max(64),
  surveyId: z.string().min(1).max(128),
  surveyVersion: z.int().min(1).optional(),
  channel: z.string().min(1).max(64).default('api'),
  store: z.string().min(1).max(128).nullable().optional(),
  segment: z.string().min(1).max(128).nullable().optional(),
  answers: z.record(z.string(), z.unknown()),
});

/** The outcome of a response: the stored response and whether it was an edit through its link. */
export interface RespondOutcome {
  response: SurveyResponse;
  edited: boolean;
  /** The follow-up ticket the closed loop opened, if any. */
  followUpTicketId: string | null;
}

type Where = {
  customerId: string;
  surveyId: string;
  channel: string;
  store: string | null;
  segment: string | null;
  ticketId: string | null;
};

/** Stores responses: checked against the survey version, one per link, the closed loop in the same transaction. */
export class ResponseRecorder {
  constructor(
    private readonly ctx: FeedbackContext,
    private readonly catalog: SurveyCatalog,
    private readonly desk: TicketDesk,
  ) {}

  /**
   * Answers through a response link. A link that does not verify is `FEEDBACK_LINK_INVALID`
   * or `FEEDBACK_LINK_EXPIRED`; one already answered is an edit within `links.editableForMinutes`,
   * else `FEEDBACK_LINK_USED`. Of concurrent first answers one creates, the rest edit or are refused.
   */
  async respondByLink(input: RespondByLinkInput): Promise<RespondOutcome> {
    const token = typeof input?.token === 'string' ? input.token : '';
    const claims = await verifyResponseLinkToken(token, this.ctx.options.links.secret, this.ctx.now);
    const send = await this.ctx.tenant.store.table(surveySendsTable).get({ id: claims.linkId });
    if (send?.status !== 'sent' || send.customerId !== claims.customerId) {
      throw new RapportError({
        code: FeedbackErrorCode.LinkInvalid,
        kind: 'forbidden',
        message: 'The response link was not issued by this tenant',
        details: { reason: 'unknown' },
      });
    }
    const survey = await this.catalog.get(claims.surveyId, claims.surveyVersion);
    const validated = validateAnswers(survey, input.answers);
    const where: Where = {
      customerId: claims.customerId,
      surveyId: claims.surveyId,
      channel: send.channel,
      store: null,
      segment: null,
      ticketId: send.ticketId,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.writeLinked(claims.linkId, validated, where);
      } catch (error) {
        // A concurrent first answer took the link: read it again, as an edit or a refusal.
        if (attempt > 0 || !isRapportError(error, TableErrorCode.UniqueViolation)) throw error;
      }
    }
  }

  /** Answers through the API. A score outside its scale or an unknown question is `FEEDBACK_INVALID_ANSWERS` naming it. */
  async respond(input: RespondInput): Promise<RespondOutcome> {
    const parsed = parseInput(RespondInputSchema, input, [], FeedbackErrorCode.InvalidInput);
    const survey = await this.catalog.get(parsed.surveyId, parsed.surveyVersion);
    const validated = validateAnswers(survey, parsed.answers);
    await this.ctx.tenant.crm.customers.get(parsed.customerId); // an unknown customer fails before anything is written
    return this.ctx.transact(async (tx, emit) => {
      const row = await this.insert(tx, null, validated, {
        customerId: parsed.customerId,
        surveyId: parsed.surveyId,
        channel: parsed.channel,
        store: parsed.store ?? null,
        segment: parsed.segment ?? null,
        ticketId: null,
      });
      return this.afterCreate(tx, emit, row);
    });
  }

  private writeLinked(linkId: string, validated: ValidatedResponse, where: Where): Promise<RespondOutcome> {
    return this.ctx.transact(async (tx, emit) => {
      const responses = tx.table(responsesTable);
      const existing = (await responses.find({ where: { linkId }, limit: 1 })).items[0];
      const now = this.ctx.now;
      const mode = linkResponseMode(existing, now, this.ctx.options.links.editableForMinutes);
      if (mode === 'create' || !existing) {
        const row = await this.insert(tx, linkId, validated, where);
        await tx.table(surveySendsTable).update({ id: linkId }, { respondedAt: now });
        return this.afterCreate(tx, emit, row);
      }
      const { applied, row } = await responses.update(
        { id: existing.id },
        { answers: validated.answers, ...scoreColumns(validated.scores), updatedAt: now },
        { ifVersion: existing.version },
      );
      if (!applied || !row) {
        throw new RapportError({
          code: FeedbackErrorCode.LinkUsed,
          kind: 'conflict',
          message: 'The response changed while this edit was made; send it again',
          details: { reason: 'used' },
        });
      }
      await this.ctx.timeline(tx, this.timelineEntry(row, `${row.id}:v${row.version}`, 'survey.answer.edited'));
      emit({ name: 'feedback.response.recorded', payload: this.recorded(row, true) });
      return { response: responseOf(row), edited: true, followUpTicketId: null };
    });
  }

  private async insert(tx: TenantStore, linkId: string | null, validated: ValidatedResponse, where: Where) {
    const now = this.ctx.now;
    return tx.table(responsesTable).insert({
      id: this.ctx.tenant.ids.next(),
      linkId,
      ...where,
      surveyVersion: validated.surveyVersion,
      ...scoreColumns(validated.scores),
      answers: validated.answers,
      answeredAt: now,
      updatedAt: now,
    });
  }

  /** The timeline entry, the event, and the closed loop's follow-up ticket. */
  private async afterCreate(
    tx: TenantStore,
    emit: (event: PendingEvent) => void,
    row: Awaited<ReturnType<ResponseRecorder['insert']>>,
  ): Promise<RespondOutcome> {
    await this.ctx.timeline(tx, this.timelineEntry(row, row.id, 'survey.answered'));
    emit({ name: 'feedback.response.recorded', payload: this.recorded(row, false) });
    const response = responseOf(row);
    const rule = this.ctx.options.followUp;
    const decision = rule === false ? { open: false as const } : followUpDecision(response.scores, rule);
    if (!decision.open) return { response, edited: false, followUpTicketId: null };
    const ticket = await this.desk.openIn(tx, emit, {
      customerId: row.customerId,
      subject: `Follow up ${decision.reason} (${decision.score}) on survey ${row.surveyId}`,
      source: 'survey',
      category: decision.category,
      priority: decision.priority,
      responseId: row.id,
    });
    return { response, edited: false, followUpTicketId: ticket.id };
  }

  private timelineEntry(row: Awaited<ReturnType<ResponseRecorder['insert']>>, key: string, type: string) {
    const { scores } = responseOf(row);
    return {
      customerId: row.customerId,
      type,
      channel: row.channel,
      occurredAt: row.updatedAt.toISOString(),
      properties: {
        responseId: row.id,
        surveyId: row.surveyId,
        surveyVersion: row.surveyVersion,
        ...(scores.nps !== undefined ? { nps: scores.nps } : {}),
        ...(scores.csat ? { csat: scores.csat.score, csatScale: scores.csat.scale } : {}),
        ...(scores.ces ? { ces: scores.ces.score, cesScale: scores.ces.scale } : {}),
        ...(row.ticketId ? { ticketId: row.ticketId } : {}),
      },
      idempotencyKey: `response:${key}`,
    };
  }

  private recorded(row: Awaited<ReturnType<ResponseRecorder['insert']>>, edited: boolean) {
    return {
      tenantId: this.ctx.tenant.tenantId,
      responseId: row.id,
      customerId: row.customerId,
      surveyId: row.surveyId,
      surveyVersion: row.surveyVersion,
      scores: responseOf(row).scores,
      edited,
    };
  }
}
