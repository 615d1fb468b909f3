import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SqlStorage } from '@rapport/storage-sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmOn, type EncryptedDatabase, encryptedDatabases, encryptionWith, KEYS, type KeyId } from './encryption-fixtures.js';

const targets = await encryptedDatabases();
const root = join(import.meta.dirname, '..', '..', '..', '..');

/** Key ids of every stored identity value, customer personal trait and note body (null: plaintext). */
async function storedKeyIds(storage: SqlStorage): Promise<(string | null)[]> {
  const keyId = (value: unknown) => (typeof value === 'string' ? (/^rpe1\.([^.]+)\./.exec(value)?.[1] ?? null) : null);
  const identities = await storage.db.selectFrom('rapport_identities').select('value').execute();
  const customers = await storage.db.selectFrom('rapport_customers').select('traits').execute();
  const notes = await (storage.db as unknown as import('kysely').Kysely<Record<string, { body: string }>>)
    .selectFrom('pt_test_notes__notes')
    .select('body')
    .execute();
  return [
    ...identities.map((row) => keyId(row.value)),
    ...customers.flatMap((row) => {
      const traits = storage.dialect.parseJson(row.traits) as Record<string, unknown>;
      return ['name', 'loyaltyNotes'].filter((name) => name in traits).map((name) => keyId(traits[name]));
    }),
    ...notes.map((row) => keyId(row.body)),
  ];
}

/** Seeds `count` customers with an e-mail, a name, loyalty notes and a note row; returns what each should read back. */
async function seed(crm: Awaited<ReturnType<typeof crmOn>>, count: number, prefix: string) {
  const expected = new Map<string, { email: string; name: string; loyaltyNotes: string }>();
  for (let index = 0; index < count; index += 1) {
    const email = `${prefix}.${index}@example.com`;
    const traits = { name: `${prefix} Person ${index}`, loyaltyNotes: `${prefix} notes ${index}` };
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: email }], traits });
    await crm.notes.insert({ id: `${prefix}-${index}`, customerId: customer.id, body: `${prefix} body ${index}`, label: prefix });
    expected.set(customer.id, { email, ...traits });
  }
  return expected;
}

/** Every seeded customer reads back as written, found by e-mail. */
async function expectIntact(
  crm: Awaited<ReturnType<typeof crmOn>>,
  expected: Map<string, { email: string; name: string; loyaltyNotes: string }>,
) {
  for (const [id, value] of expected) {
    const found = await crm.customers.find({ type: 'email', value: value.email });
    expect(found?.id).toBe(id);
    expect(found?.traits).toMatchObject({ name: value.name, loyaltyNotes: value.loyaltyNotes });
  }
}

