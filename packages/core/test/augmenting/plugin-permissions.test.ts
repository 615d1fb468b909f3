import { createCrm, isRapportError, memoryStorage, type Permission } from '@rapport/core';
import { column, definePlugin, defineTable, type TenantContext } from '@rapport/core/plugin';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

// A plugin's permission joins the permission names by declaration merging.
declare module '@rapport/core' {
  interface RapportPermissions {
    'punch:redeem': true;
  }
}

class PunchCard {
  private readonly punches = new Map<string, number>();
  constructor(readonly tenant: TenantContext) {}
  async punch(customerId: string): Promise<number> {
    const punches = (this.punches.get(customerId) ?? 0) + 1;
    this.punches.set(customerId, punches);
    return punches;
  }
  async redeem(customerId: string): Promise<boolean> {
    return (this.punches.get(customerId) ?? 0) >= 2;
  }
  async reset(): Promise<void> {
    this.punches.clear();
  }
}

const punchCards = () =>
  definePlugin({
    name: 'acme-punch',
    permissions: ['punch:redeem'],
    access: { punches: { punch: 'customers:write', redeem: 'punch:redeem' } },
    api: { punches: (tenant) => new PunchCard(tenant) },
  });

const notesTable = defineTable('notes', {
  columns: {
    id: column.text({ maxLength: 64 }),
    customerId: column.text({ maxLength: 64 }).customerRef(),
    body: column.text({ maxLength: 500 }).personal(),
    kind: column.text({ maxLength: 32 }),
  },
  primaryKey: ['id'],
});

const notes = () =>
  definePlugin({
    name: 'acme-notes',
    tables: [notesTable],
    access: { notes: { add: 'customers:write', list: 'customers:read' } },
    api: {
      notes: (tenant) => ({
        add: (id: string, customerId: string, body: string) =>
          tenant.store.table(notesTable).insert({ id, customerId, body, kind: 'call' }),
        list: async (customerId: string) => (await tenant.store.table(notesTable).find({ where: { customerId } })).items,
      }),
    },
  });

const forbidden = async (call: () => Promise<unknown>) => {
  const error = await call().catch((caught: unknown) => caught);
  return isRapportError(error, 'ACCESS_FORBIDDEN') ? error.details : null;
};

describe('plugin permissions', () => {
  it('checks a plugin API method against the rule its plugin gives, and a method without one against admin', async () => {
    const crm = await createCrm({ storage: memoryStorage(), plugins: [punchCards()], access: { roles: { till: ['punch:redeem'] } } });
    const till = crm.as({ id: 'till-1', kind: 'service', roles: ['till'] });
    expectTypeOf(till.punches).toEqualTypeOf<PunchCard>();
    expect(await forbidden(() => till.punches.punch('c1'))).toEqual({
      actorId: 'till-1',
      operation: 'punches.punch',
      permission: 'customers:write',
    });
    expect(await till.punches.redeem('c1')).toBe(false);
    const writer = crm.as({ id: 'w', kind: 'service', permissions: ['customers:write'] });
    await writer.punches.punch('c1');
    await writer.punches.punch('c1');
    expect(await forbidden(() => writer.punches.redeem('c1'))).toEqual({
      actorId: 'w',
      operation: 'punches.redeem',
      permission: 'punch:redeem',
    });
    expect(await till.punches.redeem('c1')).toBe(true);
    // No rule for reset: admin only.
    expect(await forbidden(() => writer.punches.reset())).toEqual({ actorId: 'w', operation: 'punches.reset', permission: 'admin' });
    await crm.as({ id: 'root', kind: 'system', permissions: ['admin'] }).punches.reset();
    expect(await crm.punches.redeem('c1')).toBe(false);
    await crm.close();
  });

  it('types permission names: a misspelt one fails to compile, and an undeclared one is refused at run time', async () => {
    expectTypeOf<'punch:redeem'>().toExtend<Permission>();
    expectTypeOf<'customers:read'>().toExtend<Permission>();
    // @ts-expect-error: no such permission
    const misspelt: Permission = 'customers:raed';
    // A plugin's permission is known at run time only when the plugin is installed.
    const crm = await createCrm({ storage: memoryStorage() });
    const error = (() => {
      try {
        crm.as({ id: 'u', kind: 'user', permissions: ['punch:redeem', misspelt] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isRapportError(error, 'ACCESS_UNKNOWN_PERMISSION')).toBe(true);
    expect((error as { details: { issues: { path: unknown[] }[] } }).details.issues.map((issue) => issue.path)).toEqual([
      ['actor', 'permissions', 0],
      ['actor', 'permissions', 1],
    ]);
    await crm.close();
  });

  it("keeps the app's trait types and the plugins' APIs on a Crm bound to an actor, and on its other tenants", async () => {
    const crm = await createCrm({
      storage: memoryStorage(),
      plugins: [punchCards()],
      schema: { traits: z.object({ tier: z.enum(['gold', 'silver']).optional() }) },
    });
    const bound = crm.as({ id: 'u', kind: 'user', permissions: ['customers:read'] });
    expectTypeOf(bound).toEqualTypeOf<typeof crm>();
    expectTypeOf(bound.forTenant('t2').punches).toEqualTypeOf<PunchCard>();
    const customer = await crm.customers.create({ identities: [{ type: 'email', value: 'g@example.com' }], traits: { tier: 'gold' } });
    const read = await bound.forTenant(crm.tenantId).customers.get(customer.id);
    expectTypeOf(read.traits.tier).toEqualTypeOf<'gold' | 'silver' | undefined>();
    expect(read.traits.tier).toBe('gold');
    await crm.close();
  });

  it('masks the personal columns of plugin table rows a plugin API returns, for an actor without pii:read', async () => {
    const crm = await createCrm({ storage: memoryStorage(), plugins: [notes()] });
    await crm.notes.add('n1', 'c1', 'Said her phone is +447911123456');
    const reader = crm.as({ id: 'r', kind: 'user', permissions: ['customers:read'] });
    expect(await reader.notes.list('c1')).toEqual([{ id: 'n1', customerId: 'c1', body: 'S***', kind: 'call' }]);
    const trusted = crm.as({ id: 't', kind: 'user', permissions: ['customers:read', 'pii:read'] });
    expect((await trusted.notes.list('c1'))[0]?.body).toBe('Said her phone is +447911123456');
    await crm.close();
  });
});
