import { memoryStorage } from '@rapport/core';
import { definePlugin } from '@rapport/core/plugin';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { CORE_SUITES, createTestCrm, defineStorageSuite, planConformance, runStorageConformance, TEST_EPOCH } from '../src/index.js';

const ran: string[] = [];

/** A plugin that proves its own behaviour on every storage through a contributed suite. */
const visits = () =>
  definePlugin({
    name: 'acme-visits',
    api: {
      visits: (tenant) => ({
        count: async (customerId: string) => (await tenant.store.interactions.timeline(customerId, { limit: 100 })).items.length,
      }),
    },
    contributes: {
      conformance: [
        defineStorageSuite({
          name: 'acme-visits',
          define: (ctx) =>
            it(`${ctx.name}: counts a customer's visits`, async () => {
              ran.push('acme-visits');
              const crm = await createTestCrm({ storage: ctx.storage(), plugins: [visits()] });
              const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
              await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'page.viewed' });
              expect(await crm.visits.count(customer.id)).toBe(1);
              await crm.close();
            }),
        }),
      ],
    },
  });

runStorageConformance('memory, plugin suites only', () => memoryStorage(), { core: false, plugins: [visits()] });

afterAll(() => {
  // The plugin's contributed suite ran on the storage.
  expect(ran).toEqual(['acme-visits']);
});

describe('planConformance (what runStorageConformance defines)', () => {
  const needsPushdown = defineStorageSuite({ name: 'needs-pushdown', requires: ['segmentPushdown'], define: () => undefined });
  const extra = defineStorageSuite({ name: 'extra', define: () => undefined });

  it("runs core's suites, then the plugins' contributed suites, then the extra ones", () => {
    const plan = planConformance({ plugins: [visits()], suites: [extra] });
    expect(plan.run.map((suite) => suite.name)).toEqual([...CORE_SUITES.map((suite) => suite.name), 'acme-visits', 'extra']);
    expect(plan.skipped).toEqual([]);
  });

  it('skips suites by name and by a capability the storage lacks, saying why', () => {
    const plan = planConformance({ core: false, suites: [needsPushdown, extra], skip: ['segmentPushdown'] });
    expect(plan.run.map((suite) => suite.name)).toEqual(['extra']);
    expect(plan.skipped.map(({ suite, reason }) => `${suite.name}: ${reason}`)).toEqual(['needs-pushdown: needs segmentPushdown']);
    const core = planConformance({ skip: ['merge-concurrency', 'transactions'] });
    // `transactions` is a suite and a capability: the audit log, which needs transactions, goes too.
    expect(core.skipped.map(({ suite, reason }) => `${suite.name}: ${reason}`)).toEqual([
      'transactions: skipped by name',
      'merge-concurrency: skipped by name',
      'audit-log: needs transactions',
    ]);
    expect(core.run).toHaveLength(CORE_SUITES.length - 3);
  });

  it('refuses a skip that names no suite and no capability, and two suites of one name', () => {
    expect(() => planConformance({ skip: ['merge-concurency'] })).toThrow('skip "merge-concurency" names no suite');
    const twice = defineStorageSuite({ name: 'jobs', define: () => undefined });
    expect(() => planConformance({ suites: [twice] })).toThrow('two suites are named "jobs"');
  });
});

describe('createTestCrm', () => {
  it("gives a fake clock, predictable ids, recorded events and the plugins' typed APIs", async () => {
    const crm = await createTestCrm({ plugins: [visits()] });
    expectTypeOf(crm.visits.count).returns.resolves.toEqualTypeOf<number>();
    expect(crm.clock.now().toISOString()).toBe(new Date(TEST_EPOCH).toISOString());
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'phone', value: '07400 123456' }] });
    expect(customer.id).toBe('id-000001');
    expect(customer.identities[0]?.value).toBe('+447400123456');
    expect(crm.recordedOf('customer.created').map((event) => event.customer.id)).toEqual([customer.id]);
    await crm.close();
  });

  it('leaves a shared storage open when the test Crm closes, each test in a tenant of its own', async () => {
    const storage = memoryStorage();
    const first = await createTestCrm({ storage });
    await first.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
    await first.close();
    const second = await createTestCrm({ storage });
    expect(second.tenantId).not.toBe(first.tenantId);
    const { created } = await second.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
    expect(created).toBe(true);
    expect((await storage.forTenant(first.tenantId).customers.list({ limit: 10 })).items).toHaveLength(1);
    await storage.close();
  });
});
