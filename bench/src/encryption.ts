import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Crm, createCrm, type RecordInteractionInput, type UpsertCustomerInput } from '@rapport/core';
import { staticKeyProvider } from '@rapport/core/storage';
import type { EncryptionOptions, SqlStorage } from '@rapport/storage-sql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import pg from 'pg';
import { quantile, timed } from './machine.js';
import { seededRandom } from './random.js';

const TENANT = 'bench';
const UPSERT_BATCH = 100;
const INTERACTIONS_PER_CUSTOMER = 5;
const PROFILE_READS = 2000;

/** Encryption on against off, on one database kind, in one run. */
export interface EncryptionResult {
  target: string;
  customers: number;
  /** Customer upserts a second (identities, name, birthday, address): the write encryption touches. */
  plainUpsertsPerSecond: number;
  encryptedUpsertsPerSecond: number;
  upsertRatio: number;
  /** The same customers upserted again with a plain trait changed (read, patch, write back). */
  plainReupsertsPerSecond: number;
  encryptedReupsertsPerSecond: number;
  reupsertRatio: number;
  /** Interactions a second through `recordMany` (nothing in them is encrypted). */
  plainInteractionsPerSecond: number;
  encryptedInteractionsPerSecond: number;
  interactionRatio: number;
  plainProfileP99Ms: number;
  encryptedProfileP99Ms: number;
  /** Encrypted p99 ÷ plain p99 (≤ 1.5 is the goal). */
  profileRatio: number;
}

function encryption(): EncryptionOptions {
  return { keys: staticKeyProvider({ primaryKeyId: 'k1', keys: [{ id: 'k1', key: randomBytes(32) }] }) };
}

function customerInputs(count: number): UpsertCustomerInput<Record<string, unknown>>[] {
  const random = seededRandom(20_261_202);
  return Array.from({ length: count }, (_, n) => ({
    identities: [
      { type: 'email', value: `customer.${n}@example.com` },
      { type: 'phone', value: `+447400${100_000 + n}` },
    ],
    traits: {
      name: `Customer ${n}`,
      birthday: `19${50 + Math.floor(random() * 50)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      address: { line1: `${n} High Street`, city: 'London', country: 'GB' },
      locale: 'en-GB',
    },
  }));
}

/**
 * The order of the two sides in round `round`: plain first, then encrypted first, and so on, so
 * that neither always pays for what the other left behind (garbage to collect, WAL pages to
 * checkpoint, a cold cache).
 */
function turn(round: number): readonly (0 | 1)[] {
  return round % 2 === 0 ? [0, 1] : [1, 0];
}

/** Upserts `inputs` one by one on both sides, alternating batches: the time of each side and the ids. */
async function upsertAlternately(
  crms: [Crm, Crm],
  inputs: readonly UpsertCustomerInput<Record<string, unknown>>[],
): Promise<{ ms: [number, number]; ids: [string[], string[]] }> {
  const ms: [number, number] = [0, 0];
  const ids: [string[], string[]] = [[], []];
  for (let start = 0; start < inputs.length; start += UPSERT_BATCH) {
    const batch = inputs.slice(start, start + UPSERT_BATCH);
    for (const side of turn(start / UPSERT_BATCH)) {
      const timing = await timed(async () => {
        const out: string[] = [];
        for (const input of batch) out.push((await crms[side].customers.upsert(input)).customer.id);
        return out;
      });
      ms[side] += timing.ms;
      ids[side].push(...timing.result);
    }
  }
  return { ms, ids };
}

/**
 * Runs the same work on a plain and an encrypting storage, alternating batch by batch (and read
 * by read, which side goes first swapping each time) so both meet the same moments of the
 * machine: new customers, the same customers again, interactions, then 360° profile reads.
 */
async function compare(target: string, plain: SqlStorage, encrypted: SqlStorage, customers: number): Promise<EncryptionResult> {
  const crms: [Crm, Crm] = [await createCrm({ storage: plain, tenant: TENANT }), await createCrm({ storage: encrypted, tenant: TENANT })];
  const inputs = customerInputs(customers);
  const { ms: upsertMs, ids } = await upsertAlternately(crms, inputs);
  // The same people again with a plain trait changed: the repeated upsert of ongoing ingest.
  const again = await upsertAlternately(
    crms,
    inputs.map((input) => ({ ...input, traits: { ...input.traits, locale: 'en-US' } })),
  );
  const interactionMs = [0, 0];
  const now = Date.now();
  for (let start = 0; start < customers; start += 200) {
    for (const side of turn(start / 200)) {
      const batch: RecordInteractionInput[] = ids[side].slice(start, start + 200).flatMap((customerId, index) =>
        Array.from({ length: INTERACTIONS_PER_CUSTOMER }, (_, k) => ({
          customerId,
          channel: 'web',
          type: k === 0 ? 'purchase' : 'page_view',
          occurredAt: new Date(now - (index * 7 + k) * 60_000),
          properties: k === 0 ? { amount: 10 + k } : { path: `/p/${k}` },
        })),
      );
      interactionMs[side] = (interactionMs[side] as number) + (await timed(() => crms[side].interactions.recordMany(batch))).ms;
    }
  }
  const profileMs: [number[], number[]] = [[], []];
  const random = seededRandom(7);
  for (let read = 0; read < PROFILE_READS; read += 1) {
    const index = Math.floor(random() * customers);
    for (const side of turn(read)) profileMs[side].push((await timed(() => crms[side].profile(ids[side][index] as string))).ms);
  }
  await Promise.all(crms.map((crm) => crm.close()));
  const perSecond = (count: number, ms: number) => Math.round((count * 1000) / ms);
  const p99 = (side: 0 | 1) => quantile(profileMs[side], 0.99);
  const interactions = customers * INTERACTIONS_PER_CUSTOMER;
  return {
    target,
    customers,
    plainUpsertsPerSecond: perSecond(customers, upsertMs[0]),
    encryptedUpsertsPerSecond: perSecond(customers, upsertMs[1]),
    upsertRatio: upsertMs[0] / upsertMs[1],
    plainReupsertsPerSecond: perSecond(customers, again.ms[0]),
    encryptedReupsertsPerSecond: perSecond(customers, again.ms[1]),
    reupsertRatio: again.ms[0] / again.ms[1],
    plainInteractionsPerSecond: perSecond(interactions, interactionMs[0] as number),
    encryptedInteractionsPerSecond: perSecond(interactions, interactionMs[1] as number),
    interactionRatio: (interactionMs[0] as number) / (interactionMs[1] as number),
    plainProfileP99Ms: p99(0),
    encryptedProfileP99Ms: p99(1),
    profileRatio: p99(1) / p99(0),
  };
}

/** Encryption on vs off on SQLite files. */
export async function encryptionSqlite(customers: number): Promise<EncryptionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-enc-'));
  try {
    return await compare(
      'sqlite',
      sqlite({ filename: join(dir, 'plain.db') }),
      sqlite({ filename: join(dir, 'encrypted.db'), encryption: encryption() }),
      customers,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Encryption on vs off on two PostgreSQL databases of one server. */
export async function encryptionPostgres(customers: number, serverUrl: string): Promise<EncryptionResult> {
  const names = ['rapport_bench_enc_plain', 'rapport_bench_enc_on'];
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  try {
    for (const name of names) {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
    }
    return await compare(
      'postgres',
      await postgres({ connectionString: urlOf(names[0] as string) }),
      await postgres({ connectionString: urlOf(names[1] as string), encryption: encryption() }),
      customers,
    );
  } finally {
    for (const name of names) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
