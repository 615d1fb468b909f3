import type { MetricsIncrement } from '@rapport/core/storage';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type ArrayColumn, unnestRows } from '../array-rows.js';
import type { RapportDatabase } from '../schema.js';
import { chunksFor, inList, type SqlContext } from './sql-context.js';

/** One customer's increment as bound into the bulk update. */
type IncrementRow = [
  id: string,
  first: number | null,
  last: number | null,
  purchase: number | null,
  purchases: number,
  spend: number,
  interactions: number,
];

/** One increment as the row bound into the UPDATE. */
function toIncrementRow({ customerId, delta }: MetricsIncrement): IncrementRow {
  return [
    customerId,
    delta.firstSeenAt?.getTime() ?? null,
    delta.lastSeenAt?.getTime() ?? null,
    delta.lastPurchaseAt?.getTime() ?? null,
    delta.purchaseCount,
    delta.totalSpend,
    delta.interactionCount,
  ];
}

const INCREMENT_COLUMNS = ['id', 'first_seen', 'last_seen', 'last_purchase', 'purchases', 'spend', 'interactions'] as const;

/**
 * Applies many customers' metric increments with one UPDATE per chunk (min for first seen,
 * max for last seen and last purchase, sums for the counters) and one multi-row upsert of the
 * per-channel last-seen times. Each row is updated atomically, so concurrent batches never
 * lose an increment. Unknown and merged-away customers are skipped.
 */
export async function applyMetricIncrements(
  db: Kysely<RapportDatabase>,
  ctx: SqlContext,
  entries: readonly MetricsIncrement[],
): Promise<void> {
  if (entries.length === 0) return;
  if (ctx.dialect.arrayParameters) return applyWithArrays(db, ctx, entries);
  const live = await liveCustomerIds(
    db,
    ctx,
    entries.map((entry) => entry.customerId),
  );
  const kept = entries.filter((entry) => live.has(entry.customerId));
  for (const chunk of chunksFor(kept, INCREMENT_COLUMNS.length, ctx.dialect, 2000)) {
    const rows = chunk.map(toIncrementRow);
    await updateStatement(ctx, rows).execute(db);
  }
  const channels = kept.flatMap(({ customerId, delta }) =>
    Object.entries(delta.lastSeenByChannel).map(([channel, at]) => ({
      tenant_id: ctx.tenantId,
      customer_id: customerId,
      channel,
      last_seen_at: at.getTime(),
    })),
  );
  for (const chunk of chunksFor(channels, 4, ctx.dialect, 2000)) {
    const insert = db.insertInto('rapport_customer_channels').values(chunk);
    if (ctx.dialect.upsertStyle === 'on-duplicate-key') {
      await insert.onDuplicateKeyUpdate({ last_seen_at: sql`greatest(last_seen_at, values(last_seen_at))` }).execute();
    } else {
      await insert
        .onConflict((conflict) =>
          conflict
            .columns(['tenant_id', 'customer_id', 'channel'])
            .doUpdateSet({ last_seen_at: sql`excluded.last_seen_at` })
            // Only a later time is written: an unchanged row costs no new row version.
            .where(sql<boolean>`rapport_customer_channels.last_seen_at < excluded.last_seen_at`),
        )
        .execute();
    }
  }
}

async function liveCustomerIds(db: Kysely<RapportDatabase>, ctx: SqlContext, ids: string[]): Promise<Set<string>> {
  const live = new Set<string>();
  for (const chunk of chunksFor([...new Set(ids)], 1, ctx.dialect)) {
    const rows = await db
      .selectFrom('rapport_customers')
      .select('id')
      .where('tenant_id', '=', ctx.tenantId)
      .where(inList(ctx, 'id', chunk))
      .where('merged_into', 'is', null)
      .execute();
    for (const row of rows) live.add(row.id);
  }
  return live;
}

function updateStatement(ctx: SqlContext, rows: IncrementRow[]): RawBuilder<unknown> {
  if (ctx.dialect.updateFromStyle === 'join-union') {
    const first = rows[0] as IncrementRow;
    const header = sql`select ${sql.join(first.map((value, index) => sql`${value} as ${sql.raw(INCREMENT_COLUMNS[index] as string)}`))}`;
    const selects = [header, ...rows.slice(1).map((row) => sql`select ${sql.join(row)}`)];
    return sql`update rapport_customers c join (${sql.join(selects, sql` union all `)}) v on c.tenant_id = ${ctx.tenantId} and c.id = v.id set ${assignments(ctx, 'c.', 'c.')}`;
  }
  const values = sql.join(rows.map((row) => sql`(${sql.join(row)})`));
  return sql`with v(${sql.raw(INCREMENT_COLUMNS.join(', '))}) as (values ${values}) update rapport_customers set ${assignments(ctx, '', 'rapport_customers.')} from v where rapport_customers.tenant_id = ${ctx.tenantId} and rapport_customers.id = v.id`;
}

