import type { RowOf } from '@rapport/core/plugin';
import type { responsesTable } from '../tables.js';
import type { Answer, ResponseScores } from './validate-answers.js';

/** A stored survey response. */
export interface SurveyResponse {
  id: string;
  /** The response link it came through; null for API answers. */
  linkId: string | null;
  customerId: string;
  surveyId: string;
  /** The version answered. */
  surveyVersion: number;
  channel: string;
  store: string | null;
  segment: string | null;
  /** The ticket the survey asked about (a CSAT after a resolution). */
  ticketId: string | null;
  answers: Answer[];
  scores: ResponseScores;
  answeredAt: Date;
  updatedAt: Date;
  /** When its free text was anonymised (scores kept). */
  anonymisedAt: Date | null;
}

/** The public view of a stored response row. */
export function responseOf(row: RowOf<typeof responsesTable>): SurveyResponse {
  const scores: ResponseScores = {};
  if (row.nps !== null) scores.nps = row.nps;
  if (row.csat !== null) scores.csat = { score: row.csat, scale: (row.csatScale ?? 5) as 3 | 5 };
  if (row.ces !== null) scores.ces = { score: row.ces, scale: (row.cesScale ?? 7) as 5 | 7 };
  return {
    id: row.id,
    linkId: row.linkId,
    customerId: row.customerId,
    surveyId: row.surveyId,
    surveyVersion: row.surveyVersion,
    channel: row.channel,
    store: row.store,
    segment: row.segment,
    ticketId: row.ticketId,
    answers: row.answers,
    scores,
    answeredAt: row.answeredAt,
    updatedAt: row.updatedAt,
    anonymisedAt: row.anonymisedAt,
  };
}

/** The score columns of a response row. */
export function scoreColumns(scores: ResponseScores) {
  return {
    nps: scores.nps ?? null,
    csat: scores.csat?.score ?? null,
    csatScale: scores.csat?.scale ?? null,
    ces: scores.ces?.score ?? null,
    cesScale: scores.ces?.scale ?? null,
  };
}
