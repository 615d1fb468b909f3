import {
  type Crm,
  type CrmOptions,
  createCrm,
  type HookHandlers,
  type IdentityInput,
  isRapportError,
  type RapportPlugin,
  type RecordInteractionInput,
} from '@rapport/core';
import { definePlugin, type TenantStore } from '@rapport/core/plugin';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { anInteraction, uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';

/** A Crm over the storage under test with the given plugins and app hooks, on a fresh tenant. */
function crmWith(ctx: ConformanceContext, options: Omit<CrmOptions, 'storage' | 'tenant'> = {}): Promise<Crm> {
  return createCrm({ ...options, storage: ctx.storage(), tenant: uniqueId('hooks') }) as Promise<Crm>;
}

/** A plugin that only contributes hooks. */
function hookPlugin(name: string, hooks: HookHandlers, dependsOn?: string[]): RapportPlugin {
  return definePlugin({ name, hooks, ...(dependsOn ? { dependsOn } : {}) });
}

/** Everything stored for the tenant, read past the services: what a veto must leave untouched. */
async function storedState(store: TenantStore): Promise<{ customers: number; interactions: number }> {
  const customers = (await store.customers.list({ limit: 1000 })).items;
  let interactions = 0;
  for (const customer of customers) interactions += (await store.interactions.timeline(customer.id, { limit: 1000 })).items.length;
  return { customers: customers.length, interactions };
}

/** Writes a row through the hook's transaction, so a test sees whether it committed with the operation. */
async function auditRow(store: TenantStore, customerId: string, note: string): Promise<void> {
  await store.interactions.insertMany([
    anInteraction(store.tenantId, customerId, { channel: 'hook', type: 'audit', properties: { note }, idempotencyKey: uniqueId('audit') }),
  ]);
}

const email = (value: string): IdentityInput => ({ type: 'email', value });

/** Runs the calls at once, in a random order, and fails if any failed. */
async function allAtOnce(calls: (() => Promise<unknown>)[]): Promise<void> {
  const shuffled = [...calls].sort(() => Math.random() - 0.5);
  const results = await Promise.allSettled(shuffled.map((call) => call()));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/**
 * Hooks on every storage: a hook's change is what is stored (re-validated), a veto or a
 * throwing hook leaves nothing written (checked in the database, including the hook's own
 * writes through its transaction), hooks run in plugin dependency order then the app's, a
 * veto in a batch rejects only its item, and hooks racing with merges lose nothing.
 */
export function hooksSuite(ctx: ConformanceContext, rounds: number): void {
  describe(`${ctx.name}: hooks`, () => {
    it('stores what customer.beforeCreate returns, and a hook writes through the same transaction', async () => {
      const crm = await crmWith(ctx, {
        hooks: {
          'customer.beforeCreate': (customer, hook) => {
            expect(hook.tenantId).toBe(crm.tenantId);
            expect(hook.clock.now()).toBeInstanceOf(Date);
            return { ...customer, tags: [...customer.tags, 'vip'], traits: { ...customer.traits, source: 'hook' } };
          },
        },
      });
      const created = await crm.customers.create({ identities: [email(`${uniqueId('c')}@hooks.io`)], tags: ['new'] });
      expect(created.tags).toEqual(['new', 'vip']);
      const stored = await ctx.storage().forTenant(crm.tenantId).customers.get(created.id);
      expect(stored?.tags.sort()).toEqual(['new', 'vip']);
      expect(stored?.traits).toEqual({ source: 'hook' });
      // upsert of someone new and an interaction for an unknown identity create through the same hook
      const { customer: upserted } = await crm.customers.upsert({ identities: [email(`${uniqueId('u')}@hooks.io`)] });
      expect((await crm.customers.get(upserted.id)).tags).toEqual(['vip']);
      const unknown = email(`${uniqueId('i')}@hooks.io`);
      await crm.interactions.record({ identity: unknown, channel: 'web', type: 'page_view' });
      expect((await crm.customers.find(unknown))?.traits).toEqual({ source: 'hook' });
    });

    it('stores what customer.beforeUpdate returns, on update, tag, upsert and identity changes, with the current record', async () => {
      const seen: { changed: readonly string[]; currentVersion: number }[] = [];
      const crm = await crmWith(ctx, {
        hooks: {
          'customer.beforeUpdate': (next, hook) => {
            seen.push({ changed: hook.changed, currentVersion: hook.current.version });
            return { ...next, traits: { ...next.traits, touched: (Number(hook.current.traits.touched) || 0) + 1 } };
          },
        },
      });
      const identity = email(`${uniqueId('c')}@hooks.io`);
      const customer = await crm.customers.create({ identities: [identity] });
      await crm.customers.update(customer.id, { traits: { firstName: 'Ada' } });
      await crm.customers.tag(customer.id, 'gold');
      await crm.customers.upsert({ identities: [identity], lifecycleStage: 'customer' });
      await crm.customers.addIdentity(customer.id, { type: 'phone', value: '+447911123456' });
      const stored = await ctx.storage().forTenant(crm.tenantId).customers.get(customer.id);
      expect(stored?.traits).toEqual({ firstName: 'Ada', touched: 4 });
      expect(stored?.tags).toEqual(['gold']);
      expect(stored?.lifecycleStage).toBe('customer');
      expect(stored?.identities).toHaveLength(2);
      expect(seen.map((entry) => entry.changed)).toEqual([['traits.firstName'], ['tags'], ['lifecycleStage'], ['identities']]);
      expect(seen.map((entry) => entry.currentVersion)).toEqual([1, 2, 3, 4]);
    });

    it('stores what interaction.beforeRecord returns, re-validated with the app’s properties schema', async () => {
      const crm = await crmWith(ctx, {
        schema: { interactionProperties: z.object({ amount: z.number().optional(), currency: z.string().length(3).optional() }) },
        hooks: {
          'interaction.beforeRecord': (interaction) => ({ ...interaction, properties: { ...interaction.properties, currency: 'EUR' } }),
        },
      });
      const customer = await crm.customers.create({ identities: [email(`${uniqueId('c')}@hooks.io`)] });
      const outcome = await crm.interactions.record({
        customerId: customer.id,
        channel: 'pos',
        type: 'purchase',
        properties: { amount: 12 },
      });
      expect(outcome.status).toBe('stored');
      const [stored] = (await ctx.storage().forTenant(crm.tenantId).interactions.timeline(customer.id, { limit: 10 })).items;
      expect(stored?.properties).toEqual({ amount: 12, currency: 'EUR' });
      expect((await crm.customers.get(customer.id)).metrics.totalSpend).toBe(12);
    });

    it('a veto writes nothing: no customer, no interaction, not the hook’s own rows, and names hook, plugin and reason', async () => {
      const crm = await crmWith(ctx, {
        plugins: [
          hookPlugin('@example/guard', {
            'customer.beforeUpdate': async (_next, hook) => {
              await auditRow(hook.store, hook.current.id, 'before the veto');
              hook.veto('frozen account', { rule: 'freeze' });
            },
            'customer.beforeCreate': (customer, hook) => (customer.tags.includes('blocked') ? hook.veto('blocked tag') : undefined),
            'interaction.beforeRecord': (interaction, hook) => (interaction.type === 'spam' ? hook.veto('spam') : undefined),
          }),
        ],
      });
      const store = ctx.storage().forTenant(crm.tenantId);
      const customer = await crm.customers.create({ identities: [email(`${uniqueId('c')}@hooks.io`)] });
      const before = await storedState(store);

      const update = await crm.customers.update(customer.id, { traits: { firstName: 'Eve' } }).catch((error: unknown) => error);
      expect(isRapportError(update, 'HOOK_VETOED')).toBe(true);
      if (!isRapportError(update, 'HOOK_VETOED')) return;
      expect(update.kind).toBe('forbidden');
      expect(update.details).toEqual({ hook: 'customer.beforeUpdate', plugin: '@example/guard', reason: 'frozen account', rule: 'freeze' });
      expect(await store.customers.get(customer.id)).toMatchObject({ version: 1, traits: {} });

      const blockedIdentity = email(`${uniqueId('b')}@hooks.io`);
      const create = await crm.customers.create({ identities: [blockedIdentity], tags: ['blocked'] }).catch((error: unknown) => error);
      expect(isRapportError(create, 'HOOK_VETOED') && create.details.reason).toBe('blocked tag');
      const upsert = await crm.customers.upsert({ identities: [blockedIdentity], tags: ['blocked'] }).catch((error: unknown) => error);
      expect(isRapportError(upsert, 'HOOK_VETOED')).toBe(true);
      expect(await crm.customers.find(blockedIdentity)).toBeNull();

      const record = await crm.interactions
        .record({ customerId: customer.id, channel: 'web', type: 'spam' })
        .catch((error: unknown) => error);
      expect(isRapportError(record, 'HOOK_VETOED') && record.details).toEqual({
        hook: 'interaction.beforeRecord',
        plugin: '@example/guard',
        reason: 'spam',
      });
      expect(await storedState(store)).toEqual(before);
      expect((await store.customers.get(customer.id))?.metrics.interactionCount).toBe(0);
    });

    it('runs hooks in plugin dependency order, then the app’s; a veto stops the rest', async () => {
      const trail = (owner: string): HookHandlers => ({
        'customer.beforeCreate': (customer, hook) => {
          expect(hook.plugin).toBe(owner);
          if (customer.traits.stopAt === owner) hook.veto(`stopped at ${owner}`);
          return { ...customer, traits: { ...customer.traits, trail: `${customer.traits.trail ?? ''}>${owner}` } };
        },
      });
      const crm = await crmWith(ctx, {
        // Listed against their order: @example/c needs b, b needs a.
        plugins: [
          hookPlugin('@example/c', trail('@example/c'), ['@example/b']),
          hookPlugin('@example/a', trail('@example/a')),
          hookPlugin('@example/b', trail('@example/b'), ['@example/a']),
        ],
        hooks: trail('app'),
      });
      const created = await crm.customers.create({ identities: [email(`${uniqueId('o')}@hooks.io`)] });
      expect(created.traits.trail).toBe('>@example/a>@example/b>@example/c>app');
      expect((await ctx.storage().forTenant(crm.tenantId).customers.get(created.id))?.traits.trail).toBe(
        '>@example/a>@example/b>@example/c>app',
      );
      const stopped = await crm.customers.create({ traits: { stopAt: '@example/b' } }).catch((error: unknown) => error);
      expect(isRapportError(stopped, 'HOOK_VETOED') && stopped.details.plugin).toBe('@example/b');
      expect((await storedState(ctx.storage().forTenant(crm.tenantId))).customers).toBe(1);
    });

    it('in recordMany a veto rejects only its item, with the reason in the report; a vetoed new person gets no record', async () => {
      const crm = await crmWith(ctx, {
        hooks: {
          'interaction.beforeRecord': (interaction, hook) =>
            interaction.properties.bad ? hook.veto(`bad #${interaction.properties.n}`) : undefined,
          'customer.beforeCreate': (customer, hook) =>
            customer.identities.some((identity) => identity.value.startsWith('nobody')) ? hook.veto('no strangers') : undefined,
        },
      });
      const customer = await crm.customers.create({ identities: [email(`${uniqueId('c')}@hooks.io`)] });
      const stranger = email(`nobody-${uniqueId('s')}@hooks.io`);
      const inputs: RecordInteractionInput[] = Array.from({ length: 10 }, (_, n) => ({
        customerId: customer.id,
        channel: 'web',
        type: 'purchase',
        properties: { n, bad: n % 3 === 0, amount: 1 },
        idempotencyKey: uniqueId('k'),
      }));
      inputs.push({ identity: stranger, channel: 'web', type: 'page_view' }, { identity: stranger, channel: 'web', type: 'click' });
      const report = await crm.interactions.recordMany(inputs);
      expect(report).toMatchObject({ stored: 6, rejected: 6, duplicates: 0 });
      for (const [index, outcome] of report.outcomes.entries()) {
        if (index >= 10 || index % 3 === 0) {
          expect(outcome.status, `item ${index}`).toBe('rejected');
          if (outcome.status !== 'rejected') continue;
          expect(outcome.error.code).toBe('HOOK_VETOED');
          expect(outcome.error.details.reason).toBe(index >= 10 ? 'no strangers' : `bad #${index}`);
        } else expect(outcome.status, `item ${index}`).toBe('stored');
      }
      const store = ctx.storage().forTenant(crm.tenantId);
      const stored = (await store.interactions.timeline(customer.id, { limit: 100 })).items;
      expect(stored.map((interaction) => interaction.properties.n).sort()).toEqual([1, 2, 4, 5, 7, 8]);
      expect((await store.customers.get(customer.id))?.metrics).toMatchObject({ purchaseCount: 6, totalSpend: 6 });
      expect(await crm.customers.find(stranger)).toBeNull();
    });

    it('a hook that throws fails the operation with HOOK_FAILED naming hook and plugin, and writes nothing', async () => {
      const boom = new Error('lookup service down');
      const crm = await crmWith(ctx, {
        plugins: [
          hookPlugin('@example/flaky', {
            'customer.beforeCreate': async (_customer, hook) => {
              // a row of its own, for an existing customer, before it throws: rolled back with the create
              const [someone] = (await hook.store.customers.list({ limit: 1 })).items;
              if (someone) await auditRow(hook.store, someone.id, 'before the throw');
              throw boom;
            },
          }),
        ],
      });
      const store = ctx.storage().forTenant(crm.tenantId);
      const existing = await crm.interactions
        .record({ identity: email(`${uniqueId('x')}@hooks.io`), channel: 'web', type: 'x' })
        .catch((error: unknown) => error);
      expect(isRapportError(existing, 'HOOK_FAILED')).toBe(true);
      expect(await storedState(store)).toEqual({ customers: 0, interactions: 0 });

      const failure = await crm.customers.create({ identities: [email(`${uniqueId('f')}@hooks.io`)] }).catch((error: unknown) => error);
      expect(isRapportError(failure, 'HOOK_FAILED')).toBe(true);
      if (!isRapportError(failure, 'HOOK_FAILED')) return;
      expect(failure.details).toEqual({ hook: 'customer.beforeCreate', plugin: '@example/flaky', reason: 'lookup service down' });
      expect(failure.cause).toBe(boom);
      expect(await storedState(store)).toEqual({ customers: 0, interactions: 0 });
    });

    it('rejects a change to an immutable field or one the schema refuses (HOOK_INVALID_CHANGE), and an edit in place', async () => {
      const crm = await crmWith(ctx, {
        schema: { traits: z.object({ tier: z.enum(['gold', 'silver']).optional() }) },
        hooks: {
          'customer.beforeCreate': (customer) => {
            if (customer.tags.includes('rekey')) return { ...customer, id: 'another-id', version: 7 };
            if (customer.tags.includes('platinum')) return { ...customer, traits: { ...customer.traits, tier: 'platinum' } };
            if (customer.tags.includes('in-place')) (customer.tags as string[]).push('sneaky');
            return undefined;
          },
          'interaction.beforeRecord': (interaction) =>
            interaction.type === 'rekey' ? { ...interaction, customerId: 'someone-else', idempotencyKey: 'stolen' } : undefined,
        },
      });
      const store = ctx.storage().forTenant(crm.tenantId);
      const rekey = await crm.customers.create({ tags: ['rekey'] }).catch((error: unknown) => error);
      expect(isRapportError(rekey, 'HOOK_INVALID_CHANGE') && rekey.details.issues.map((issue) => issue.path)).toEqual([
        ['id'],
        ['version'],
      ]);
      const platinum = await crm.customers.create({ tags: ['platinum'] }).catch((error: unknown) => error);
      expect(isRapportError(platinum, 'HOOK_INVALID_CHANGE')).toBe(true);
      if (isRapportError(platinum, 'HOOK_INVALID_CHANGE')) {
        expect(platinum.details).toMatchObject({ hook: 'customer.beforeCreate', plugin: 'app' });
        expect(platinum.details.issues.map((issue) => issue.path)).toEqual([['traits', 'tier']]);
      }
      const inPlace = await crm.customers.create({ tags: ['in-place'] }).catch((error: unknown) => error);
      expect(isRapportError(inPlace, 'HOOK_FAILED')).toBe(true);
      expect((await storedState(store)).customers).toBe(0);
      const customer = await crm.customers.create({ identities: [email(`${uniqueId('c')}@hooks.io`)] });
      const record = await crm.interactions
        .record({ customerId: customer.id, channel: 'web', type: 'rekey', idempotencyKey: uniqueId('k') })
        .catch((error: unknown) => error);
      expect(isRapportError(record, 'HOOK_INVALID_CHANGE') && record.details.issues.map((issue) => issue.path)).toEqual([
        ['customerId'],
        ['idempotencyKey'],
      ]);
      expect(await storedState(store)).toEqual({ customers: 1, interactions: 0 });
    });

    it(`hooks racing with merges lose nothing and write their rows once (${rounds} rounds)`, async () => {
      const crm = await crmWith(ctx, {
        plugins: [
          hookPlugin('@example/audit', {
            'customer.beforeUpdate': async (next, hook) => {
              await auditRow(hook.store, hook.current.id, hook.changed.join(','));
              return { ...next, tags: [...new Set([...next.tags, 'audited'])] };
            },
            'interaction.beforeRecord': (interaction, hook) =>
              interaction.properties.veto
                ? hook.veto('vetoed')
                : { ...interaction, properties: { ...interaction.properties, hooked: true } },
          }),
        ],
      });
      const store = ctx.storage().forTenant(crm.tenantId);
      const purchases = (customerId: string, count: number): RecordInteractionInput[] => [
        ...Array.from({ length: count }, () => ({
          customerId,
          channel: 'web',
          type: 'purchase',
          properties: { amount: 2 },
          idempotencyKey: uniqueId('k'),
        })),
        { customerId, channel: 'web', type: 'purchase', properties: { amount: 100, veto: true }, idempotencyKey: uniqueId('k') },
      ];
      for (let round = 0; round < rounds; round++) {
        const a = await crm.customers.create({ identities: [email(`a-${round}-${uniqueId('r')}@race.io`)] });
        const b = await crm.customers.create({ identities: [email(`b-${round}-${uniqueId('r')}@race.io`)] });
        await allAtOnce([
          () => crm.customers.merge(a.id, b.id),
          () => crm.customers.tag(b.id, 'from-b'),
          () => crm.customers.update(a.id, { traits: { firstName: `A${round}` } }),
          () => crm.interactions.recordMany(purchases(a.id, 3)),
          () => crm.interactions.recordMany(purchases(b.id, 3)),
        ]);
        const survivor = await crm.customers.get(b.id);
        expect(survivor.id).toBe(a.id);
        expect(survivor.tags.sort()).toEqual(['audited', 'from-b']);
        expect(survivor.traits.firstName).toBe(`A${round}`);
        expect(survivor.metrics).toMatchObject({ purchaseCount: 6, totalSpend: 12 });
        const onSurvivor = (await store.interactions.timeline(a.id, { limit: 100 })).items;
        expect(
          onSurvivor
            .filter((interaction) => interaction.type === 'purchase')
            .every((interaction) => interaction.properties.hooked === true),
        ).toBe(true);
        expect(onSurvivor.filter((interaction) => interaction.type === 'purchase')).toHaveLength(6);
        // one audit row per update that committed (two), however often either was retried
        expect(onSurvivor.filter((interaction) => interaction.type === 'audit')).toHaveLength(2);
        expect((await store.interactions.timeline(b.id, { limit: 100 })).items).toHaveLength(0);
      }
    });
  });
}
