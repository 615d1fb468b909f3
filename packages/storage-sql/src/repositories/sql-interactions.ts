import type { Interaction, Page, TimelineFilter } from '@rapport/core';
import { decodeTimeCursor, encodeCursor, type InsertStatus, type InteractionRepository } from '@rapport/core/storage';
import { type Kysely, sql } from 'kysely';
import { type ArrayColumn, unnestRows, unnestSelect } from '../array-rows.js';
import { interactionFromRow, interactionToRow } from '../rows.js';
import type { InteractionsTable, RapportDatabase } from '../schema.js';
import { atomically, chunksFor, guarded, inList, type SqlContext } from './sql-context.js';

const INTERACTION_COLUMNS = 11;

/** The interactions table as arrays, for dialects that bind a column as one parameter. */
const INTERACTION_ARRAY_COLUMNS: ArrayColumn<InteractionsTable>[] = [
  { name: 'tenant_id', type: 'text', value: (row) => row.tenant_id },
  { name: 'id', type: 'text', value: (row) => row.id },
  { name: 'customer_id', type: 'text', value: (row) => row.customer_id },
  { name: 'channel', type: 'text', value: (row) => row.channel },
  { name: 'type', type: 'text', value: (row) => row.type },
  { name: 'direction', type: 'text', value: (row) => row.direction },
  { name: 'occurred_at', type: 'bigint', value: (row) => row.occurred_at },
  { name: 'recorded_at', type: 'bigint', value: (row) => row.recorded_at },
  { name: 'properties', type: 'jsonb', value: (row) => row.properties },
  { name: 'source', type: 'text', value: (row) => row.source },
  { name: 'idempotency_key', type: 'text', value: (row) => row.idempotency_key },
];

/** The interaction log of one tenant in SQL. */
export class SqlInteractionRepository implements InteractionRepository {
  constructor(private readonly ctx: SqlContext) {}

  insertMany(interactions: readonly Interaction[]): Promise<InsertStatus[]> {
    return guarded(this.ctx, 'record interactions', () =>
      atomically(this.ctx, async (db) => {
        const statuses: InsertStatus[] = new Array(interactions.length).fill('duplicate');
        const seenKeys = new Set<string>();
        const candidates: { index: number; row: InteractionsTable }[] = [];
        interactions.forEach((interaction, index) => {
          const key = interaction.idempotencyKey;
          if (key !== null) {
            if (seenKeys.has(key)) return;
            seenKeys.add(key);
          }
          candidates.push({ index, row: interactionToRow(interaction, this.ctx.tenantId, this.ctx.dialect) });
        });
        for (const chunk of chunksFor(candidates, INTERACTION_COLUMNS, this.ctx.dialect, 2000)) {
          const stored = await this.insertChunk(
            db,
            chunk.map((candidate) => candidate.row),
          );
          for (const candidate of chunk) if (stored.has(candidate.row.id)) statuses[candidate.index] = 'stored';
        }
        return statuses;
      }),
    );
  }

  findByIdempotencyKeys(keys: readonly string[]): Promise<Interaction[]> {
    return guarded(this.ctx, 'find interactions by idempotency key', async () => {
      const found: Interaction[] = [];
      for (const chunk of chunksFor([...new Set(keys)], 1, this.ctx.dialect)) {
        const rows = await this.ctx.db
          .selectFrom('rapport_interactions')
          .selectAll()
          .where('tenant_id', '=', this.ctx.tenantId)
          .where(inList(this.ctx, 'idempotency_key', chunk))
          .execute();
        for (const row of rows) found.push(interactionFromRow(row, this.ctx.dialect));
      }
      return found;
    });
  }

  timeline(customerId: string, filter: TimelineFilter): Promise<Page<Interaction>> {
    return guarded(this.ctx, 'read timeline', async () => {
      let query = this.ctx.db
        .selectFrom('rapport_interactions')
        .selectAll()
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('customer_id', '=', customerId);
      if (filter.types) query = query.where('type', 'in', filter.types);
      if (filter.channels) query = query.where('channel', 'in', filter.channels);
      if (filter.since) query = query.where('occurred_at', '>=', filter.since.getTime());
      if (filter.until) query = query.where('occurred_at', '<', filter.until.getTime());
      if (filter.cursor) {
        const { t: time, id } = decodeTimeCursor(filter.cursor);
        query = query.where((eb) => eb.or([eb('occurred_at', '<', time), eb.and([eb('occurred_at', '=', time), eb('id', '<', id)])]));
      }
      const rows = await query
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit + 1)
        .execute();
      const items = rows.slice(0, filter.limit).map((row) => interactionFromRow(row, this.ctx.dialect));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor({ t: last.occurredAt.getTime(), id: last.id }) : null };
    });
  }

  reassignCustomer(fromId: string, toId: string): Promise<number> {
    return guarded(this.ctx, 'reassign interactions', async () => {
      const result = await this.ctx.db
        .updateTable('rapport_interactions')
        .set({ customer_id: toId })
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('customer_id', '=', fromId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  /** Inserts a chunk, skipping rows whose idempotency key is taken; returns the stored ids. */
  private async insertChunk(db: Kysely<RapportDatabase>, rows: InteractionsTable[]): Promise<Set<string>> {
    if (this.ctx.native) return this.ctx.native.insertInteractions(rows);
    if (this.ctx.dialect.arrayParameters) {
      const source = unnestRows(rows, INTERACTION_ARRAY_COLUMNS, 'v');
      const { rows: stored } = await sql<{
        id: string;
      }>`insert into rapport_interactions (${sql.raw(INTERACTION_ARRAY_COLUMNS.map((column) => column.name).join(', '))})
        select ${unnestSelect(INTERACTION_ARRAY_COLUMNS, 'v')} from ${source}
        on conflict (tenant_id, idempotency_key) do nothing returning id`.execute(db);
      return new Set(stored.map((row) => row.id));
    }
    const insert = db.insertInto('rapport_interactions').values(rows);
    if (this.ctx.dialect.supportsReturning) {
      const stored = await insert
        .onConflict((conflict) => conflict.columns(['tenant_id', 'idempotency_key']).doNothing())
        .returning('id')
        .execute();
      return new Set(stored.map((row) => row.id));
    }
    // Without RETURNING: a no-op update on a duplicate key, then ask which of the keyed rows
    // landed (the affected-row count cannot tell, as drivers count found rows).
    await insert.onDuplicateKeyUpdate({ id: (eb) => eb.ref('rapport_interactions.id') }).execute();
    const keyed = rows.filter((row) => row.idempotency_key !== null).map((row) => row.id);
    const landed = new Set(rows.filter((row) => row.idempotency_key === null).map((row) => row.id));
    if (keyed.length === 0) return landed;
    const stored = await db
      .selectFrom('rapport_interactions')
      .select('id')
      .where('tenant_id', '=', this.ctx.tenantId)
      .where(inList(this.ctx, 'id', keyed))
      .execute();
    for (const row of stored) landed.add(row.id);
    return landed;
  }
}
