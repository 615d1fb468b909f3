import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Crm, createCrm } from '@rapport/core';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import pg from 'pg';
import { alternate, interactionBatches, recordAll, seedPostgres, seedSqlite, TENANT } from './ingest.js';

/** Ingest with the audit log on against the same Crm with it off, in one run. */
export interface AuditIngestResult {
  target: string;
  interactions: number;
  plainPerSecond: number;
  auditedPerSecond: number;
  /** audited / plain. */
  ratio: number;
}

/** `recordMany` into two databases alike but for `createCrm({ audit })`, alternating batch by batch. */
async function compare(target: string, total: number, plain: Crm, audited: Crm, customers: number, now: number) {
  const times = await alternate(
    interactionBatches(total, customers, now),
    (batch) => recordAll(plain, batch),
    (batch) => recordAll(audited, batch),
  );
  const check = await audited.audit.verify();
  if (!check.ok) throw new Error(`audit chain broken after ingest: ${JSON.stringify(check)}`);
  await plain.close();
  await audited.close();
  const plainPerSecond = (total / times.rapportMs) * 1000;
  const auditedPerSecond = (total / times.rawMs) * 1000;
  return { target, interactions: total, plainPerSecond, auditedPerSecond, ratio: auditedPerSecond / plainPerSecond };
}

/** The audit log's cost on SQLite ingest. */
export async function auditIngestSqlite(total: number): Promise<AuditIngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-audit-'));
  const customers = Math.max(100, Math.floor(total / 10));
  const now = Date.now();
  try {
    const files = { plain: join(dir, 'plain.db'), audited: join(dir, 'audited.db') };
    for (const filename of Object.values(files)) await seedSqlite(filename, customers, now);
    const plain = await createCrm({ storage: sqlite({ filename: files.plain }), tenant: TENANT });
    const audited = await createCrm({ storage: sqlite({ filename: files.audited }), tenant: TENANT, audit: true });
    return await compare('sqlite', total, plain, audited, customers, now);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The audit log's cost on PostgreSQL ingest. */
export async function auditIngestPostgres(total: number, serverUrl: string): Promise<AuditIngestResult> {
  const customers = Math.max(100, Math.floor(total / 10));
  const now = Date.now();
  const databases = { plain: 'rapport_bench_audit_plain', audited: 'rapport_bench_audit_on' };
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  try {
    for (const name of Object.values(databases)) await seedPostgres(admin, name, urlOf(name), customers, now);
    const plain = await createCrm({ storage: await postgres({ connectionString: urlOf(databases.plain) }), tenant: TENANT });
    const audited = await createCrm({
      storage: await postgres({ connectionString: urlOf(databases.audited) }),
      tenant: TENANT,
      audit: true,
    });
    return await compare('postgres', total, plain, audited, customers, now);
  } finally {
    for (const name of Object.values(databases)) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