/** The SET list: `target` prefixes assigned columns, `current` prefixes the values read. */
function assignments(ctx: SqlContext, target: string, current: string): RawBuilder<unknown> {
  const { dialect } = ctx;
  const column = (name: string) => sql.raw(`${current}${name}`);
  const value = (name: string) => dialect.castInteger(sql.raw(`v.${name}`));
  const pick = (name: string, incoming: string, better: '<' | '>') =>
    sql`${sql.raw(`${target}${name}`)} = case when ${value(incoming)} is null then ${column(name)} when ${column(name)} is null or ${value(incoming)} ${sql.raw(better)} ${column(name)} then ${value(incoming)} else ${column(name)} end`;
  return sql.join(
    [
      pick('first_seen_at', 'first_seen', '<'),
      pick('last_seen_at', 'last_seen', '>'),
      pick('last_purchase_at', 'last_purchase', '>'),
      sql`${sql.raw(`${target}purchase_count`)} = ${column('purchase_count')} + ${value('purchases')}`,
      sql`${sql.raw(`${target}total_spend`)} = ${dialect.roundMoney(sql`${column('total_spend')} + ${dialect.castDouble(sql.raw('v.spend'))}`)}`,
      sql`${sql.raw(`${target}interaction_count`)} = ${column('interaction_count')} + ${value('interactions')}`,
    ],
    sql`, `,
  );
}

const INCREMENT_ARRAY_COLUMNS: ArrayColumn<IncrementRow>[] = [
  { name: 'id', type: 'text', value: (row) => row[0] },
  { name: 'first_seen', type: 'bigint', value: (row) => row[1] },
  { name: 'last_seen', type: 'bigint', value: (row) => row[2] },
  { name: 'last_purchase', type: 'bigint', value: (row) => row[3] },
  { name: 'purchases', type: 'integer', value: (row) => row[4] },
  { name: 'spend', type: 'float8', value: (row) => row[5] },
  { name: 'interactions', type: 'integer', value: (row) => row[6] },
];

interface ChannelRow {
  customerId: string;
  channel: string;
  at: number;
}

const CHANNEL_ARRAY_COLUMNS: ArrayColumn<ChannelRow>[] = [
  { name: 'customer_id', type: 'text', value: (row) => row.customerId },
  { name: 'channel', type: 'text', value: (row) => row.channel },
  { name: 'last_seen_at', type: 'bigint', value: (row) => row.at },
];

/**
 * The same increments with one array parameter per column: the UPDATE returns the customers
 * it changed (live ones of this tenant), and only their channels are upserted — two
 * statements per batch, however many customers it touches.
 */
async function applyWithArrays(db: Kysely<RapportDatabase>, ctx: SqlContext, entries: readonly MetricsIncrement[]): Promise<void> {
  const rows = entries.map(toIncrementRow);
  const { rows: updated } = await sql<{ id: string }>`update rapport_customers set ${assignments(ctx, '', 'rapport_customers.')}
    from ${unnestRows(rows, INCREMENT_ARRAY_COLUMNS, 'v')}
    where rapport_customers.tenant_id = ${ctx.tenantId} and rapport_customers.id = v.id and rapport_customers.merged_into is null
    returning rapport_customers.id`.execute(db);
  const live = new Set(updated.map((row) => row.id));
  const channels = entries
    .filter((entry) => live.has(entry.customerId))
    .flatMap(({ customerId, delta }) =>
      Object.entries(delta.lastSeenByChannel).map(([channel, at]): ChannelRow => ({ customerId, channel, at: at.getTime() })),
    );
  if (channels.length === 0) return;
  await sql`insert into rapport_customer_channels (tenant_id, customer_id, channel, last_seen_at)
    select ${ctx.tenantId}, v.customer_id, v.channel, v.last_seen_at from ${unnestRows(channels, CHANNEL_ARRAY_COLUMNS, 'v')}
    on conflict (tenant_id, customer_id, channel) do update set last_seen_at = excluded.last_seen_at
    where rapport_customer_channels.last_seen_at < excluded.last_seen_at`.execute(db);
}