for (const target of targets) {
  describe(`key rotation and re-encryption: ${target.name}`, () => {
    let db: EncryptedDatabase;
    beforeAll(async () => {
      db = await target.fresh();
    });
    afterAll(() => db?.cleanup());

    it('encrypts a database written in plaintext through the job, then rotates: new writes use the new key, old values still read, the job leaves none under the old key', async () => {
      const plain = await crmOn(await db.open());
      const expected = await seed(plain, 25, 'plain');
      await plain.close();

      const storage1 = await db.open(encryptionWith(['k1']));
      const crm1 = await crmOn(storage1);
      await expectIntact(crm1, expected); // plaintext rows read as they are
      expect(await crm1.encryption.countStale()).toBe(25 * 3);
      const runId = await crm1.encryption.start({ runId: 'turn-on', batchSize: 7 });
      const workers = crm1.workers();
      while ((await crm1.encryption.progress(runId))?.done !== true) await workers.drain();
      expect(await crm1.encryption.countStale()).toBe(0);
      expect(new Set(await storedKeyIds(storage1))).toEqual(new Set(['k1']));
      await expectIntact(crm1, expected);
      await crm1.close();

      const storage2 = await db.open(encryptionWith(['k2', 'k1']));
      const crm2 = await crmOn(storage2);
      await expectIntact(crm2, expected);
      const fresh = await seed(crm2, 3, 'fresh');
      const ids = await storedKeyIds(storage2);
      expect(ids.filter((id) => id === 'k2')).toHaveLength(3 * 4);
      expect(ids.filter((id) => id === 'k1')).toHaveLength(25 * 4);
      const partial = await crm2.encryption.run('rotate-k2', { batchSize: 10, maxBatches: 2 });
      expect(partial.done).toBe(false);
      expect(await crm2.encryption.countStale()).toBeGreaterThan(0);
      const finished = await crm2.encryption.run('rotate-k2', { batchSize: 10 });
      expect(finished).toMatchObject({ done: true, reencrypted: 75, skipped: 0 });
      expect(await crm2.encryption.countStale()).toBe(0);
      await crm2.close();

      const onlyK2 = await crmOn(await db.open(encryptionWith(['k2'])));
      await expectIntact(onlyK2, new Map([...expected, ...fresh]));
      await onlyK2.close();
    });

    it('loses no concurrent update while re-encrypting, round after round', async () => {
      const rounds = 4;
      let primary: KeyId = 'k2';
      const base = await crmOn(await db.open(encryptionWith([primary, 'k1'])));
      const expected = await seed(base, 20, 'busy');
      await base.close();
      const ids = [...expected.keys()];
      for (let round = 0; round < rounds; round += 1) {
        primary = primary === 'k2' ? 'k3' : 'k2';
        const storage = await db.open(encryptionWith([primary, ...(['k1', 'k2', 'k3'] as KeyId[]).filter((id) => id !== primary)]));
        const crm = await crmOn(storage);
        const last = new Map<string, string>();
        // Writers update disjoint customers, so the last write of each is known.
        const writerIds = (worker: number) => ids.filter((_, index) => index % 2 === worker);
        const disjoint = async (worker: number) => {
          const mine = writerIds(worker);
          for (let step = 0; step < 15; step += 1) {
            const id = mine[(step * 3 + round) % mine.length] as string;
            const loyaltyNotes = `round ${round} worker ${worker} step ${step}`;
            await crm.customers.update(id, { traits: { loyaltyNotes } });
            last.set(id, loyaltyNotes);
          }
        };
        const [progress] = await Promise.all([crm.encryption.run(`busy-${round}`, { batchSize: 3 }), disjoint(0), disjoint(1)]);
        expect(progress.done).toBe(true);
        for (const [id, loyaltyNotes] of last)
          expected.set(id, { ...(expected.get(id) as { email: string; name: string; loyaltyNotes: string }), loyaltyNotes });
        await expectIntact(crm, expected);
        // Writes made behind the walk used the primary key, and the walk covered the rest.
        expect(await crm.encryption.countStale()).toBe(0);
        expect(new Set(await storedKeyIds(storage))).toEqual(new Set([primary]));
        await crm.close();
      }
    });

    it('resumes a re-encryption process SIGKILLed midway, and leaves no row under the old key', async () => {
      const seeded = await crmOn(await db.open(encryptionWith(['k1'])));
      const expected = await seed(seeded, 30, 'killed');
      await seeded.close();
      const child = spawn(
        process.execPath,
        [
          '--conditions=source',
          '--import',
          'tsx',
          join(import.meta.dirname, '..', 'fixtures', 'reencrypt-child.ts'),
          target.name,
          db.location,
          'killed-run',
          JSON.stringify(KEYS),
          '4',
        ],
        { cwd: root, env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') } },
      );
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<string | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if ((stdout.match(/^batch/gm) ?? []).length >= 3) resolve();
        }),
      );
      child.kill('SIGKILL');
      expect(await exited, stderr).toBe('SIGKILL');
      expect(stdout).not.toMatch(/done/);

      const storage = await db.open(encryptionWith(['k2', 'k1']));
      const crm = await crmOn(storage);
      const checkpoint = await crm.encryption.progress('killed-run');
      expect(checkpoint?.done).toBe(false);
      expect(checkpoint?.batches).toBeGreaterThanOrEqual(3);
      expect(await crm.encryption.countStale()).toBeGreaterThan(0);
      const resumed = await crm.encryption.run('killed-run', { batchSize: 4 });
      expect(resumed.done).toBe(true);
      expect(resumed.batches).toBeGreaterThan(checkpoint?.batches as number);
      expect(await crm.encryption.countStale()).toBe(0);
      expect((await storedKeyIds(storage)).filter((id) => id !== 'k2')).toEqual([]);
      await expectIntact(crm, expected);
      await crm.close();
    });
  });
}
