import { createBlindIndex } from '@rapport/storage-sql';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { type GeneratedCustomer, inBatches } from './data.js';

const blindIndex = createBlindIndex();
const emailOf = (id: string) => `${id}@bench.example`;

/** Loads generated customers into Rapport's tables in SQLite with prepared statements. */
export function loadSqlite(db: BetterSqlite3.Database, tenant: string, customers: Iterable<GeneratedCustomer>, now: number): number {
  const customer = db.prepare(
    `insert into rapport_customers (tenant_id, id, traits, lifecycle_stage, first_seen_at, last_seen_at, last_purchase_at, purchase_count, total_spend, interaction_count, created_at, updated_at, version, merged_into)
     values (?, ?, '{}', null, ?, ?, ?, ?, ?, ?, ?, ?, 1, null)`,
  );
  const identity = db.prepare(
    `insert into rapport_identities (tenant_id, value_hash, customer_id, type, namespace, value, created_at) values (?, ?, ?, 'email', '', ?, ?)`,
  );
  const interaction = db.prepare(
    `insert into rapport_interactions (tenant_id, id, customer_id, channel, type, direction, occurred_at, recorded_at, properties, source, idempotency_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?)`,
  );
  const consent = db.prepare(
    `insert into rapport_consents (tenant_id, id, customer_id, purpose, channel, status, source, notice_version, proof, occurred_at, recorded_at) values (?, ?, ?, 'marketing', ?, ?, 'bench', null, null, ?, ?)`,
  );
  let interactions = 0;
  const load = db.transaction((batch: GeneratedCustomer[]) => {
    for (const c of batch) {
      customer.run(
        tenant,
        c.id,
        c.firstSeenAt,
        c.lastSeenAt,
        c.lastPurchaseAt,
        c.purchaseCount,
        c.totalSpend,
        c.interactionCount,
        c.createdAt,
        c.createdAt,
      );
      const email = emailOf(c.id);
      identity.run(tenant, blindIndex({ type: 'email', namespace: '', value: email }), c.id, email, c.createdAt);
      for (const i of c.interactions)
        interaction.run(tenant, i.id, c.id, i.channel, i.type, i.direction, i.occurredAt, now, i.properties, i.idempotencyKey);
      for (const r of c.consents) consent.run(tenant, r.id, c.id, r.channel, r.status, r.occurredAt, r.occurredAt);
      interactions += c.interactions.length;
    }
  });
  for (const batch of inBatches(customers, 5000)) load(batch);
  return interactions;
}

/** Loads generated customers into Rapport's tables in PostgreSQL, a batch per `unnest` insert. */
export async function loadPostgres(
  client: pg.ClientBase,
  tenant: string,
  customers: Iterable<GeneratedCustomer>,
  now: number,
): Promise<number> {
  let interactions = 0;
  for (const batch of inBatches(customers, 2000)) {
    await client.query('begin');
    await client.query(
      `insert into rapport_customers (tenant_id, id, traits, lifecycle_stage, first_seen_at, last_seen_at, last_purchase_at, purchase_count, total_spend, interaction_count, created_at, updated_at, version, merged_into)
       select $1, id, '{}'::jsonb, null, f, l, p, pc, ts, ic, ca, ca, 1, null
       from unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::int[], $7::float8[], $8::int[], $9::bigint[]) as t(id, f, l, p, pc, ts, ic, ca)`,
      [
        tenant,
        batch.map((c) => c.id),
        batch.map((c) => c.firstSeenAt),
        batch.map((c) => c.lastSeenAt),
        batch.map((c) => c.lastPurchaseAt),
        batch.map((c) => c.purchaseCount),
        batch.map((c) => c.totalSpend),
        batch.map((c) => c.interactionCount),
        batch.map((c) => c.createdAt),
      ],
    );
    await client.query(
      `insert into rapport_identities (tenant_id, value_hash, customer_id, type, namespace, value, created_at)
       select $1, h, id, 'email', '', v, ca from unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) as t(h, id, v, ca)`,
      [
        tenant,
        batch.map((c) => blindIndex({ type: 'email', namespace: '', value: emailOf(c.id) })),
        batch.map((c) => c.id),
        batch.map((c) => emailOf(c.id)),
        batch.map((c) => c.createdAt),
      ],
    );
    const rows = batch.flatMap((c) => c.interactions.map((i) => ({ c, i })));
    await client.query(
      `insert into rapport_interactions (tenant_id, id, customer_id, channel, type, direction, occurred_at, recorded_at, properties, source, idempotency_key)
       select $1, id, cid, ch, ty, dir, oa, $2, pr::jsonb, null, ik from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[]) as t(id, cid, ch, ty, dir, oa, pr, ik)`,
      [
        tenant,
        now,
        rows.map((r) => r.i.id),
        rows.map((r) => r.c.id),
        rows.map((r) => r.i.channel),
        rows.map((r) => r.i.type),
        rows.map((r) => r.i.direction),
        rows.map((r) => r.i.occurredAt),
        rows.map((r) => r.i.properties),
        rows.map((r) => r.i.idempotencyKey),
      ],
    );
    const consents = batch.flatMap((c) => c.consents.map((r) => ({ c, r })));
    await client.query(
      `insert into rapport_consents (tenant_id, id, customer_id, purpose, channel, status, source, notice_version, proof, occurred_at, recorded_at)
       select $1, id, cid, 'marketing', ch, st, 'bench', null, null, oa, oa from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) as t(id, cid, ch, st, oa)`,
      [
        tenant,
        consents.map((x) => x.r.id),
        consents.map((x) => x.c.id),
        consents.map((x) => x.r.channel),
        consents.map((x) => x.r.status),
        consents.map((x) => x.r.occurredAt),
      ],
    );
    await client.query('commit');
    interactions += rows.length;
  }
  return interactions;
}
