import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Crm, createCrm, type Storage } from '@rapport/core';
import type { SqlStorage } from '@rapport/storage-sql';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { median, timed } from './machine.js';
import { seededRandom } from './random.js';

/** Interactions per erased customer: the goal is erasing such a customer in under 1 s. */
export const ERASURE_INTERACTIONS = 10_000;
const ROUNDS = 3;

/** Result of the erasure benchmark on one database. */
export interface PrivacyResult {
  target: string;
  interactions: number;
  /** Median of `crm.privacy.erase(id, { mode: 'delete' })`, ms. */
  deleteMs: number;
  /** Median of `crm.privacy.erase(id, { mode: 'anonymize' })`, ms. */
  anonymizeMs: number;
  /** Median of the same deletion written by hand (seven DELETEs in one transaction), ms. */
  rawDeleteMs: number;
  /** deleteMs / rawDeleteMs. */
  ratio: number;
}

/** A customer with two identities, traits, a consent and `ERASURE_INTERACTIONS` interactions with payloads. */
async function seedPerson(crm: Crm, index: number, random: () => number): Promise<string> {
  const { customer } = await crm.customers.upsert({
    identities: [
      { type: 'email', value: `person${index}@bench.example` },
      { type: 'external', namespace: 'shop', value: `card-${index}` },
    ],
    traits: { name: `Person ${index}` },
  });
  await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', channel: 'email', source: 'bench', proof: { ip: '192.0.2.1' } });
  const start = Date.UTC(2025, 0, 1);
  for (let offset = 0; offset < ERASURE_INTERACTIONS; offset += 5_000) {
    await crm.interactions.recordMany(
      Array.from({ length: 5_000 }, (_, n) => ({
        customerId: customer.id,
        channel: random() < 0.5 ? 'web' : 'store',
        type: random() < 0.2 ? 'purchase' : 'page.view',
        occurredAt: new Date(start + Math.floor(random() * 86_400_000 * 300)),
        properties: { amount: Math.round(random() * 10_000) / 100, page: `/p/${offset + n}`, note: `seen by person ${index}` },
      })),
    );
  }
  return customer.id;
}

/** The deletion an engineer would write by hand for the same tables, in one transaction. */
async function rawDelete(db: Kysely<unknown>, tenant: string, customerId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of [
      'rapport_segment_members',
      'rapport_consents',
      'rapport_identities',
      'rapport_customer_tags',
      'rapport_interactions',
      'rapport_customer_channels',
    ]) {
      await sql`delete from ${sql.table(table)} where tenant_id = ${tenant} and customer_id = ${customerId}`.execute(trx);
    }
    await sql`delete from rapport_customers where tenant_id = ${tenant} and id = ${customerId}`.execute(trx);
  });
}

/** Seeds 3 × ROUNDS customers and times delete, anonymize and the hand-written delete, alternating. */
async function run(target: string, storage: Storage): Promise<PrivacyResult> {
  const crm = await createCrm({ storage, tenant: 'bench' });
  try {
    const random = seededRandom(20_261_202);
    const times = { delete: [] as number[], anonymize: [] as number[], raw: [] as number[] };
    const db = (storage as SqlStorage).db as unknown as Kysely<unknown>;
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b, c] = [
        await seedPerson(crm, round * 3, random),
        await seedPerson(crm, round * 3 + 1, random),
        await seedPerson(crm, round * 3 + 2, random),
      ];
      times.delete.push((await timed(() => crm.privacy.erase(a, { mode: 'delete' }))).ms);
      times.raw.push((await timed(() => rawDelete(db, crm.tenantId, b))).ms);
      times.anonymize.push((await timed(() => crm.privacy.erase(c, { mode: 'anonymize' }))).ms);
      const left = await crm.interactions.timeline(c, { limit: 1000 });
      if (left.items.length !== 1000 || Object.keys(left.items[0]?.properties ?? {}).some((key) => key !== 'amount'))
        throw new Error('anonymize did not keep the scrubbed interactions');
    }
    const deleteMs = median(times.delete);
    const rawDeleteMs = median(times.raw);
    return {
      target,
      interactions: ERASURE_INTERACTIONS,
      deleteMs: Math.round(deleteMs),
      anonymizeMs: Math.round(median(times.anonymize)),
      rawDeleteMs: Math.round(rawDeleteMs),
      ratio: Math.round((deleteMs / rawDeleteMs) * 100) / 100,
    };
  } finally {
    await crm.close();
  }
}

/** The erasure benchmark on a SQLite file. */
export async function privacySqlite(): Promise<PrivacyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-privacy-'));
  try {
    return await run('sqlite', sqlite({ filename: join(dir, 'privacy.db') }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The erasure benchmark on a PostgreSQL database of its own. */
export async function privacyPostgres(serverUrl: string): Promise<PrivacyResult> {
  const name = 'rapport_bench_privacy';
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
    return await run('postgres', await postgres({ connectionString: url }));
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** The erasure benchmark on a MySQL/MariaDB database of its own. */
export async function privacyMysql(serverUrl: string): Promise<PrivacyResult> {
  const name = 'rapport_bench_privacy';
  const admin = await mysql({ uri: serverUrl });
  const adminDb = admin.db as unknown as Kysely<unknown>;
  try {
    await sql`drop database if exists ${sql.id(name)}`.execute(adminDb);
    await sql`create database ${sql.id(name)}`.execute(adminDb);
    const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
    return await run('mysql', await mysql({ uri: url }));
  } finally {
    await sql`drop database if exists ${sql.id(name)}`.execute(adminDb);
    await admin.close();
  }
}
