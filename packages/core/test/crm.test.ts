import { createCrm, memoryStorage, ValidationError } from '@rapport/core';
import { FakeClock, sequentialIds } from '@rapport/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { rejection } from './rejection.js';

const traits = z.object({
  tier: z.enum(['bronze', 'silver', 'gold']),
  interests: z.array(z.string()).optional(),
});
const interactionProperties = z.looseObject({ amount: z.number().nonnegative().optional(), sku: z.string().optional() });

const makeCrm = () =>
  createCrm({
    storage: memoryStorage(),
    schema: { traits, interactionProperties },
    clock: new FakeClock('2026-06-01T00:00:00Z'),
    ids: sequentialIds('c'),
    identities: { defaultRegion: 'CN' },
  });

describe("createCrm with the app's schemas", () => {
  it("types reads with the app's trait and property types", async () => {
    const crm = await makeCrm();
    const customer = await crm.customers.create({ traits: { tier: 'gold', name: 'Ada' } });
    expectTypeOf(customer.traits.tier).toEqualTypeOf<'bronze' | 'silver' | 'gold'>();
    expectTypeOf(customer.traits.name).toEqualTypeOf<string | undefined>();
    const recorded = await crm.interactions.record({
      customerId: customer.id,
      channel: 'web',
      type: 'purchase',
      properties: { amount: 3, sku: 'A' },
    });
    if (recorded.status === 'stored') expectTypeOf(recorded.interaction.properties.sku).toEqualTypeOf<string | undefined>();
    expect(customer.traits).toEqual({ tier: 'gold', name: 'Ada' });
  });

  it('validates writes against the schema, naming the field, and writes nothing', async () => {
    const crm = await makeCrm();
    const error = await rejection(
      crm.customers.create({ identities: [{ type: 'email', value: 'a@b.io' }], traits: { tier: 'platinum' as 'gold' } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toEqual(['traits', 'tier']);
    expect(await crm.customers.find({ type: 'email', value: 'a@b.io' })).toBeNull();
    const unknownKey = await rejection(crm.customers.create({ traits: { tier: 'gold', tierr: 'typo' } as never }));
    expect(unknownKey.message).toContain('traits');
    const badStandard = await rejection(crm.customers.create({ traits: { tier: 'gold', birthday: '1990-13-45', timezone: 'Mars/Base' } }));
    expect((badStandard as ValidationError).issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'traits.birthday',
      'traits.timezone',
    ]);
  });

  it('patches traits and validates the merged result', async () => {
    const crm = await makeCrm();
    const customer = await crm.customers.create({ traits: { tier: 'bronze', interests: ['jazz'], name: 'Cai' } });
    const updated = await crm.customers.update(customer.id, { traits: { tier: 'silver', name: null } });
    expect(updated.traits).toEqual({ tier: 'silver', interests: ['jazz'] });
    expect(updated.version).toBe(2);
    const error = await rejection(crm.customers.update(customer.id, { traits: { tier: null } }));
    expect((error as ValidationError).issues[0]?.path).toEqual(['traits', 'tier']);
  });

  it('rejects bad input with typed errors naming the field', async () => {
    const crm = await makeCrm();
    expect(
      (await rejection(crm.customers.create({ identities: [{ type: 'email', value: 'nope' }], traits: { tier: 'gold' } }))).message,
    ).toContain('identities.0.value');
    expect(
      (await rejection(crm.customers.create({ identities: [{ type: 'phone', value: '123' }], traits: { tier: 'gold' } }))).message,
    ).toContain('default region CN');
    expect(
      (await rejection(crm.customers.create({ identities: [{ type: 'fax', value: '1' } as never], traits: { tier: 'gold' } }))).message,
    ).toContain('identities.0.type');
    expect((await rejection(crm.customers.get('nobody'))).code).toBe('CUSTOMER_NOT_FOUND');
    expect((await rejection(crm.customers.get(''))).code).toBe('INVALID_INPUT');
    expect((await rejection(crm.consent.grant({ customerId: 'nobody', purpose: 'marketing', source: 'x' }))).code).toBe(
      'CUSTOMER_NOT_FOUND',
    );
    expect(
      (
        await rejection(
          crm.segments.define({ key: 'x', name: 'X', condition: { kind: 'trait', field: 'a', op: 'like' as 'eq', value: 1 } }),
        )
      ).message,
    ).toContain('segment.condition.op');
    expect((await rejection(crm.customers.list({ cursor: 'garbage!' }))).code).toBe('INVALID_CURSOR');
    expect((await rejection(crm.customers.list({ limit: 0 }))).message).toContain('query.limit');
    const customer = await crm.customers.create({ traits: { tier: 'gold' } });
    expect(
      (await rejection(crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: -1 } })))
        .message,
    ).toContain('properties.amount');
    expect((await rejection(crm.interactions.record({ channel: 'web', type: 'view' } as never))).message).toContain(
      'customerId: give either customerId or identity',
    );
  });

  it('fails on bad Crm options, naming the option', async () => {
    const error = await rejection(createCrm({ storage: memoryStorage(), identities: { defaultRegion: 'china' as 'CN' } }));
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.message).toContain('options.identities.defaultRegion');
  });
});

