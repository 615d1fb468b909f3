import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { dialectTargets } from './dialect-targets.js';
import { runFixture } from './fixtures/run-fixture.js';

const targets = await dialectTargets();
const root = join(import.meta.dirname, '..', '..', '..');
const TENANT = 'audit';

describe.each(targets.map((target) => [target.name, target] as const))('the audit chain across processes on %s', (_name, target) => {
  it('keeps one valid chain with exactly one entry per operation when 3 processes write at once', async () => {
    const database = await target.fresh();
    try {
      const setup = await createCrm({ storage: await database.open(), tenant: TENANT, audit: true });
      const { customer: shared } = await setup.customers.upsert({ identities: [{ type: 'email', value: 'shared@example.com' }] });
      await setup.close();
      const rounds = 15;
      const runs = await Promise.all(
        ['p1', 'p2', 'p3'].map((name) =>
          runFixture('audit-writer-child.ts', [target.name, database.location, TENANT, 'write', name, shared.id, String(rounds)]),
        ),
      );
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const operations = 1 + runs.reduce((sum, run) => sum + Number(run.stdout.trim()), 0);
      expect(operations).toBe(1 + 3 * rounds * 3);
      const crm = await createCrm({ storage: await database.open(), tenant: TENANT, audit: true });
      try {
        expect(await crm.audit.verify()).toEqual({ ok: true, entries: operations });
        for (const name of ['p1', 'p2', 'p3']) {
          const mine = await crm.audit.list({ actorId: name, limit: 1000 });
          for (const operation of ['customers.upsert', 'customers.tag', 'interactions.record']) {
            expect(mine.items.filter((entry) => entry.operation === operation)).toHaveLength(rounds);
          }
        }
        expect((await crm.interactions.timeline(shared.id, { limit: 100 })).items).toHaveLength(3 * rounds);
      } finally {
        await crm.close();
      }
    } finally {
      await database.cleanup();
    }
  }, 120_000);

  it('loses the write and its entry together when a writer is SIGKILLed holding the chain head, and others go on', async () => {
    const database = await target.fresh();
    const dir = mkdtempSync(join(tmpdir(), 'rapport-audit-'));
    const marker = join(dir, 'marker');
    writeFileSync(marker, '');
    try {
      const crm = await createCrm({ storage: await database.open(), tenant: TENANT, audit: true });
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'victim@example.com' }] });
      const child = spawn(
        process.execPath,
        [
          '--conditions=source',
          '--import',
          'tsx',
          join(import.meta.dirname, 'fixtures', 'audit-writer-child.ts'),
          target.name,
          database.location,
          TENANT,
          'hang',
          'doomed',
          customer.id,
          marker,
        ],
        { cwd: root, env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') } },
      );
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<string | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
      for (let waited = 0; !readFileSync(marker, 'utf8').includes('locked') && waited < 60_000; waited += 25) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(readFileSync(marker, 'utf8'), stderr).toContain('locked');
      // A write that needs the head the child holds: it waits (PostgreSQL, MariaDB, SQLite's busy timeout) until the kill.
      const waiting = crm.customers.tag(customer.id, 'after-crash');
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      await waiting;
      const stored = await crm.customers.get(customer.id);
      expect(stored.tags).toEqual(['after-crash']);
      const entries = (await crm.audit.list()).items;
      // The killed tag left nothing; the read of the customer just above is logged (the default actor reads personal data).
      expect(entries.map((entry) => [entry.actorId, entry.operation])).toEqual([
        ['app', 'customers.upsert'],
        ['app', 'customers.tag'],
        ['app', 'customers.get'],
      ]);
      expect(await crm.audit.verify()).toEqual({ ok: true, entries: 3 });
      await crm.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await database.cleanup();
    }
  }, 120_000);
});
