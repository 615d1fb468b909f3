import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createCrm, isRapportError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { dialectTargets } from './dialect-targets.js';

const targets = await dialectTargets();
const root = join(import.meta.dirname, '..', '..', '..');

/** Runs the erase child until it prints that its writes ran uncommitted, then SIGKILLs it. */
function eraseAndKill(args: string[]): Promise<{ signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'fixtures', 'erase-child.ts'), ...args],
      {
        cwd: root,
        env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('erased-uncommitted')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (_code, signal) => resolve({ signal, stdout, stderr }));
  });
}

describe.each(targets.map((target) => [target.name, target] as const))('an erasure killed mid-transaction on %s', (_name, target) => {
  it('leaves the person whole (nothing half-erased), and erasing again finishes it and closes the stranded request', async () => {
    const database = await target.fresh();
    try {
      const tenant = 'crash';
      let crm = await createCrm({ storage: await database.open(), tenant });
      const { customer } = await crm.customers.upsert({
        identities: [{ type: 'email', value: 'crash@example.com' }],
        traits: { name: 'Crash' },
      });
      await crm.interactions.recordMany(
        Array.from({ length: 500 }, (_, index) => ({
          customerId: customer.id,
          channel: 'web',
          type: 'page.view',
          properties: { n: index },
        })),
      );
      await crm.consent.grant({
        customerId: customer.id,
        purpose: 'marketing',
        channel: 'email',
        source: 'test',
        proof: { ip: '192.0.2.7' },
      });
      await crm.close();

      const run = await eraseAndKill([target.name, database.location, tenant, customer.id]);
      expect(run.signal, run.stderr).toBe('SIGKILL');
      expect(run.stdout).not.toContain('erasure-finished');

      crm = await createCrm({ storage: await database.open(), tenant });
      const intact = await crm.customers.get(customer.id);
      expect(intact.identities.map((identity) => identity.value)).toEqual(['crash@example.com']);
      expect(intact.traits).toMatchObject({ name: 'Crash' });
      expect((await crm.interactions.timeline(customer.id, { limit: 1000 })).items).toHaveLength(500);
      expect(await crm.consent.history(customer.id)).toHaveLength(1);
      expect(await crm.privacy.isSuppressed({ type: 'email', value: 'crash@example.com' })).toBe(false);
      const [stranded] = (await crm.privacy.requests({ customerId: customer.id })).items;
      expect(stranded).toMatchObject({ kind: 'erasure', status: 'received' });

      const done = await crm.privacy.erase(customer.id, { mode: 'delete' });
      expect(done.summary).toMatchObject({ customers: 1, identities: 1, interactions: 500, consents: 1, suppressions: 1 });
      const gone = await crm.customers.get(customer.id).catch((error: unknown) => error);
      expect(isRapportError(gone, 'CUSTOMER_NOT_FOUND')).toBe(true);
      const log = (await crm.privacy.requests({ customerId: customer.id })).items;
      expect(log.map((entry) => entry.status).sort()).toEqual(['completed', 'failed']);
      expect(log.find((entry) => entry.id === stranded?.id)?.refusalBasis).toContain(done.requestId);
      await crm.close();
    } finally {
      await database.cleanup();
    }
  });
});