describe('Crm services', () => {
  it('tags, untags, adds and removes identities, and emits events after each change', async () => {
    const crm = await makeCrm();
    const seen: string[] = [];
    crm.events.on('customer.updated', ({ changed }) => void seen.push(changed.join(',')));
    const customer = await crm.customers.create({ identities: [{ type: 'email', value: 'tags@x.io' }], traits: { tier: 'gold' } });
    await crm.customers.tag(customer.id, ['vip', 'vip', 'beta']);
    await crm.customers.untag(customer.id, ['beta', 'absent']);
    await crm.customers.addIdentity(customer.id, { type: 'phone', value: '13800138000' });
    expect((await crm.customers.find({ type: 'phone', value: '+86 138 0013 8000' }))?.id).toBe(customer.id);
    await crm.customers.removeIdentity(customer.id, { type: 'phone', value: '+8613800138000' });
    expect((await rejection(crm.customers.removeIdentity(customer.id, { type: 'phone', value: '+8613800138000' }))).code).toBe(
      'IDENTITY_NOT_FOUND',
    );
    const last = await rejection(crm.customers.removeIdentity(customer.id, { type: 'email', value: 'tags@x.io' }));
    expect([last.code, last.kind]).toEqual(['CUSTOMER_LAST_IDENTITY', 'conflict']);
    const read = await crm.customers.get(customer.id);
    expect(read.tags).toEqual(['vip']);
    expect(read.identities).toEqual([{ type: 'email', namespace: '', value: 'tags@x.io' }]);
    expect(seen).toEqual(['tags', 'tags', 'identities', 'identities']);
  });

  it('upsert reports identities that belong to someone else instead of stealing them', async () => {
    const crm = await makeCrm();
    const a = await crm.customers.create({ identities: [{ type: 'email', value: 'a@x.io' }], traits: { tier: 'gold' } });
    const b = await crm.customers.create({
      identities: [{ type: 'external', namespace: 'wechat', value: 'wx-b' }],
      traits: { tier: 'gold' },
    });
    const result = await crm.customers.upsert({
      identities: [
        { type: 'email', value: 'A@x.io' },
        { type: 'external', namespace: 'wechat', value: 'wx-b' },
      ],
    });
    expect(result.customer.id).toBe(a.id);
    expect(result.unlinked).toEqual([{ identity: { type: 'external', namespace: 'wechat', value: 'wx-b' }, customerId: b.id }]);
    expect((await crm.customers.get(b.id)).identities).toHaveLength(1);
  });

  it('keeps the consent ledger and answers with the deciding record', async () => {
    const crm = await makeCrm();
    const customer = await crm.customers.create({ traits: { tier: 'gold' } });
    const changes: string[] = [];
    crm.events.on('consent.changed', ({ record }) => void changes.push(`${record.status}:${record.channel}`));
    const grant = await crm.consent.grant({
      customerId: customer.id,
      purpose: 'marketing',
      source: 'checkout',
      noticeVersion: 'v2',
      proof: { ip: '198.51.100.7' },
    });
    expect((await crm.consent.check({ customerId: customer.id, purpose: 'marketing', channel: 'sms' })).decidedBy?.id).toBe(grant.id);
    await crm.consent.withdraw({
      customerId: customer.id,
      purpose: 'marketing',
      channel: 'sms',
      source: 'STOP reply',
    });
    expect((await crm.consent.check({ customerId: customer.id, purpose: 'marketing', channel: 'sms' })).status).toBe('denied');
    expect((await crm.consent.check({ customerId: customer.id, purpose: 'marketing', channel: 'email' })).status).toBe('granted');
    expect((await crm.consent.check({ customerId: customer.id, purpose: 'analytics' })).status).toBe('unknown');
    expect((await crm.consent.history(customer.id)).map((record) => record.status)).toEqual(['granted', 'withdrawn']);
    expect((await crm.consent.states(customer.id)).map((state) => `${state.channel}:${state.status}`)).toEqual(['*:granted', 'sms:denied']);
    expect(changes).toEqual(['granted:*', 'withdrawn:sms']);
  });

  it("re-evaluates a customer's segments on change when refreshOnChange is on", async () => {
    const crm = await createCrm({
      storage: memoryStorage(),
      segments: { refreshOnChange: true },
      clock: new FakeClock('2026-06-01T00:00:00Z'),
    });
    const events: string[] = [];
    crm.events.on('segment.entered', ({ segmentKey }) => void events.push(`+${segmentKey}`));
    crm.events.on('segment.exited', ({ segmentKey }) => void events.push(`-${segmentKey}`));
    await crm.segments.define({
      key: 'big-spenders',
      name: 'Big spenders',
      condition: { kind: 'metric', field: 'totalSpend', op: 'gte', value: 100 },
    });
    await crm.segments.define({
      key: 'opted-in',
      name: 'Opted in',
      condition: { kind: 'consent', purpose: 'marketing', status: 'granted' },
    });
    const customer = await crm.customers.create({});
    await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: 150 } });
    await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', source: 'web' });
    await crm.consent.withdraw({ customerId: customer.id, purpose: 'marketing', source: 'web' });
    expect(events).toEqual(['+big-spenders', '+opted-in', '-opted-in']);
    expect(await crm.segments.count('big-spenders')).toBe(1);
    expect((await crm.segments.members('big-spenders')).items.map((member) => member.id)).toEqual([customer.id]);
    expect(await crm.segments.countWhere({ kind: 'metric', field: 'totalSpend', op: 'gt', value: 200 })).toBe(0);
  });

  it('keeps a throwing listener from breaking the write or other listeners', async () => {
    const failures: string[] = [];
    const crm = await createCrm({
      storage: memoryStorage(),
      onListenerError: (error, event) => void failures.push(`${event}: ${(error as Error).message}`),
    });
    let delivered = 0;
    crm.events.on('customer.created', () => {
      throw new Error('listener bug');
    });
    crm.events.on('customer.created', async () => Promise.reject(new Error('async bug')));
    crm.events.on('customer.created', () => void delivered++);
    const customer = await crm.customers.create({});
    await new Promise((resolve) => setImmediate(resolve));
    expect((await crm.customers.get(customer.id)).id).toBe(customer.id);
    expect(delivered).toBe(1);
    expect(failures).toEqual(['customer.created: listener bug', 'customer.created: async bug']);
  });

  it('builds the 360° profile', async () => {
    const crm = await makeCrm();
    const customer = await crm.customers.create({ identities: [{ type: 'email', value: 'p@x.io' }], traits: { tier: 'silver' } });
    for (let day = 1; day <= 3; day++) {
      await crm.interactions.record({
        customerId: customer.id,
        channel: 'web',
        type: 'page_view',
        occurredAt: new Date(Date.UTC(2026, 4, day)),
      });
    }
    await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', channel: 'email', source: 'web' });
    await crm.segments.define({
      key: 'silver',
      name: 'Silver tier',
      condition: { kind: 'trait', field: 'tier', op: 'eq', value: 'silver' },
    });
    const profile = await crm.profile(customer.id, { timelineLimit: 2 });
    expect(profile.customer.id).toBe(customer.id);
    expect(profile.timeline.map((item) => item.occurredAt.getUTCDate())).toEqual([3, 2]);
    expect(profile.consents.map((state) => `${state.purpose}/${state.channel}=${state.status}`)).toEqual(['marketing/email=granted']);
    expect(profile.segments).toEqual([{ key: 'silver', name: 'Silver tier', enteredAt: null }]);
  });
});

describe('tenants', () => {
  it("keeps each tenant's customers, identities and segments apart in one storage", async () => {
    const crm = await createCrm({ storage: memoryStorage(), tenant: 'shop-a' });
    const shopB = crm.forTenant('shop-b');
    const a = await crm.customers.upsert({ identities: [{ type: 'email', value: 'same@x.io' }] });
    const b = await shopB.customers.upsert({ identities: [{ type: 'email', value: 'same@x.io' }] });
    expect(a.created && b.created).toBe(true);
    expect(a.customer.id).not.toBe(b.customer.id);
    expect((await rejection(shopB.customers.get(a.customer.id))).code).toBe('CUSTOMER_NOT_FOUND');
    await crm.segments.define({ key: 'all', name: 'All', condition: { kind: 'metric', field: 'interactionCount', op: 'gte', value: 0 } });
    expect((await rejection(shopB.segments.get('all'))).code).toBe('SEGMENT_NOT_FOUND');
    expect(crm.forTenant('shop-b')).toBe(shopB);
    expect(shopB.tenantId).toBe('shop-b');
    expect((await rejection(Promise.resolve().then(() => crm.forTenant('bad tenant!')))).message).toContain('tenantId');
  });
});
