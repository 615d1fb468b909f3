import { isRapportError, MAX_AMOUNT, MAX_JSON_DEPTH, MAX_JSON_SIZE } from '@rapport/core';
import { encodeCursor } from '@rapport/core/storage';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';
import { expectInvalid, hostileCrm, nested, tenantTotals } from './hostile-expect.js';

const email = () => ({ type: 'email' as const, value: `${uniqueId('h')}@hostile.io` });

/**
 * Input that used to be lost, changed or answered with a driver error (issue 9, items 4-8,
 * 11-13): each is refused with a typed error naming the field, or stored exactly, on every
 * storage, and a refused write leaves nothing behind.
 */
export function hostileInputSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: hostile input`, () => {
    it('refuses lone surrogates in keys, tags, sources, traits and properties instead of merging or mangling them', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [email()] });
      const result = await crm.interactions.recordMany([
        { customerId: customer.id, channel: 'web', type: 'view', idempotencyKey: 'k\ud800' },
        { customerId: customer.id, channel: 'web', type: 'view', idempotencyKey: 'k\ud801' },
        { customerId: customer.id, channel: 'web', type: 'view', source: 'shop\udc00' },
        { customerId: customer.id, channel: 'web', type: 'view', properties: { note: 'x\ud83d' } },
        { customerId: customer.id, channel: 'web', type: 'view', idempotencyKey: 'k\ud83d\ude00' },
      ]);
      expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'stored']);
      const paths = result.outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [(outcome.error.details as { issues: { path: unknown[] }[] }).issues[0]?.path] : [],
      );
      expect(paths).toEqual([['idempotencyKey'], ['idempotencyKey'], ['source'], ['properties', 'note']]);
      await expectInvalid(crm.customers.create({ tags: ['vip\ud800'] }), ['tags', 0]);
      await expectInvalid(crm.customers.create({ traits: { name: 'Ada\udfff' } }), ['traits', 'name']);
      await expectInvalid(crm.customers.create({ traits: { ['k\ud800']: 1 } }), ['traits']);
      await expectInvalid(crm.customers.tag(customer.id, ['a\ud800']), ['tags', 0]);
      expect((await tenantTotals(crm)).customers).toBe(1);
      // A well-formed astral character (a surrogate pair) is stored exactly.
      const stored = await crm.customers.create({ traits: { name: 'Ada 🐉' }, tags: ['🐉'] });
      expect(await crm.customers.get(stored.id)).toEqual(stored);
    });

    it('refuses `__proto__` keys in traits and properties, and keeps `constructor` and `toString` as data', async () => {
      const crm = await hostileCrm(ctx);
      const traits = JSON.parse('{"name":"Ada","__proto__":{"admin":true}}') as Record<string, unknown>;
      await expectInvalid(crm.customers.create({ traits }), ['traits', '__proto__']);
      const customer = await crm.customers.create({ identities: [email()] });
      await expectInvalid(crm.customers.update(customer.id, { traits }), ['traits', '__proto__']);
      const properties = JSON.parse('{"__proto__":1}') as Record<string, unknown>;
      await expectInvalid(crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'view', properties }), [
        'properties',
        '__proto__',
      ]);
      const data = { constructor: 'c', toString: 't', hasOwnProperty: { prototype: 1 } };
      const kept = await crm.customers.update(customer.id, { traits: data });
      expect(kept.traits).toEqual(data);
      expect((await crm.customers.get(customer.id)).traits).toEqual(data);
      expect((await tenantTotals(crm)).interactions).toBe(0);
    });

    it(`bounds nesting at ${MAX_JSON_DEPTH} levels and size at ${MAX_JSON_SIZE} characters: larger traits are refused, and segments over the tenant keep working`, async () => {
      const crm = await hostileCrm(ctx);
      await crm.segments.define({ key: 'named', name: 'Named', condition: { kind: 'trait', field: 'name', op: 'exists' } });
      const deepest = { name: 'Deep', deep: nested(MAX_JSON_DEPTH - 1) };
      const kept = await crm.customers.create({ traits: deepest });
      expect((await crm.customers.get(kept.id)).traits).toEqual(deepest);
      for (const levels of [MAX_JSON_DEPTH, 1500, 5000]) {
        await expectInvalid(crm.customers.create({ traits: { name: 'Deeper', deep: nested(levels) } }), ['traits', 'deep']);
        await expectInvalid(crm.customers.update(kept.id, { traits: { deep: nested(levels) } }), ['traits', 'deep']);
      }
      // The limits hold for the traits as stored, not only for each patch.
      const chunk = 'x'.repeat(MAX_JSON_SIZE / 2);
      await crm.customers.update(kept.id, { traits: { a: chunk } });
      await expectInvalid(crm.customers.update(kept.id, { traits: { b: chunk } }), ['traits']);
      expect(Object.keys((await crm.customers.get(kept.id)).traits)).toEqual(expect.not.arrayContaining(['b']));
      expect(await crm.segments.count('named')).toBe(1);
      expect((await crm.segments.refresh()).named?.entered).toEqual([kept.id]);
    });

    it('keeps amounts finite and bounded, so total spend stays finite in the storage sum', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [email()] });
      const result = await crm.interactions.recordMany([
        { customerId: customer.id, channel: 'pos', type: 'purchase', properties: { amount: 1e308 } },
        { customerId: customer.id, channel: 'pos', type: 'purchase', properties: { amount: -Infinity } },
        { customerId: customer.id, channel: 'pos', type: 'purchase', properties: { amount: MAX_AMOUNT } },
        { customerId: customer.id, channel: 'pos', type: 'purchase', properties: { amount: MAX_AMOUNT } },
        { customerId: customer.id, channel: 'pos', type: 'purchase', properties: { amount: 0.25 } },
      ]);
      expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'stored', 'stored', 'stored']);
      const stored = await crm.customers.get(customer.id);
      expect(stored.metrics.purchaseCount).toBe(3);
      expect(stored.metrics.totalSpend).toBe(2 * MAX_AMOUNT + 0.25);
      expect(Number.isFinite(stored.metrics.totalSpend)).toBe(true);
    });

    it('takes dates only as a valid Date or an ISO-8601 string, and refuses NaN and Infinity traits', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [email()] });
      for (const occurredAt of [null, true, 5, [2020], new Date(Number.NaN), '2026-13-40', 'yesterday', '2026-02-30T00:00:00Z']) {
        const record = crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'view', occurredAt: occurredAt as never });
        await expectInvalid(record, ['occurredAt']);
        const grant = crm.consent.grant({ customerId: customer.id, purpose: 'marketing', source: 'form', occurredAt: occurredAt as never });
        await expectInvalid(grant, ['occurredAt']);
      }
      await expectInvalid(crm.customers.list({ createdAfter: 5 as never }), ['query', 'createdAfter']);
      await expectInvalid(crm.interactions.timeline(customer.id, { since: 'now' as never }), ['query', 'since']);
      const { interaction } = (await crm.interactions.record({
        customerId: customer.id,
        channel: 'web',
        type: 'view',
        occurredAt: '2026-05-01T12:30:00+02:00',
      })) as { interaction: { occurredAt: Date } };
      expect(interaction.occurredAt.toISOString()).toBe('2026-05-01T10:30:00.000Z');
      expect((await crm.interactions.timeline(customer.id, { since: '2026-05-01' })).items).toHaveLength(1);
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        await expectInvalid(crm.customers.update(customer.id, { traits: { score: bad } }), ['traits', 'score']);
      }
      expect((await crm.customers.get(customer.id)).traits).toEqual({});
      expect((await tenantTotals(crm)).interactions).toBe(1);
    });

    it('rejects the bad items of a batch with their reason and stores the good ones', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [email()] });
      const item = (properties: Record<string, unknown>) => ({ customerId: customer.id, channel: 'web', type: 'view', properties });
      const before = await tenantTotals(crm);
      const result = await crm.interactions.recordMany([
        item({ ok: 1 }),
        item({ deep: nested(150) }),
        item({ text: 'a\ud800b' }),
        item({ deep: nested(5000) }),
        item({ big: 10n }),
        item({ when: new Date('2026-01-01T00:00:00Z') }),
        { identity: email(), channel: 'web', type: 'view', properties: { fn: () => 1 } },
        item({ ok: 2 }),
      ]);
      expect(result.outcomes.map((outcome) => outcome.status)).toEqual([
        'stored',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'stored',
      ]);
      for (const outcome of result.outcomes) {
        if (outcome.status !== 'rejected') continue;
        expect(outcome.error.kind).toBe('invalid_input');
        expect((outcome.error.details as { issues: { path: unknown[] }[] }).issues[0]?.path[0]).toBe('properties');
      }
      const after = await tenantTotals(crm);
      expect(after).toEqual({ ...before, interactions: before.interactions + 2 });
      const timeline = await crm.interactions.timeline(customer.id);
      expect(timeline.items.map((interaction) => interaction.properties).reverse()).toEqual([{ ok: 1 }, { ok: 2 }]);
    });

    it('answers odd arguments with typed errors: a single tag, a null patch, deep conditions, null filters', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [email()] });
      expect((await crm.customers.tag(customer.id, 'vip')).tags).toEqual(['vip']);
      expect((await crm.customers.untag(customer.id, 'vip')).tags).toEqual([]);
      await expectInvalid(crm.customers.tag(customer.id, 5 as never), ['tags']);
      await expectInvalid(crm.customers.tag(customer.id, null as never), ['tags']);
      await crm.segments.define({ key: 'seg1', name: 'Seg', condition: { kind: 'tag', op: 'has', value: 'vip' } });
      await expectInvalid(crm.segments.update('seg1', null as never), ['patch']);
      let condition: unknown = { kind: 'tag', op: 'has', value: 'vip' };
      for (let level = 0; level < 5000; level++) condition = { kind: 'not', condition };
      await expectInvalid(crm.segments.countWhere(condition as never), ['condition']);
      await expectInvalid(crm.segments.define({ key: 'deep', name: 'Deep', condition: condition as never }), ['segment', 'condition']);
      await expectInvalid(crm.segments.update('seg1', { condition: condition as never }), ['patch', 'condition']);
      await expectInvalid(crm.customers.create({ traits: nested(5000) as never }), ['traits']);
      await expectInvalid(crm.consent.history(customer.id, null as never), ['filter']);
      await expectInvalid(crm.profile({} as never), ['customerId']);
      await expectInvalid(crm.customers.merge(customer.id, {} as never), ['mergedId']);
      expect((await crm.segments.get('seg1')).condition).toEqual({ kind: 'tag', op: 'has', value: 'vip' });
    });

    it('answers empty and huge filter lists, crafted cursors and NUL in ids with validation errors, not storage failures', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [email()] });
      await expectInvalid(crm.interactions.timeline(customer.id, { types: [] }), ['query', 'types']);
      await expectInvalid(crm.interactions.timeline(customer.id, { channels: [] }), ['query', 'channels']);
      const many = Array.from({ length: 70_000 }, (_, index) => `t${index}`);
      await expectInvalid(crm.interactions.timeline(customer.id, { types: many }), ['query', 'types']);
      const tags = Array.from({ length: 25_000 }, (_, index) => `tag${index}`);
      await expectInvalid(crm.customers.tag(customer.id, tags), ['tags']);
      await expectInvalid(crm.customers.untag(customer.id, tags), ['tags']);
      expect((await crm.customers.tag(customer.id, tags.slice(0, 200))).tags).toHaveLength(200);
      for (const position of [{ t: 'abc', id: 'x' }, { t: 2 ** 60, id: 'x' }, { t: 1, id: 5 }, { t: 1.5, id: 'x' }, []]) {
        const cursor = encodeCursor(position as never);
        await expectInvalid(crm.interactions.timeline(customer.id, { cursor }), ['cursor'], 'INVALID_CURSOR');
      }
      for (const cursor of [encodeCursor({ id: 7 }), encodeCursor({ id: 'a\u0000' }), 'not base64 !', 'x'.repeat(5000)]) {
        await expectInvalid(crm.customers.list({ cursor }), ['cursor'], 'INVALID_CURSOR');
      }
      for (const id of ['a\u0000b', 'x\ud800', '', 'y'.repeat(300)]) {
        await expectInvalid(crm.customers.get(id), ['id']);
        await expectInvalid(crm.interactions.timeline(id), ['customerId']);
        await expectInvalid(crm.consent.history(id), ['customerId']);
        await expectInvalid(crm.profile(id), ['customerId']);
        await expectInvalid(crm.segments.get(id), ['key']);
      }
      const nulFilter = await crm.customers.list({ tag: 'a\u0000' }).then(
        (page) => page.items.length,
        (error: unknown) => error,
      );
      if (ctx.storage().capabilities.rejectsNul) expect(isRapportError(nulFilter, 'STORAGE_UNSUPPORTED_VALUE')).toBe(true);
      else expect(nulFilter).toBe(0);
      const found = await crm.customers.find({ type: 'external', namespace: 'pos', value: 'a\u0000' }).catch((error: unknown) => error);
      if (ctx.storage().capabilities.rejectsNul) expect(isRapportError(found, 'STORAGE_UNSUPPORTED_VALUE')).toBe(true);
      else expect(found).toBeNull();
    });
  });
}
