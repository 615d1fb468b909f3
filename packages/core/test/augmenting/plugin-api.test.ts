import { type CrmCore, createCrm, isRapportError, memoryStorage } from '@rapport/core';
import { type CommandContribution, definePlugin, type RouteContribution, type TenantContext } from '@rapport/core/plugin';
import { describe, expect, expectTypeOf, it } from 'vitest';

// A plugin's events join the Crm's typed event map by declaration merging.
declare module '@rapport/core' {
  interface RapportEvents {
    'stamp.added': { tenantId: string; customerId: string; stamps: number };
  }
}

class StampCard {
  private readonly stamps = new Map<string, number>();
  constructor(readonly tenant: TenantContext) {}
  add(customerId: string): number {
    const stamps = (this.stamps.get(customerId) ?? 0) + 1;
    this.stamps.set(customerId, stamps);
    this.tenant.events.emit('stamp.added', { tenantId: this.tenant.tenantId, customerId, stamps });
    return stamps;
  }
}

const stamps = () => definePlugin({ name: 'acme-stamps', api: { stamps: (tenant) => new StampCard(tenant) } });
const reports = () =>
  definePlugin({
    name: 'acme-reports',
    dependsOn: ['acme-stamps'],
    api: { reports: (tenant) => ({ tenantOf: () => tenant.tenantId }), reportCount: () => 42 },
  });
const quiet = () => definePlugin({ name: 'acme-quiet' });

describe('typed plugin APIs', () => {
  it('types the Crm with what each plugin adds, per tenant, and rejects a misspelt one at compile time', async () => {
    const crm = await createCrm({ storage: memoryStorage(), plugins: [stamps(), quiet(), reports()] });
    expectTypeOf(crm.stamps).toEqualTypeOf<StampCard>();
    expectTypeOf(crm.reports.tenantOf).returns.toEqualTypeOf<string>();
    expectTypeOf(crm.reportCount).toEqualTypeOf<number>();
    expectTypeOf(crm.forTenant('shop-2').stamps).toEqualTypeOf<StampCard>();
    expectTypeOf(crm.forTenant('shop-2').forTenant('shop-3').reports.tenantOf).returns.toEqualTypeOf<string>();
    // @ts-expect-error: no plugin adds crm.stamp
    expect(crm.stamp).toBeUndefined();

    expect(crm.reports.tenantOf()).toBe('default');
    expect(crm.forTenant('shop-2').reports.tenantOf()).toBe('shop-2');
    expect(crm.forTenant('shop-2').stamps).not.toBe(crm.stamps);
    expect(crm.forTenant('shop-2').stamps).toBe(crm.forTenant('shop-2').stamps);
    await crm.close();
  });

  it('adds nothing for a Crm without plugins', async () => {
    const crm = await createCrm({ storage: memoryStorage() });
    expectTypeOf<Exclude<keyof typeof crm, keyof CrmCore>>().toEqualTypeOf<never>();
    // @ts-expect-error: nothing adds crm.stamps
    expect(crm.stamps).toBeUndefined();
    await crm.close();
  });

  it("types a plugin's declaration-merged events, and a misspelt event fails to compile", async () => {
    const crm = await createCrm({ storage: memoryStorage(), plugins: [stamps()] });
    const seen: number[] = [];
    crm.events.on('stamp.added', (event) => {
      expectTypeOf(event.stamps).toEqualTypeOf<number>();
      seen.push(event.stamps);
    });
    // @ts-expect-error: no event is called stamp.addded
    crm.events.on('stamp.addded', () => undefined);
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
    crm.stamps.add(customer.id);
    crm.stamps.add(customer.id);
    expect(seen).toEqual([1, 2]);
    await crm.close();
  });

  it("builds each tenant's API over that tenant's context", async () => {
    const crm = await createCrm({ storage: memoryStorage(), plugins: [stamps()] });
    const shop = crm.forTenant('shop-2');
    expect(shop.stamps.tenant.tenantId).toBe('shop-2');
    expect(shop.stamps.tenant.store.tenantId).toBe('shop-2');
    expect(shop.stamps.tenant.crm).toBe(shop);
    expect(shop.stamps.tenant.jobs).toBe(shop.jobs);
    // The context's crm is the whole tenant Crm, other plugins' APIs included.
    expect((shop.stamps.tenant.crm as typeof shop).stamps).toBe(shop.stamps);
    await crm.close();
  });

  it('fails createCrm naming the plugin when it adds a property the Crm or another plugin has', async () => {
    const onCore = definePlugin({ name: 'acme-bad', api: { customers: () => ({}) } });
    const error = await createCrm({ storage: memoryStorage(), plugins: [onCore] }).catch((caught: unknown) => caught);
    expect(isRapportError(error, 'PLUGIN_API_CONFLICT')).toBe(true);
    expect((error as Error).message).toBe('[acme-bad] adds crm.customers, which @rapport/core already provides');
    const twice = definePlugin({ name: 'acme-stamps-2', api: { stamps: () => 1 } });
    const clash = await createCrm({ storage: memoryStorage(), plugins: [stamps(), twice] }).catch((caught: unknown) => caught);
    expect(isRapportError(clash, 'PLUGIN_API_CONFLICT')).toBe(true);
    expect((clash as Error).message).toBe('[acme-stamps-2] adds crm.stamps, which acme-stamps already provides');
  });

  it('wraps an API factory that throws in PLUGIN_START_FAILED naming the plugin, the property and the tenant', async () => {
    const broken = definePlugin({
      name: 'acme-broken',
      api: {
        broken: (tenant) => {
          if (tenant.tenantId === 'shop-9') throw new Error('no licence for this shop');
          return true;
        },
      },
    });
    const crm = await createCrm({ storage: memoryStorage(), plugins: [broken] });
    expect(crm.broken).toBe(true);
    let error: unknown;
    try {
      crm.forTenant('shop-9');
    } catch (caught) {
      error = caught;
    }
    expect(isRapportError(error, 'PLUGIN_START_FAILED')).toBe(true);
    expect((error as Error).message).toBe('[acme-broken] api "broken" failed for tenant "shop-9": no licence for this shop');
    await crm.close();
  });
});

