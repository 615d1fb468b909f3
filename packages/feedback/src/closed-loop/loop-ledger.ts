import type { TenantStore } from '@rapport/core/plugin';
import type { ScoreKind } from '../scores/score-scales.js';
import { responsesTable, ticketsTable } from '../tables.js';
import { type ClosedLoopReport, closedLoopReport, type LoopFollowUp, type LoopResponse } from './closed-loop-report.js';

/** Which responses the closed-loop report covers. */
export interface ClosedLoopQuery {
  /** @default 'nps' */
  kind?: ScoreKind;
  /** @default 6 for NPS, 2 for CSAT and CES */
  threshold?: number;
  /** Responses answered from then (their next scores are read to `to`). */
  from?: Date;
  to?: Date;
}

/**
 * The closed-loop report from stored data: the scored responses of the kind, the follow-up
 * tickets opened for them (`responseId`), and the first agent reply on each (`firstContactAt`).
 */
export async function storedClosedLoopReport(store: TenantStore, query: ClosedLoopQuery = {}): Promise<ClosedLoopReport> {
  const kind = query.kind ?? 'nps';
  const responses: LoopResponse[] = [];
  const range = { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) };
  let cursor: string | undefined;
  do {
    const page = await store.table(responsesTable).find({
      where: { [kind]: { isNull: false }, ...(query.from || query.to ? { answeredAt: range } : {}) },
      orderBy: [{ column: 'answeredAt' }],
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const row of page.items) {
      const score = row[kind];
      if (score !== null) responses.push({ id: row.id, customerId: row.customerId, kind, score, answeredAt: row.answeredAt });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const followUps: LoopFollowUp[] = [];
  cursor = undefined;
  do {
    const page = await store
      .table(ticketsTable)
      .find({ where: { responseId: { isNull: false } }, orderBy: [{ column: 'createdAt' }], limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const row of page.items) {
      if (row.responseId) followUps.push({ responseId: row.responseId, openedAt: row.createdAt, firstContactAt: row.firstContactAt });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return closedLoopReport(responses, followUps, { kind, ...(query.threshold !== undefined ? { threshold: query.threshold } : {}) });
}
