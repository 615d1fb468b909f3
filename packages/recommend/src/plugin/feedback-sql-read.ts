import type { TenantStore } from '@rapport/core/plugin';
import type { FeedbackEvent } from '../feedback/feedback-event.js';
import { feedbackTable } from './tables.js';

type SqlModule = typeof import('@rapport/storage-sql');
type SqlHandle = ReturnType<SqlModule['pluginTableSql']>;

/** Rows per statement: the generic `find` stops at 1,000; a training read of a million rows wants far fewer round trips. */
const SQL_PAGE = 20_000;

let loaded: Promise<SqlModule | null> | undefined;
/** `@rapport/storage-sql`, when the app has it (an optional peer: memory-only apps need not install it). */
function storageSql(): Promise<SqlModule | null> {
  loaded ??= import('@rapport/storage-sql').catch(() => null);
  return loaded;
}

/** The feedback table's Kysely handle, or null when the store is not an `@rapport/storage-sql` one. */
export async function feedbackSql(store: TenantStore): Promise<SqlHandle | null> {
  const sqlModule = await storageSql();
  if (sqlModule === null) return null;
  try {
    return sqlModule.pluginTableSql(store, feedbackTable);
  } catch {
    return null; // not a SQL storage
  }
}

/**
 * Every feedback event of the tenant (what a full retrain reads), straight from the
 * table through the tenant's Kysely handle in large keyset pages (by id), decoded from the
 * stored values (times as epoch ms) without the generic repository's per-row work. `intern`
 * keeps one copy of each repeated string.
 */
export async function readFeedbackSql(handle: SqlHandle, intern: (value: string) => string, pageSize = SQL_PAGE): Promise<FeedbackEvent[]> {
  const { db, table, tenantColumn, tenantId, columns } = handle;
  const col = (name: keyof typeof feedbackTable.columns) => columns[name] as string;
  const events: FeedbackEvent[] = [];
  let after: string | undefined;
  for (;;) {
    let query = db
      .selectFrom(table)
      .select([
        `${col('id')} as id`,
        `${col('customerId')} as customerId`,
        `${col('itemId')} as itemId`,
        `${col('type')} as type`,
        `${col('weight')} as weight`,
        `${col('occurredAt')} as occurredAt`,
        `${col('basketId')} as basketId`,
        `${col('storeId')} as storeId`,
      ])
      .where(tenantColumn, '=', tenantId);
    if (after !== undefined) query = query.where(col('id'), '>', after);
    const rows = (await query.orderBy(col('id')).limit(pageSize).execute()) as Record<string, unknown>[];
    for (const row of rows) {
      events.push({
        customerId: intern(row.customerId as string),
        itemId: intern(row.itemId as string),
        weight: Number(row.weight),
        type: intern(row.type as string),
        // Epoch ms; PostgreSQL's driver returns bigint as a string.
        at: Number(row.occurredAt),
        basketId: (row.basketId as string | null) ?? null,
        storeId: row.storeId === null || row.storeId === undefined ? null : intern(row.storeId as string),
      });
    }
    if (rows.length < pageSize) return events;
    after = (rows[rows.length - 1] as Record<string, unknown>).id as string;
  }
}
