import { CORE_PERMISSION_MAP, CORE_PERMISSIONS, isRapportError, type Permission, type PermissionRule } from '@rapport/core';
import { column, definePlugin, defineTable } from '@rapport/core/plugin';
import { describe, expect, it } from 'vitest';
import { createTestCrm } from '../test-crm.js';
import type { ConformanceContext } from './context.js';

const notesTable = defineTable('notes', {
  columns: {
    id: column.text({ maxLength: 64 }),
    customerId: column.text({ maxLength: 64 }).customerRef(),
    body: column.text({ maxLength: 500 }).personal(),
    kind: column.text({ maxLength: 32 }),
  },
  primaryKey: ['id'],
});

/** A plugin whose table has a personal column, read through its API. */
const notesPlugin = definePlugin({
  name: 'conformance-access-notes',
  tables: [notesTable],
  access: { notes: { add: 'customers:write', list: 'customers:read' } },
  api: {
    notes: (tenant) => ({
      add: (id: string, customerId: string, body: string) => tenant.store.table(notesTable).insert({ id, customerId, body, kind: 'call' }),
      list: async (customerId: string) => (await tenant.store.table(notesTable).find({ where: { customerId } })).items,
    }),
  },
});

/** Calls the gate must let through but that would end or start background work in the test Crm. */
const NOT_CALLED = new Set(['close', 'startWorkers', 'workers', 'as']);

/** Every method of a Crm, read from the object itself: `key` for its own functions, `key.method` for its services'. */
export function crmMethods(crm: object): { key: string; method?: string }[] {
  const found: { key: string; method?: string }[] = [];
  for (const key of Object.keys(crm)) {
    const value = (crm as Record<string, unknown>)[key];
    if (typeof value === 'function') found.push({ key });
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const names = new Set<string>();
      for (let proto = Object.getPrototypeOf(value); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
      }
      for (const name of Object.keys(value)) names.add(name);
      names.delete('constructor');
      for (const method of names) if (typeof (value as Record<string, unknown>)[method] === 'function') found.push({ key, method });
    }
  }
  return found;
}

function mapRule(key: string, method?: string): PermissionRule | undefined {
  const rules = CORE_PERMISSION_MAP[key];
  if (rules === undefined || method === undefined) return typeof rules === 'string' ? rules : undefined;
  return typeof rules === 'string' ? rules : rules[method];
}

const forbiddenOf = (error: unknown) => (isRapportError(error, 'ACCESS_FORBIDDEN') ? error.details : null);

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    return await call();
  } catch (error) {
    return error;
  }
}

