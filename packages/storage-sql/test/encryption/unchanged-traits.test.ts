import type { SqlStorage } from '@rapport/storage-sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmOn, type EncryptedDatabase, encryptedDatabases, encryptionWith } from './encryption-fixtures.js';

const targets = await encryptedDatabases();

/** The stored (encrypted) traits of a customer, as the database holds them. */
async function storedTraits(storage: SqlStorage, id: string): Promise<Record<string, string>> {
  const row = await storage.db.selectFrom('rapport_customers').select('traits').where('id', '=', id).executeTakeFirstOrThrow();
  return storage.dialect.parseJson(row.traits) as Record<string, string>;
}

for (const target of targets) {
  describe(`unchanged personal traits keep their ciphertext: ${target.name}`, () => {
    let db: EncryptedDatabase;
    beforeAll(async () => {
      db = await target.fresh();
    });
    afterAll(() => db?.cleanup());

    it('re-encrypts only the traits a write changes, under the primary key, and still refuses a moved or altered ciphertext', async () => {
      const storage = await db.open(encryptionWith(['k1']));
      const crm = await crmOn(storage);
      const upsert = (n: number) =>
        crm.customers.upsert({
          identities: [{ type: 'email', value: `keep.${n}@example.com` }],
          traits: { name: `Keep ${n}`, address: { line1: `${n} Mill Road`, city: 'Leeds' }, loyaltyNotes: `notes ${n}`, plan: 'free' },
        });
      const a = (await upsert(1)).customer;
      const b = (await upsert(2)).customer;
      const first = await storedTraits(storage, a.id);
      expect(first.name).toMatch(/^rpe1\.k1\./);

      // A plain trait changes: every personal ciphertext stays byte for byte.
      await crm.customers.update(a.id, { traits: { plan: 'gold' } });
      const second = await storedTraits(storage, a.id);
      expect(second.plan).toBe('gold');
      expect([second.name, second.address, second.loyaltyNotes]).toEqual([first.name, first.address, first.loyaltyNotes]);

      // The same upsert again (the usual repeated ingest; plan back to free) keeps the ciphertexts too.
      await upsert(1);
      expect((await storedTraits(storage, a.id)).name).toBe(first.name);

      // A personal trait changes: it alone gets a new ciphertext, and reads back.
      await crm.customers.update(a.id, { traits: { name: 'Renamed' } });
      const third = await storedTraits(storage, a.id);
      expect(third.name).not.toBe(first.name);
      expect([third.address, third.loyaltyNotes]).toEqual([first.address, first.loyaltyNotes]);
      expect((await crm.customers.get(a.id))?.traits).toMatchObject({ name: 'Renamed', loyaltyNotes: 'notes 1', plan: 'free' });

      // Reads still authenticate: a's (remembered) ciphertext copied into b's row fails there.
      const ofB = await storedTraits(storage, b.id);
      await storage.db
        .updateTable('rapport_customers')
        .set({ traits: storage.dialect.jsonParam({ ...ofB, address: third.address }) })
        .where('id', '=', b.id)
        .execute();
      expect(await crm.customers.get(b.id).catch((error: unknown) => error)).toMatchObject({
        code: 'ENCRYPTION_DECRYPT_FAILED',
        details: { field: 'rapport_customers.traits.address' },
      });
      // So does a's own (remembered) ciphertext with one character changed.
      const name = third.name ?? '';
      const flipped = `${name.slice(0, -2)}${name.at(-2) === 'A' ? 'B' : 'A'}${name.slice(-1)}`;
      await storage.db
        .updateTable('rapport_customers')
        .set({ traits: storage.dialect.jsonParam({ ...third, name: flipped }) })
        .where('id', '=', a.id)
        .execute();
      expect(await crm.customers.get(a.id).catch((error: unknown) => error)).toMatchObject({
        code: 'ENCRYPTION_DECRYPT_FAILED',
        details: { field: 'rapport_customers.traits.name' },
      });
      for (const [id, traits] of [
        [a.id, third],
        [b.id, ofB],
      ] as const)
        await storage.db
          .updateTable('rapport_customers')
          .set({ traits: storage.dialect.jsonParam(traits) })
          .where('id', '=', id)
          .execute();
      expect((await crm.customers.get(a.id))?.traits.name).toBe('Renamed');
      await crm.close();

      // After rotation an unchanged trait is not kept under the old key: the write re-encrypts it under the new primary.
      const rotated = await db.open(encryptionWith(['k2', 'k1']));
      const crm2 = await crmOn(rotated);
      await crm2.customers.update(a.id, { traits: { plan: 'platinum' } });
      const fourth = await storedTraits(rotated, a.id);
      for (const name of ['name', 'address', 'loyaltyNotes']) expect(fourth[name]).toMatch(/^rpe1\.k2\./);
      expect((await crm2.customers.get(a.id))?.traits).toMatchObject({
        name: 'Renamed',
        address: { line1: '1 Mill Road' },
        plan: 'platinum',
      });
      await crm2.close();
    });
  });
}
