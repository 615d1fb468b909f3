import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@rapport/core';
import { createCrm } from '@rapport/core';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { FakeClock } from '@rapport/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, selected } from '../../storage-sql/test/servers.js';
import { FEEDBACK_EVENTS, feedback, slaAlertsTable } from '../src/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'rapport-feedback-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EPOCH = '2026-06-01T00:00:00.000Z';
const hoursAfter = (hours: number) => new Date(new Date(EPOCH).getTime() + hours * 3_600_000);

interface Target {
  name: 'sqlite' | 'postgres' | 'mysql';
  location: string;
  open: () => Storage | Promise<Storage>;
}

const targets: (Target | { name: string; skip: string })[] = [];
if (selected('sqlite')) {
  const file = join(dir, 'kill.db');
  targets.push({ name: 'sqlite', location: file, open: () => sqlite({ filename: file }) });
}
for (const name of ['postgres', 'mysql'] as const) {
  const database = selected(name) ? await createTestDatabase(name) : { skip: 'not in RAPPORT_DIALECTS' };
  if ('url' in database) {
    afterAll(() => database.drop());
    const url = database.url;
    targets.push({ name, location: url, open: () => (name === 'postgres' ? postgres({ connectionString: url }) : mysql({ uri: url })) });
  } else targets.push({ name, skip: database.skip });
}

function startChild(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'fixtures', 'sla-worker-child.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { exited, kill: () => child.kill('SIGKILL') };
}

const options = { links: { secret: 'a-test-secret-of-at-least-32-bytes!!' }, consentPurpose: false } as const;

describe.each(targets.map((target) => [target.name, target] as const))('SLA timers across a SIGKILLed worker on %s', (_name, target) => {
  it.skipIf('skip' in target)(
    'fires each warning and breach exactly once when the worker dies after an alert committed',
    async () => {
      if ('skip' in target) return;
      const tenant = `kill-${Date.now()}`;
      const out = join(dir, `${tenant}.log`);
      writeFileSync(out, '');
      // The parent opens a ticket (default policy: first response in 24 h, warning at 18 h).
      const setup = await createCrm({ storage: await target.open(), tenant, clock: new FakeClock(EPOCH), plugins: [feedback(options)] });
      const { customer } = await setup.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
      const ticket = await setup.feedback.tickets.open({ customerId: customer.id, subject: 'Where is my parcel?' });
      await setup.close();
      // A worker 25 h later: both alerts are due; it dies holding the first one it fired.
      const child = startChild([target.name, target.location, tenant, out, hoursAfter(25).toISOString()]);
      const lines = () => readFileSync(out, 'utf8').split('\n').filter(Boolean);
      for (let waited = 0; lines().length === 0 && waited < 60_000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
      child.kill();
      const exit = await child.exited;
      expect(exit.signal, `worker exited with code ${exit.code}: ${exit.stderr}`).toBe('SIGKILL');
      const [firedInChild] = lines();
      expect(firedInChild).toMatch(/^(warning|breach) \S+ firstResponse$/);
      // A new process once the dead worker's 60 s lease is over: the rest fires, nothing twice.
      const crm = await createCrm({
        storage: await target.open(),
        tenant,
        clock: new FakeClock(new Date(hoursAfter(25).getTime() + 61_000)),
        plugins: [feedback(options)],
      });
      const told: string[] = [];
      for (const name of FEEDBACK_EVENTS.filter((event) => event.startsWith('ticket.sla.'))) {
        crm.events.on(name, () => void told.push(name === 'ticket.sla.warning' ? 'warning' : 'breach'));
      }
      try {
        await crm.workers().drain();
        await crm.workers().drain();
        const kinds = [firedInChild?.split(' ')[0], ...told].sort();
        expect(kinds).toEqual(['breach', 'warning']);
        const alerts = await crm.storage
          .forTenant(tenant)
          .table(slaAlertsTable)
          .find({ where: { ticketId: ticket.id } });
        expect(alerts.items.map((alert) => alert.kind).sort()).toEqual(['breach', 'warning']);
        const running = await crm.jobs.list({ status: 'running', limit: 10 });
        expect(running.items).toEqual([]);
      } finally {
        await crm.close();
      }
    },
    120_000,
  );
});