/** Access control on one storage: the permission matrix, masking of personal data, bad actors and roles. */
export function accessControlSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: access control`, () => {
    const setUp = () =>
      createTestCrm({
        storage: ctx.storage(),
        access: { roles: { clerk: ['customers:read', 'customers:write'] }, personalTraits: ['nickname'], personalProperties: ['ip'] },
      });

    it('maps every method of the Crm object to a permission (a new method without an entry fails here)', async () => {
      const crm = await setUp();
      const missing = crmMethods(crm.as({ id: 'root', kind: 'system', permissions: ['admin'] }))
        .filter(({ key, method }) => mapRule(key, method) === undefined)
        .map(({ key, method }) => (method ? `${key}.${method}` : key));
      // Test-only members createTestCrm adds are not the Crm's.
      expect(missing.filter((name) => !/^(clock|recorded|recordedOf)(\.|$)/.test(name))).toEqual([]);
      await crm.close();
    });

    it('refuses each method without its permission, naming actor, operation and permission, and lets it through with it', async () => {
      const crm = await setUp();
      const methods = crmMethods(crm).filter(({ key }) => !['clock', 'recorded', 'recordedOf'].includes(key));
      expect(methods.length).toBeGreaterThan(60);
      for (const { key, method } of methods) {
        const rule = mapRule(key, method) as PermissionRule;
        // A property with one rule (the raw storage, the container) is refused when it is read.
        const operation = method && typeof CORE_PERMISSION_MAP[key] === 'object' ? `${key}.${method}` : key;
        if (rule === 'open') continue;
        const others = CORE_PERMISSIONS.filter((permission) => permission !== rule && permission !== 'admin');
        const without = crm.as({ id: 'clerk-1', kind: 'user', permissions: others }) as unknown as Record<string, unknown>;
        const refused = await outcome(() => call(without, key, method));
        expect(forbiddenOf(refused), operation).toEqual({ actorId: 'clerk-1', operation, permission: rule });
        if (NOT_CALLED.has(key)) continue;
        const withIt = crm.as({ id: 'clerk-2', kind: 'user', permissions: [rule as Permission] }) as unknown as Record<string, unknown>;
        // No arguments: most calls then fail validation, but never on access.
        expect(forbiddenOf(await outcome(() => call(withIt, key, method))), operation).toBeNull();
      }
      await crm.close();
    });

    it('writes nothing for a refused write, and the same write with the permission does', async () => {
      const crm = await setUp();
      const { customer } = await crm.customers.upsert({
        identities: [{ type: 'email', value: 'ada@example.com' }],
        traits: { name: 'Ada' },
      });
      const reader = crm.as({ id: 'reader', kind: 'user', permissions: ['customers:read', 'pii:read', 'consent:write'] });
      const consentOnly = crm.as({ id: 'dpo', kind: 'user', permissions: ['customers:read', 'customers:write'] });
      const writes: (() => Promise<unknown>)[] = [
        () => reader.customers.create({ identities: [{ type: 'email', value: 'new@example.com' }] }),
        () => reader.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }], traits: { name: 'Eve' } }),
        () => reader.customers.update(customer.id, { traits: { name: 'Eve' } }),
        () => reader.customers.tag(customer.id, 'vip'),
        () => reader.customers.addIdentity(customer.id, { type: 'phone', value: '+447911123456' }),
        () => reader.interactions.record({ customerId: customer.id, channel: 'web', type: 'page.viewed' }),
        () => reader.interactions.recordMany([{ customerId: customer.id, channel: 'web', type: 'page.viewed' }]),
        () => consentOnly.consent.grant({ customerId: customer.id, purpose: 'marketing', channel: 'email', source: 'test' }),
        () => reader.segments.define({ key: 'vip', name: 'VIP', condition: { kind: 'tag', op: 'has', value: 'vip' } }),
      ];
      for (const write of writes) expect(isRapportError(await outcome(write), 'ACCESS_FORBIDDEN')).toBe(true);
      expect((await crm.customers.list()).items.map((item) => item.id)).toEqual([customer.id]);
      const stored = await crm.customers.get(customer.id);
      expect(stored).toMatchObject({ traits: { name: 'Ada' }, tags: [], version: customer.version });
      expect(stored.identities).toHaveLength(1);
      expect((await crm.interactions.timeline(customer.id)).items).toEqual([]);
      expect(await crm.consent.history(customer.id)).toEqual([]);
      expect(await crm.segments.list()).toEqual([]);
      const clerk = crm.as({ id: 'clerk', kind: 'user', roles: ['clerk'] });
      await clerk.customers.tag(customer.id, 'vip');
      expect((await crm.customers.get(customer.id)).tags).toEqual(['vip']);
      await crm.close();
    });

    it('masks personal fields for an actor without pii:read, everywhere a read returns them, and shows them with it', async () => {
      const crm = await setUp();
      const { customer } = await crm.customers.upsert({
        identities: [
          { type: 'email', value: 'ada@example.com' },
          { type: 'phone', value: '+447911123456' },
          { type: 'external', namespace: 'pos', value: 'card-991' },
        ],
        traits: {
          name: 'Ada Lovelace',
          birthday: '1815-12-10',
          locale: 'en-GB',
          address: { city: 'London', country: 'GB' },
          nickname: 'Countess',
        },
      });
      await crm.interactions.record({
        customerId: customer.id,
        channel: 'web',
        type: 'login',
        properties: { ip: '203.0.113.9', page: '/home' },
      });
      const reader = crm.as({ id: 'reader', kind: 'user', roles: ['clerk'] });
      const masked = await reader.customers.get(customer.id);
      expect(masked.identities.map((identity) => identity.value).sort()).toEqual(['***56', 'a***@example.com', 'c***']);
      expect(masked.traits).toEqual({
        name: 'A***',
        birthday: '1***',
        locale: 'en-GB',
        address: { city: 'L***', country: 'G***' },
        nickname: 'C***',
      });
      const profile = await reader.profile(customer.id);
      expect(profile.customer.traits.name).toBe('A***');
      expect(profile.timeline[0]?.properties).toEqual({ ip: '2***', page: '/home' });
      expect((await reader.interactions.timeline(customer.id)).items[0]?.properties.ip).toBe('2***');
      expect((await reader.customers.list()).items[0]?.traits.name).toBe('A***');
      const found = await reader.customers.find({ type: 'email', value: 'ada@example.com' });
      expect(found?.identities.find((identity) => identity.type === 'email')?.value).toBe('a***@example.com');
      const written = await reader.customers.update(customer.id, { traits: { locale: 'fr-FR' } });
      expect(written.traits.name).toBe('A***');
      // The stored record is untouched by masking.
      const trusted = crm.as({ id: 'agent', kind: 'user', permissions: ['customers:read', 'pii:read'] });
      const shown = await trusted.customers.get(customer.id);
      expect(shown.traits).toMatchObject({ name: 'Ada Lovelace', nickname: 'Countess', locale: 'fr-FR', address: { city: 'London' } });
      expect(shown.identities.map((identity) => identity.value).sort()).toEqual(['+447911123456', 'ada@example.com', 'card-991']);
      expect((await trusted.interactions.timeline(customer.id)).items[0]?.properties.ip).toBe('203.0.113.9');
      await crm.close();
    });

    it('masks the personal columns of plugin table rows a plugin API returns', async () => {
      const crm = await createTestCrm({ storage: ctx.storage(), plugins: [notesPlugin] });
      await crm.notes.add('n1', 'c1', 'Said her phone is +447911123456');
      const reader = crm.as({ id: 'r', kind: 'user', permissions: ['customers:read'] });
      expect(await reader.notes.list('c1')).toEqual([{ id: 'n1', customerId: 'c1', body: 'S***', kind: 'call' }]);
      const trusted = crm.as({ id: 't', kind: 'user', permissions: ['customers:read', 'pii:read'] });
      expect((await trusted.notes.list('c1'))[0]?.body).toBe('Said her phone is +447911123456');
      await crm.close();
    });

    it('binds forTenant to the same actor', async () => {
      const crm = await setUp();
      const reader = crm.as({ id: 'reader', kind: 'user', permissions: ['customers:read'] });
      const other = reader.forTenant(`${crm.tenantId}-b`);
      const error = await outcome(() => other.customers.create({ identities: [{ type: 'email', value: 'x@example.com' }] }));
      expect(forbiddenOf(error)).toEqual({ actorId: 'reader', operation: 'customers.create', permission: 'customers:write' });
      expect((await crm.forTenant(`${crm.tenantId}-b`).customers.list()).items).toEqual([]);
      await crm.close();
    });

    it('rejects a malformed actor, an unknown role and an unknown permission, naming the field', async () => {
      const crm = await setUp();
      const bad = [
        [{ id: '', kind: 'user' }, 'ACCESS_INVALID_ACTOR', ['actor', 'id']],
        [{ id: 'u', kind: 'robot' }, 'ACCESS_INVALID_ACTOR', ['actor', 'kind']],
        [{ id: 'u', kind: 'user', roles: ['clerk', 'boss'] }, 'ACCESS_INVALID_ACTOR', ['actor', 'roles', 1]],
        [{ id: 'u', kind: 'user', permissions: ['customers:raed'] }, 'ACCESS_UNKNOWN_PERMISSION', ['actor', 'permissions', 0]],
        [null, 'ACCESS_INVALID_ACTOR', ['actor']],
      ] as const;
      for (const [actor, code, path] of bad) {
        const error = await outcome(() => crm.as(actor as never));
        expect(isRapportError(error) && error.code, JSON.stringify(actor)).toBe(code);
        expect((error as { details: { issues: { path: unknown[] }[] } }).details.issues.map((issue) => issue.path)).toContainEqual(path);
      }
      const options = { storage: ctx.storage(), access: { roles: { clerk: ['customers:read', 'customers:wirte'] as Permission[] } } };
      const failed = await outcome(() => createTestCrm(options));
      expect(isRapportError(failed, 'ACCESS_UNKNOWN_PERMISSION')).toBe(true);
      expect((failed as { details: { issues: { path: unknown[] }[] } }).details.issues[0]?.path).toEqual(['access', 'roles', 'clerk', 1]);
      await crm.close();
    });
  });
}

function call(crm: Record<string, unknown>, key: string, method?: string): unknown {
  if (method === undefined) return (crm[key] as (...args: unknown[]) => unknown)();
  const target = crm[key] as Record<string, (...args: unknown[]) => unknown>;
  return target[method]?.();
}
