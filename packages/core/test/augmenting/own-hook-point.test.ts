import {
  ConflictError,
  CoreErrorCode,
  type Customer,
  createCrm,
  type HookContext,
  isRapportError,
  memoryStorage,
  ValidationError,
} from '@rapport/core';
import { definePlugin, HOOK_RUNNER, type HookPoint, type HookRunner } from '@rapport/core/plugin';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { rejection } from '../rejection.js';

interface Parcel {
  customerId: string;
  weightKg: number;
}

// A hook point of a plugin's own, declared as a later package (`message.beforeSend`) would.
declare module '@rapport/core' {
  interface RapportHooks {
    'parcel.beforeShip': HookPoint<Parcel, { readonly carrier: string }>;
  }
}

const validateParcel = (changed: unknown, before: Parcel): Parcel => {
  const parcel = changed as Parcel;
  if (typeof parcel.weightKg !== 'number' || parcel.weightKg <= 0) {
    throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['weightKg'], message: 'must be a positive number' }]);
  }
  return { customerId: before.customerId, weightKg: parcel.weightKg };
};

describe('hooks', () => {
  it('lets a plugin declare its own hook point and run it through the same runner, in dependency order', async () => {
    let runner: HookRunner | undefined;
    const storage = memoryStorage();
    const crm = await createCrm({
      storage,
      plugins: [
        definePlugin({
          name: '@example/heavy',
          dependsOn: ['@example/parcels'],
          hooks: { 'parcel.beforeShip': (parcel, hook) => (parcel.weightKg > 30 ? hook.veto(`too heavy for ${hook.carrier}`) : undefined) },
        }),
        definePlugin({
          name: '@example/parcels',
          register: ({ hooks }) => {
            runner = hooks;
          },
          hooks: { 'parcel.beforeShip': (parcel) => ({ ...parcel, weightKg: parcel.weightKg + 1 }) },
        }),
      ],
      hooks: { 'parcel.beforeShip': [(parcel) => ({ ...parcel, weightKg: parcel.weightKg * 2 })] },
    });
    expect(runner).toBe(crm.container.resolve(HOOK_RUNNER));
    const hooks = runner as HookRunner;
    expect(hooks.owners('parcel.beforeShip')).toEqual(['@example/parcels', '@example/heavy', 'app']);
    const options = { store: storage.forTenant('default'), facts: { carrier: 'dhl' }, validate: validateParcel };
    // +1 by @example/parcels, checked by @example/heavy, then doubled by the app
    expect(await hooks.run('parcel.beforeShip', { customerId: 'c-1', weightKg: 4 }, options)).toEqual({ customerId: 'c-1', weightKg: 10 });
    const veto = await rejection(hooks.run('parcel.beforeShip', { customerId: 'c-1', weightKg: 30 }, options));
    expect(isRapportError(veto, 'HOOK_VETOED') && veto.details).toEqual({
      hook: 'parcel.beforeShip',
      plugin: '@example/heavy',
      reason: 'too heavy for dhl',
    });
  });

  it('reports a change its validation refuses as HOOK_INVALID_CHANGE, and lets a retryable conflict through', async () => {
    const storage = memoryStorage();
    const crm = await createCrm({
      storage,
      hooks: {
        'parcel.beforeShip': (parcel, hook) => {
          if (hook.carrier === 'busy') throw new ConflictError(CoreErrorCode.StorageConflict, 'deadlock', { operation: 'ship' });
          return { ...parcel, weightKg: -1 };
        },
      },
    });
    const runner = crm.container.resolve(HOOK_RUNNER);
    const store = storage.forTenant('default');
    const invalid = await rejection(
      runner.run('parcel.beforeShip', { customerId: 'c', weightKg: 1 }, { store, facts: { carrier: 'dhl' }, validate: validateParcel }),
    );
    expect(isRapportError(invalid, 'HOOK_INVALID_CHANGE') && invalid.details).toEqual({
      hook: 'parcel.beforeShip',
      plugin: 'app',
      issues: [{ path: ['weightKg'], message: 'must be a positive number' }],
    });
    const conflict = await rejection(
      runner.run('parcel.beforeShip', { customerId: 'c', weightKg: 1 }, { store, facts: { carrier: 'busy' }, validate: validateParcel }),
    );
    expect(isRapportError(conflict, 'STORAGE_CONFLICT')).toBe(true);
  });

  it('fails createCrm when a hook is not a function, naming the owner and the hook', async () => {
    const app = await rejection(createCrm({ storage: memoryStorage(), hooks: { 'customer.beforeCreate': 'nope' as never } }));
    expect(isRapportError(app, 'INVALID_OPTIONS') && app.details.issues[0]?.path).toEqual(['options', 'hooks', 'customer.beforeCreate']);
    const plugin = await rejection(
      createCrm({
        storage: memoryStorage(),
        plugins: [definePlugin({ name: '@example/bad', hooks: { 'customer.beforeUpdate': [() => undefined, 42 as never] } })],
      }),
    );
    expect(isRapportError(plugin, 'PLUGIN_INVALID_OPTIONS') && plugin.details).toMatchObject({ plugin: '@example/bad' });
    expect((plugin as Error).message).toContain('hooks.customer.beforeUpdate.1: must be a function');
  });

  it('types each hook point’s input and context', () => {
    expectTypeOf<HookContext<'customer.beforeUpdate'>['current']>().toEqualTypeOf<Customer>();
    expectTypeOf<HookContext<'customer.beforeUpdate'>['changed']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<HookContext<'parcel.beforeShip'>['carrier']>().toEqualTypeOf<string>();
    expectTypeOf<HookContext<'parcel.beforeShip'>['veto']>().returns.toBeNever();
    definePlugin({
      name: '@example/typed',
      hooks: {
        // @ts-expect-error: a hook returns the input's type, not anything
        'parcel.beforeShip': () => ({ weight: 1 }),
      },
    });
    definePlugin({
      name: '@example/misspelt',
      hooks: {
        // @ts-expect-error: no such hook point
        'parcel.beforeShipp': () => undefined,
      },
    });
    void createCrm({
      storage: memoryStorage(),
      // @ts-expect-error: no such hook point
      hooks: { 'customer.beforeCreat': () => undefined },
    }).catch(() => undefined);
  });
});
