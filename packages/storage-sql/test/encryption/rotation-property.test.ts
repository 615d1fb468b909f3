import { createBlindIndex } from '@rapport/storage-sql';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmOn, type EncryptedDatabase, encryptedDatabases, encryptionWith, KEYS, keySet } from './encryption-fixtures.js';

const targets = (await encryptedDatabases()).filter((target) => target.name === 'sqlite');

for (const target of targets) {
  describe(`re-encryption properties: ${target.name}`, () => {
    const databases: EncryptedDatabase[] = [];
    afterAll(async () => {
      for (const db of databases) await db.cleanup();
    });

    it('however a run is cut into stretches (any batch sizes, stopped after any number of batches), resuming it leaves no value under the old key and every value intact', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 12 }),
          fc.array(fc.record({ batchSize: fc.integer({ min: 1, max: 6 }), maxBatches: fc.integer({ min: 0, max: 4 }) }), { maxLength: 4 }),
          async (notes, stretches) => {
            const db = await target.fresh();
            databases.push(db);
            const before = await crmOn(await db.open(encryptionWith(['k1'])));
            const ids: string[] = [];
            for (const [index, loyaltyNotes] of notes.entries())
              ids.push(
                (
                  await before.customers.create({
                    identities: [{ type: 'email', value: `p${index}@example.com` }],
                    traits: { loyaltyNotes, name: loyaltyNotes },
                  })
                ).id,
              );
            await before.close();
            const crm = await crmOn(await db.open(encryptionWith(['k2', 'k1'])));
            for (const stretch of stretches) await crm.encryption.run('prop', stretch);
            await crm.encryption.run('prop', { batchSize: 5 });
            expect(await crm.encryption.countStale()).toBe(0);
            await crm.close();
            const after = await crmOn(await db.open(encryptionWith(['k2'])));
            for (const [index, id] of ids.entries()) {
              const customer = await after.customers.get(id);
              expect(customer.traits).toMatchObject({ loyaltyNotes: notes[index], name: notes[index] });
              expect(customer.identities[0]?.value).toBe(`p${index}@example.com`);
            }
            await after.close();
          },
        ),
        { numRuns: 12 },
      );
    });
  });
}

describe('the blind index from the key set', () => {
  let db: EncryptedDatabase | undefined;
  beforeAll(async () => {
    db = await targets[0]?.fresh();
  });
  afterAll(() => db?.cleanup());

  it.skipIf(targets.length === 0)('hashes identities with the key set’s blind-index secret, and lookups go through it', async () => {
    const secret = Buffer.from(KEYS.k3, 'base64');
    const storage = await (db as EncryptedDatabase).open({
      keys: { source: 'test', load: async () => ({ ...keySet(['k1']), blindIndexKey: secret }) },
    });
    const crm = await crmOn(storage);
    const identity = { type: 'email', namespace: '', value: 'blind@example.com' } as const;
    const created = await crm.customers.create({ identities: [{ type: 'email', value: identity.value }] });
    const [row] = await storage.db.selectFrom('rapport_identities').select('value_hash').execute();
    expect(row?.value_hash).toBe(createBlindIndex(secret)(identity));
    expect(row?.value_hash).not.toBe(createBlindIndex()(identity));
    expect((await crm.customers.find({ type: 'email', value: identity.value }))?.id).toBe(created.id);
    await crm.close();
  });
});
