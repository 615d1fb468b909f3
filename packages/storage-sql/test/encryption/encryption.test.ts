import { isRapportError } from '@rapport/core';
import { EncryptionErrorCode } from '@rapport/core/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmOn, type EncryptedDatabase, encryptedDatabases, encryptionWith } from './encryption-fixtures.js';
import { findInDatabase } from './scan-database.js';

const targets = await encryptedDatabases();

/** Canary values no table may hold in plaintext. */
const canary = (n: number) => ({
  email: `canary.mail.${n}@example.com`,
  phone: `+447400123${100 + n}`,
  name: `Canaryname Zq${n}`,
  street: `${n} Canary Wharf Lane`,
  notes: `canary-loyalty-notes-${n}`,
  body: `canary-note-body-${n}`,
  contactPhone: `+3312345${String(1000 + n).slice(1)}`,
});

for (const target of targets) {
  describe(`field encryption: ${target.name}`, () => {
    let db: EncryptedDatabase;
    beforeAll(async () => {
      db = await target.fresh();
    });
    afterAll(() => db?.cleanup());

    it('stores no plaintext e-mail, phone, personal trait or personal plugin column, and reads and finds everything back', async () => {
      const storage = await db.open(encryptionWith(['k1']));
      const crm = await crmOn(storage);
      const values = [1, 2, 3].map(canary);
      const ids: string[] = [];
      for (const [index, value] of values.entries()) {
        const { customer } = await crm.customers.upsert({
          identities: [
            { type: 'email', value: value.email },
            { type: 'phone', value: value.phone },
          ],
          traits: {
            name: value.name,
            address: { line1: value.street, city: 'London' },
            loyaltyNotes: value.notes,
            plan: 'gold',
            birthday: `1990-01-0${index + 1}`,
          },
        });
        ids.push(customer.id);
        await crm.notes.insert({
          id: `note-${index}`,
          customerId: customer.id,
          body: value.body,
          contact: { phone: value.contactPhone, street: value.street },
          label: 'plain-label',
        });
      }
      const needles = values.flatMap((value) => [
        value.email,
        value.phone,
        value.name,
        value.street,
        value.notes,
        value.body,
        value.contactPhone,
      ]);
      expect(await findInDatabase(db.name, db.location, storage, needles)).toEqual([]);
      // Not personal, so stored as it is: the scan does see plaintext where there is some.
      expect((await findInDatabase(db.name, db.location, storage, ['plain-label', 'gold'])).sort()).toEqual(['gold', 'plain-label']);

      for (const [index, value] of values.entries()) {
        const byEmail = await crm.customers.find({ type: 'email', value: value.email });
        const byPhone = await crm.customers.find({ type: 'phone', value: value.phone });
        expect(byEmail?.id).toBe(ids[index]);
        expect(byPhone?.id).toBe(ids[index]);
        expect(byEmail?.traits).toMatchObject({
          name: value.name,
          loyaltyNotes: value.notes,
          plan: 'gold',
          address: { line1: value.street },
        });
        expect(byEmail?.identities.map((identity) => identity.value).sort()).toEqual([value.email, value.phone].sort());
        const profile = await crm.profile(ids[index] as string);
        expect(profile.customer.traits.name).toBe(value.name);
        expect(profile.customer.identities.map((identity) => identity.value)).toContain(value.email);
        const note = await crm.notes.get({ id: `note-${index}` });
        expect(note).toMatchObject({
          body: value.body,
          contact: { phone: value.contactPhone, street: value.street },
          label: 'plain-label',
        });
      }
      // Upserting by the same e-mail finds the same customer (the blind index), and keeps one identity row.
      const again = await crm.customers.upsert({
        identities: [{ type: 'email', value: values[0]?.email as string }],
        traits: { plan: 'silver' },
      });
      expect(again.customer.id).toBe(ids[0]);
      const listed = await crm.customers.list({ limit: 10 });
      expect(listed.items.map((customer) => customer.traits.name).sort()).toEqual(values.map((value) => value.name).sort());
      await crm.close();
    });

    it('refuses a segment on an encrypted trait with a typed error naming the field; other traits stay queryable', async () => {
      const crm = await crmOn(await db.open(encryptionWith(['k1'])));
      const refused = await crm.segments
        .define({ key: 'by-name', name: 'By name', condition: { kind: 'trait', field: 'name', op: 'eq', value: 'Ada' } })
        .catch((error: unknown) => error);
      expect(isRapportError(refused, EncryptionErrorCode.FieldNotQueryable)).toBe(true);
      expect((refused as { details: { issues: { path: unknown[] }[] } }).details.issues[0]?.path).toEqual(['condition', 'field']);
      const nested = await crm.segments
        .countWhere({
          kind: 'and',
          of: [
            { kind: 'trait', field: 'plan', op: 'eq', value: 'gold' },
            { kind: 'not', condition: { kind: 'trait', field: 'loyaltyNotes', op: 'exists' } },
          ],
        })
        .catch((error: unknown) => error);
      expect(nested).toMatchObject({
        code: 'ENCRYPTION_FIELD_NOT_QUERYABLE',
        details: { issues: [{ path: ['condition', 'of', 1, 'condition', 'field'] }] },
      });
      expect(await crm.segments.countWhere({ kind: 'trait', field: 'plan', op: 'in', value: ['gold', 'silver'] })).toBe(3);
      const where = await crm.notes.find({ where: { body: 'x' } }).catch((error: unknown) => error);
      expect(where).toMatchObject({ code: 'ENCRYPTION_FIELD_NOT_QUERYABLE', details: { issues: [{ path: ['notes', 'body'] }] } });
      expect(await crm.notes.count({ label: 'plain-label' })).toBe(3);
      await crm.close();
    });

    it('refuses a ciphertext moved to another row, and names an unknown key id', async () => {
      const storage = await db.open(encryptionWith(['k1']));
      const crm = await crmOn(storage);
      const a = await crm.customers.find({ type: 'email', value: canary(1).email });
      const b = await crm.customers.find({ type: 'email', value: canary(2).email });
      const rows = await storage.db
        .selectFrom('rapport_identities')
        .select(['value_hash', 'value', 'customer_id'])
        .where('type', '=', 'email')
        .execute();
      const fromA = rows.find((row) => row.customer_id === a?.id);
      const ofB = rows.find((row) => row.customer_id === b?.id);
      await storage.db
        .updateTable('rapport_identities')
        .set({ value: fromA?.value as string })
        .where('value_hash', '=', ofB?.value_hash as string)
        .execute();
      const moved = await crm.customers.get(b?.id as string).catch((error: unknown) => error);
      expect(moved).toMatchObject({
        code: 'ENCRYPTION_DECRYPT_FAILED',
        details: { field: 'rapport_identities.value', keyId: 'k1', reason: 'tampered' },
      });
      // A trait ciphertext copied from another customer fails too.
      const traits = await storage.db.selectFrom('rapport_customers').select(['id', 'traits']).execute();
      const traitsOf = (id: string | undefined) =>
        storage.dialect.parseJson(traits.find((row) => row.id === id)?.traits) as Record<string, unknown>;
      const swapped = { ...traitsOf(a?.id), name: traitsOf(b?.id).name };
      await storage.db
        .updateTable('rapport_customers')
        .set({ traits: storage.dialect.jsonParam(swapped) })
        .where('id', '=', a?.id as string)
        .execute();
      expect(await crm.customers.get(a?.id as string).catch((error: unknown) => error)).toMatchObject({
        code: 'ENCRYPTION_DECRYPT_FAILED',
        details: { field: 'rapport_customers.traits.name' },
      });
      // Put both back as they were.
      await storage.db
        .updateTable('rapport_identities')
        .set({ value: ofB?.value as string })
        .where('value_hash', '=', ofB?.value_hash as string)
        .execute();
      await storage.db
        .updateTable('rapport_customers')
        .set({ traits: storage.dialect.jsonParam(traitsOf(a?.id)) })
        .where('id', '=', a?.id as string)
        .execute();
      expect((await crm.customers.get(b?.id as string)).traits.name).toBe(canary(2).name);
      await crm.close();

      const withoutK1 = await crmOn(await db.open(encryptionWith(['k3'])));
      const unknown = await withoutK1.customers.get(a?.id as string).catch((error: unknown) => error);
      expect(unknown).toMatchObject({ code: 'ENCRYPTION_KEY_UNKNOWN', details: { keyId: 'k1' } });
      await withoutK1.close();
    });

    it('fails createCrm with a typed error naming the key when a key is malformed', async () => {
      const error = await db
        .open(encryptionWith(['k1'], { k1: Buffer.alloc(16).toString('base64') }))
        .then((storage) => crmOn(storage))
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'ENCRYPTION_KEY_INVALID', details: { issues: [{ path: ['static', 'keys', 'k1'] }] } });
      expect(await db.open({ keys: {} as never }).catch((caught: unknown) => caught)).toMatchObject({
        code: 'PLUGIN_INVALID_OPTIONS',
        details: { issues: [{ path: ['encryption', 'keys'] }] },
      });
    });
  });
}
