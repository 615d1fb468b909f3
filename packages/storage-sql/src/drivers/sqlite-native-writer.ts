import type { MetricsIncrement } from '@rapport/core/storage';
import type BetterSqlite3 from 'better-sqlite3';
import type { NativeWriter } from '../native-writer.js';
import type { InteractionsTable } from '../schema.js';

/** The SQLite fast path: one prepared statement, reused for every row. */
export function sqliteNativeWriter(database: BetterSqlite3.Database): NativeWriter {
  let insert: BetterSqlite3.Statement | undefined;
  let bump: BetterSqlite3.Statement | undefined;
  let seen: BetterSqlite3.Statement | undefined;
  let resolve: BetterSqlite3.Statement<[string, string], { id: string; merged_into: string | null }> | undefined;
  const rowInserts = new Map<string, BetterSqlite3.Statement>();
  return {
    insertRows(table: string, columns: readonly string[], rows: readonly unknown[][]): void {
      // Names come from checked declarations (snake_case identifiers), never from input.
      const text = `insert into "${table}" (${columns.map((name) => `"${name}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
      let statement = rowInserts.get(text);
      if (!statement) {
        statement = database.prepare(text);
        rowInserts.set(text, statement);
      }
      for (const row of rows) statement.run(row);
    },

    insertInteractions(rows: readonly InteractionsTable[]): Set<string> {
      // Prepared lazily: the table exists only after migration.
      insert ??= database.prepare(
        `insert into rapport_interactions (tenant_id, id, customer_id, channel, type, direction, occurred_at, recorded_at, properties, source, idempotency_key)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (tenant_id, idempotency_key) do nothing`,
      );
      const stored = new Set<string>();
      for (const row of rows) {
        // `changes` is 0 when the idempotency key was taken: no RETURNING needed.
        const result = insert.run(
          row.tenant_id,
          row.id,
          row.customer_id,
          row.channel,
          row.type,
          row.direction,
          row.occurred_at,
          row.recorded_at,
          row.properties,
          row.source,
          row.idempotency_key,
        );
        if (result.changes === 1) stored.add(row.id);
      }
      return stored;
    },

    applyMetrics(tenantId: string, entries: readonly MetricsIncrement[]): void {
      // The same min / max / sum rules as the portable bulk UPDATE; `merged_into is null`
      // skips unknown and merged-away customers, and only their channels are touched.
      bump ??= database.prepare(
        `update rapport_customers set
           first_seen_at = case when @first is null then first_seen_at when first_seen_at is null or @first < first_seen_at then @first else first_seen_at end,
           last_seen_at = case when @last is null then last_seen_at when last_seen_at is null or @last > last_seen_at then @last else last_seen_at end,
           last_purchase_at = case when @purchase is null then last_purchase_at when last_purchase_at is null or @purchase > last_purchase_at then @purchase else last_purchase_at end,
           purchase_count = purchase_count + @purchases,
           total_spend = round(total_spend + @spend, 6),
           interaction_count = interaction_count + @interactions
         where tenant_id = @tenant and id = @id and merged_into is null`,
      );
      seen ??= database.prepare(
        `insert into rapport_customer_channels (tenant_id, customer_id, channel, last_seen_at) values (?, ?, ?, ?)
         on conflict (tenant_id, customer_id, channel) do update set last_seen_at = excluded.last_seen_at where last_seen_at < excluded.last_seen_at`,
      );
      for (const { customerId, delta } of entries) {
        const result = bump.run({
          tenant: tenantId,
          id: customerId,
          first: delta.firstSeenAt?.getTime() ?? null,
          last: delta.lastSeenAt?.getTime() ?? null,
          purchase: delta.lastPurchaseAt?.getTime() ?? null,
          purchases: delta.purchaseCount,
          spend: delta.totalSpend,
          interactions: delta.interactionCount,
        });
        if (result.changes === 0) continue;
        for (const [channel, at] of Object.entries(delta.lastSeenByChannel)) seen.run(tenantId, customerId, channel, at.getTime());
      }
    },

    resolveIds(tenantId: string, ids: readonly string[]): Map<string, string> {
      // One primary-key lookup per id beats binding a list of a thousand parameters into a
      // statement kysely builds and SQLite parses anew for every batch.
      resolve ??= database.prepare('select id, merged_into from rapport_customers where tenant_id = ? and id = ?');
      const resolved = new Map<string, string>();
      for (const id of new Set(ids)) {
        const row = resolve.get(tenantId, id);
        if (row) resolved.set(row.id, row.merged_into ?? row.id);
      }
      return resolved;
    },
  };
}