describe('contribution points', () => {
  const route = (path: string): RouteContribution => ({ method: 'GET', path, summary: path, handle: async ({ crm }) => crm.tenantId });
  const command = (name: string): CommandContribution => ({ name, summary: name, run: async () => 0 });

  it('lists what every plugin contributes, by kind, in plugin order, with the plugin that contributed it', async () => {
    const tickets = definePlugin({
      name: 'acme-tickets',
      contributes: { routes: [route('/tickets'), route('/tickets/:id')], commands: [command('tickets:list')] },
    });
    const surveys = definePlugin({ name: 'acme-surveys', dependsOn: ['acme-tickets'], contributes: { routes: [route('/surveys')] } });
    const crm = await createCrm({ storage: memoryStorage(), plugins: [surveys, tickets] });
    expect(crm.contributions.of('routes').map(({ plugin, value }) => `${plugin} ${value.path}`)).toEqual([
      'acme-tickets /tickets',
      'acme-tickets /tickets/:id',
      'acme-surveys /surveys',
    ]);
    expect(crm.contributions.of('commands').map(({ value }) => value.name)).toEqual(['tickets:list']);
    expect(crm.contributions.of('privacy')).toEqual([]);
    const [first] = crm.contributions.of('routes');
    expect(await first?.value.handle({ crm: crm.forTenant('shop-2'), params: {}, query: {}, body: undefined })).toBe('shop-2');
    // @ts-expect-error: no contribution kind is called widgets
    crm.contributions.of('widgets');
    await crm.close();
  });

  it('fails createCrm when two plugins contribute the same route or command, naming both', async () => {
    const one = definePlugin({ name: 'acme-one', contributes: { commands: [command('export')] } });
    const two = definePlugin({ name: 'acme-two', contributes: { commands: [command('export')] } });
    const error = await createCrm({ storage: memoryStorage(), plugins: [one, two] }).catch((caught: unknown) => caught);
    expect(isRapportError(error, 'PLUGIN_CONTRIBUTION_CONFLICT')).toBe(true);
    expect((error as Error).message).toBe('[acme-two] contributes commands "export", which "acme-one" already contributes');
    const routeOne = definePlugin({ name: 'acme-r1', contributes: { routes: [route('/x')] } });
    const routeTwo = definePlugin({ name: 'acme-r2', contributes: { routes: [{ ...route('/x'), method: 'POST' }, route('/x')] } });
    const clash = await createCrm({ storage: memoryStorage(), plugins: [routeOne, routeTwo] }).catch((caught: unknown) => caught);
    expect((clash as Error).message).toBe('[acme-r2] contributes routes "GET /x", which "acme-r1" already contributes');
  });

  it('fails createCrm when two plugins contribute one name of a kind keyed by name (profile sections, privacy data)', async () => {
    const section = (name: string) => ({ name, read: async () => null });
    const first = definePlugin({ name: 'acme-first', contributes: { profileSections: [section('orders')] } });
    const second = definePlugin({ name: 'acme-second', contributes: { profileSections: [section('loyalty'), section('orders')] } });
    const error = await createCrm({ storage: memoryStorage(), plugins: [first, second] }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'PLUGIN_CONTRIBUTION_CONFLICT',
      message: '[acme-second] contributes profileSections "orders", which "acme-first" already contributes',
      details: { kind: 'profileSections', key: 'orders', other: 'acme-first' },
    });
    const data = (name: string) => ({ name, export: async () => null, erase: async () => undefined });
    const twice = definePlugin({ name: 'acme-mail', contributes: { privacy: [data('provider list'), data('provider list')] } });
    const again = await createCrm({ storage: memoryStorage(), plugins: [twice] }).catch((caught: unknown) => caught);
    expect((again as Error).message).toBe('[acme-mail] contributes privacy "provider list", which "acme-mail" already contributes');
    // Distinct names of one kind are all kept, in plugin order.
    const crm = await createCrm({
      storage: memoryStorage(),
      plugins: [first, definePlugin({ name: 'acme-third', contributes: { profileSections: [section('loyalty')] } })],
    });
    expect(crm.contributions.of('profileSections').map(({ plugin, value }) => `${plugin} ${value.name}`)).toEqual([
      'acme-first orders',
      'acme-third loyalty',
    ]);
    await crm.close();
  });
});
