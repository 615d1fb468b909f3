import { type Crm, isRapportError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fake-clock.js';
import type { ConformanceContext } from './context.js';
import { crmFor } from './crm-for.js';

const PHONE = { type: 'phone', namespace: '', value: '+447400123456' } as const;

/** Alice, known by e-mail and the household phone, with traits that must survive. */
async function withAlice(crm: Crm) {
  const { customer } = await crm.customers.upsert({
    identities: [
      { type: 'email', value: 'alice@home.io' },
      { type: 'phone', value: '07400 123456' },
    ],
    traits: { name: 'Alice', birthday: '1980-01-01' },
  });
  return customer;
}

/** The match rule of upsert (shared vs personal identities) and the last-identity guard. */
export function identityMatchSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: upsert does not fuse two people`, () => {
    it('creates a customer of its own for a record that matches only by phone but carries another e-mail', async () => {
      const { crm, events } = await crmFor(ctx);
      const alice = await withAlice(crm);
      const bob = await crm.customers.upsert({
        identities: [
          { type: 'email', value: 'bob@home.io' },
          { type: 'phone', value: '+44 7400 123456' },
        ],
        traits: { name: 'Bob', birthday: '1990-02-02' },
      });
      expect(bob.created).toBe(true);
      expect(bob.customer.id).not.toBe(alice.id);
      expect(bob.conflicts).toEqual([
        { customerId: alice.id, matched: [PHONE], conflicting: [{ type: 'email', namespace: '', value: 'bob@home.io' }] },
      ]);
      expect(bob.unlinked).toEqual([{ identity: PHONE, customerId: alice.id }]);
      expect(bob.customer.identities).toEqual([{ type: 'email', namespace: '', value: 'bob@home.io' }]);
      expect(bob.customer.traits).toEqual({ name: 'Bob', birthday: '1990-02-02' });
      // Nothing of Alice was touched: not her traits, not her identities, not her version.
      const stored = await crm.customers.get(alice.id);
      expect(stored.traits).toEqual({ name: 'Alice', birthday: '1980-01-01' });
      expect(stored.identities.map((identity) => identity.value).sort()).toEqual(['+447400123456', 'alice@home.io']);
      expect(stored.version).toBe(alice.version);
      expect((await crm.customers.find({ type: 'email', value: 'bob@home.io' }))?.id).toBe(bob.customer.id);
      expect((await crm.customers.list()).items).toHaveLength(2);
      expect(events.filter((event) => event.name === 'customer.updated')).toEqual([]);
    });

    it('refuses such a record with CUSTOMER_CONFLICTING_MATCH by option, per call or per Crm, writing nothing', async () => {
      const perCall = await crmFor(ctx);
      const perCrm = await crmFor(ctx, new FakeClock('2026-06-01T00:00:00Z'), {
        identities: { defaultRegion: 'GB', onConflictingMatch: 'reject' },
      });
      for (const [crm, options] of [
        [perCall.crm, { onConflictingMatch: 'reject' as const }],
        [perCrm.crm, {}],
      ] as const) {
        const alice = await withAlice(crm);
        const input = {
          identities: [
            { type: 'phone' as const, value: '07400 123456' },
            { type: 'email' as const, value: 'bob@home.io' },
          ],
          traits: { name: 'Bob' },
        };
        const error = await crm.customers.upsert(input, options).catch((caught: unknown) => caught);
        expect(isRapportError(error, 'CUSTOMER_CONFLICTING_MATCH'), String(error)).toBe(true);
        if (!isRapportError(error)) return;
        expect(error.kind).toBe('conflict');
        expect(error.details).toEqual({
          conflicts: [{ customerId: alice.id, matched: [PHONE], conflicting: [{ type: 'email', namespace: '', value: 'bob@home.io' }] }],
        });
        expect((await crm.customers.list()).items.map((customer) => customer.id)).toEqual([alice.id]);
        expect((await crm.customers.get(alice.id)).traits).toEqual({ name: 'Alice', birthday: '1980-01-01' });
        expect(await crm.customers.find({ type: 'email', value: 'bob@home.io' })).toBeNull();
      }
      // The per-Crm policy yields to the call's.
      const created = await perCrm.crm.customers.upsert(
        { identities: [PHONE, { type: 'email', value: 'carol@home.io' }] },
        { onConflictingMatch: 'create' },
      );
      expect(created.created).toBe(true);
    });

    it('treats an external id of the same namespace as personal, and merges when nothing conflicts', async () => {
      const { crm } = await crmFor(ctx);
      const shop = await crm.customers.create({
        identities: [{ type: 'external', namespace: 'pos', value: 'card-1' }, PHONE],
        traits: { name: 'Card one' },
      });
      const otherCard = await crm.customers.upsert({
        identities: [PHONE, { type: 'external', namespace: 'pos', value: 'card-2' }],
        traits: { name: 'Card two' },
      });
      expect(otherCard.created).toBe(true);
      expect(otherCard.conflicts.map((conflict) => conflict.conflicting)).toEqual([
        [{ type: 'external', namespace: 'pos', value: 'card-2' }],
      ]);
      // Another namespace, or a phone alone, is no conflict: the phone's owner is updated.
      const wechat = await crm.customers.upsert({
        identities: [PHONE, { type: 'external', namespace: 'wechat', value: 'wx-1' }],
        traits: { locale: 'en-GB' },
      });
      expect([wechat.created, wechat.customer.id, wechat.conflicts]).toEqual([false, shop.id, []]);
      const byPhone = await crm.customers.upsert({ identities: [PHONE], tags: ['called'] });
      expect([byPhone.customer.id, byPhone.customer.tags]).toEqual([shop.id, ['called']]);
      expect((await crm.customers.get(shop.id)).traits).toEqual({ name: 'Card one', locale: 'en-GB' });
    });

    it('prefers a personal match to a shared one, and passes over only the conflicting phone owners', async () => {
      const { crm } = await crmFor(ctx);
      const bob = await crm.customers.create({
        identities: [{ type: 'email', value: 'bob@home.io' }, PHONE],
        traits: { name: 'Bob' },
      });
      const shopPhone = { type: 'phone', namespace: '', value: '+442079460000' } as const;
      const shop = await crm.customers.create({ identities: [shopPhone], traits: { name: 'Front desk' } });
      const dave = await crm.customers.upsert({
        identities: [PHONE, shopPhone, { type: 'email', value: 'dave@home.io' }],
        traits: { name: 'Dave' },
      });
      expect([dave.created, dave.customer.id]).toEqual([false, shop.id]);
      expect(dave.conflicts.map((conflict) => conflict.customerId)).toEqual([bob.id]);
      expect(dave.unlinked).toEqual([{ identity: PHONE, customerId: bob.id }]);
      expect((await crm.customers.get(bob.id)).traits).toEqual({ name: 'Bob' });
      // An e-mail match decides even when the phone listed first belongs to someone else.
      const byEmail = await crm.customers.upsert({ identities: [PHONE, { type: 'email', value: 'dave@home.io' }] });
      expect([byEmail.customer.id, byEmail.unlinked]).toEqual([shop.id, [{ identity: PHONE, customerId: bob.id }]]);
    });
  });

  describe(`${ctx.name}: removeIdentity keeps the last identity`, () => {
    it('refuses to remove a customer’s only identity with CUSTOMER_LAST_IDENTITY', async () => {
      const { crm } = await crmFor(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: 'only@x.io' }, PHONE] });
      await crm.customers.removeIdentity(customer.id, { type: 'phone', value: '07400 123456' });
      const error = await crm.customers
        .removeIdentity(customer.id, { type: 'email', value: 'only@x.io' })
        .catch((caught: unknown) => caught);
      expect(isRapportError(error, 'CUSTOMER_LAST_IDENTITY'), String(error)).toBe(true);
      expect((error as { kind?: string }).kind).toBe('conflict');
      const absent = await crm.customers.removeIdentity(customer.id, PHONE).catch((caught: unknown) => caught);
      expect(isRapportError(absent, 'IDENTITY_NOT_FOUND')).toBe(true);
      expect((await crm.customers.get(customer.id)).identities).toEqual([{ type: 'email', namespace: '', value: 'only@x.io' }]);
    });

    it('leaves one identity when the last two are removed at once (30 rounds)', async () => {
      const { crm } = await crmFor(ctx);
      for (let round = 0; round < 30; round++) {
        const email = { type: 'email', value: `pair-${round}@x.io` } as const;
        const card = { type: 'external', namespace: 'pos', value: `card-${round}` } as const;
        const customer = await crm.customers.create({ identities: [email, card] });
        const results = await Promise.allSettled([
          crm.customers.removeIdentity(customer.id, email),
          crm.customers.removeIdentity(customer.id, card),
        ]);
        const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        expect(failures, `round ${round}`).toHaveLength(1);
        expect(isRapportError(failures[0], 'CUSTOMER_LAST_IDENTITY'), String(failures[0])).toBe(true);
        expect((await crm.customers.get(customer.id)).identities, `round ${round}`).toHaveLength(1);
      }
    });
  });
}
