import { createHash } from 'node:crypto';
import type { InsertOf, RowOf, TenantStore } from '@rapport/core/plugin';
import type { FeedbackEvent } from '../feedback/feedback-event.js';
import { type FeedbackMapping, type InteractionLike, toFeedback } from '../feedback/feedback-mapping.js';
import { feedbackSql, readFeedbackSql } from './feedback-sql-read.js';
import { feedbackTable } from './tables.js';

/** Rows read per page when training or replaying. */
const PAGE = 1000;

/**
 * The feedback rows of one interaction. The id hashes the interaction's idempotency key (or
 * id) with the item, so the same interaction written twice is one row per item.
 */
export function feedbackRows(
  interaction: InteractionLike & { idempotencyKey: string | null },
  mapping: FeedbackMapping,
  recordedAt: Date,
): InsertOf<typeof feedbackTable>[] {
  const key = interaction.idempotencyKey ?? interaction.id;
  return toFeedback([interaction], mapping).events.map((event) => ({
    id: createHash('sha256').update(key).update('\u0000').update(event.itemId).digest('base64url'),
    customerId: event.customerId,
    itemId: event.itemId,
    type: event.type,
    weight: event.weight,
    occurredAt: new Date(event.at),
    basketId: event.basketId,
    storeId: event.storeId,
    recordedAt,
  }));
}

/** One copy of each repeated string (ids, types), so a million rows do not hold a million copies. */
export function interner(): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  };
}

function toEvent(row: RowOf<typeof feedbackTable>, intern: (value: string) => string): FeedbackEvent {
  return {
    customerId: intern(row.customerId),
    itemId: intern(row.itemId),
    weight: row.weight,
    type: intern(row.type),
    at: row.occurredAt.getTime(),
    basketId: row.basketId,
    storeId: row.storeId === null ? null : intern(row.storeId),
  };
}

/**
 * Every feedback event of the tenant recorded at or after `since` (epoch ms; all of them
 * without it). A full read on an `@rapport/storage-sql` storage comes straight from the table
 * in large pages; the rest (and replays, small and in recording order) page through the
 * storage, which works on every storage.
 */
export async function readFeedback(store: TenantStore, since?: number): Promise<FeedbackEvent[]> {
  const sql = since === undefined ? await feedbackSql(store) : null;
  return sql !== null ? readFeedbackSql(sql, interner()) : readFeedbackPaged(store, since);
}

/** {@link readFeedback} through the storage's generic table API, 1,000 rows a page: what every storage can do. */
export async function readFeedbackPaged(store: TenantStore, since?: number): Promise<FeedbackEvent[]> {
  const intern = interner();
  const table = store.table(feedbackTable);
  const events: FeedbackEvent[] = [];
  let cursor: string | undefined;
  do {
    const page =
      since === undefined
        ? await table.find({ limit: PAGE, cursor })
        : await table.find({ where: { recordedAt: { gte: new Date(since) } }, orderBy: [{ column: 'recordedAt' }], limit: PAGE, cursor });
    for (const row of page.items) events.push(toEvent(row, intern));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return events;
}
