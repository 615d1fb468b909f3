import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm, type Storage } from '@rapport/core';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, selected } from '../../storage-sql/test/servers.js';
import { modelChunksTable, modelVersionsTable, recommend } from '../src/index.js';

const root = join(import.meta.dirname, '..', '..', '..');

/** Starts the child; resolves `half` once it is hanging in the middle of its save. */
function startTraining(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'fixtures', 'train-crash-child.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const half = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('half')) resolve();
    });
    child.on('close', (code) => reject(new Error(`training child exited (${code}) before hanging: ${stderr}`)));
  });
  const exited = new Promise<string | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  return { half, exited, kill: () => child.kill('SIGKILL') };
}

const dir = mkdtempSync(join(tmpdir(), 'rapport-recommend-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const targets: { name: 'sqlite' | 'postgres' | 'mysql'; location: () => Promise<string | null> }[] = [
  { name: 'sqlite', location: async () => join(dir, 'crash.db') },
  ...(['postgres', 'mysql'] as const).map((name) => ({
    name,
    location: async () => {
      const database = await createTestDatabase(name);
      if (!('url' in database)) return null;
      afterAll(() => database.drop());
      return database.url;
    },
  })),
];

function open(name: string, location: string): Promise<Storage> | Storage {
  return name === 'sqlite'
    ? sqlite({ filename: location })
    : name === 'postgres'
      ? postgres({ connectionString: location })
      : mysql({ uri: location });
}

for (const target of targets) {
  describe.skipIf(!selected(target.name))(`recommend training killed mid-save: ${target.name}`, () => {
    it('keeps serving the old version, never the half-written one, and the next trainings clean it up', async () => {
      const location = (await target.location()) as string;
      expect(location).not.toBeNull();
      const tenant = 'shop';
      const crm = await createCrm({ storage: await open(target.name, location), tenant, plugins: [recommend({ refreshMs: 0 })] });
      const people = await Promise.all(
        ['ann', 'bob', 'cat'].map(
          async (name) => (await crm.customers.upsert({ identities: [{ type: 'email', value: `${name}@example.com` }] })).customer.id,
        ),
      );
      const buy = (customerId: string, itemId: string[], key: string) =>
        crm.interactions.record({ customerId, channel: 'web', type: 'purchase', properties: { itemId }, idempotencyKey: key });
      await buy(people[0] as string, ['pot', 'cups'], 'o1');
      await buy(people[1] as string, ['pot', 'tea'], 'o2');
      expect((await crm.recommendations.trainNow()).version).toBe(1);
      await buy(people[2] as string, ['pot', 'cups', 'spoon'], 'o3');
      const before = await crm.recommendations.forCustomer(people[1] as string, { k: 3 });
      await crm.close();

      const training = startTraining([target.name, location, tenant]);
      await training.half;
      training.kill();
      expect(await training.exited).toBe('SIGKILL');

      const after = await createCrm({ storage: await open(target.name, location), tenant, plugins: [recommend({ refreshMs: 0 })] });
      const store = after.storage.forTenant(tenant);
      const orphan = await store.table(modelVersionsTable).get({ name: 'recommend', version: 2 });
      expect(orphan?.ready).toBe(false);
      expect(await store.table(modelChunksTable).count({ name: 'recommend', version: 2 })).toBeGreaterThan(0);
      // Served: version 1 plus the feedback recorded since, exactly what the Crm served before the crash.
      expect((await after.recommendations.modelInfo()).version).toBe(1);
      expect(await after.recommendations.forCustomer(people[1] as string, { k: 3 })).toEqual(before);
      expect((await after.recommendations.trainNow()).version).toBe(3);
      expect((await after.recommendations.trainNow()).version).toBe(4);
      // Versions before the previous one are removed, the dead one's chunks with them.
      expect(await store.table(modelVersionsTable).get({ name: 'recommend', version: 2 })).toBeNull();
      expect(await store.table(modelChunksTable).count({ name: 'recommend', version: 2 })).toBe(0);
      expect((await after.recommendations.modelInfo()).version).toBe(4);
      await after.close();
    }, 120_000);
  });
}
