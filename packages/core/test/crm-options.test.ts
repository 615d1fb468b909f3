import { createCrm, isRapportError, MAX_JSON_DEPTH, memoryStorage, type RapportError } from '@rapport/core';
import { definePlugin, parsePluginOptions } from '@rapport/core/plugin';
import { storableIssues } from '@rapport/core/storage';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

async function failure(call: () => Promise<unknown>): Promise<RapportError> {
  const error = await call().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isRapportError(error)) throw new Error(`expected a RapportError, got ${String(error)}`);
  return error;
}

const issuePaths = (error: RapportError) =>
  ((error.details as { issues: { path: unknown[] }[] }).issues ?? []).map((issue) => issue.path.join('.'));

describe('createCrm options', () => {
  it.each([
    ['schema.traits', { schema: { traits: 'x' } }],
    ['schema.interactionProperties', { schema: { interactionProperties: { shape: {} } } }],
    ['plugins.0', { plugins: [null] }],
    ['plugins', { plugins: 'x' }],
    ['storage', { storage: {} }],
    ['storage', { storage: Promise.resolve(memoryStorage()) }],
    ['clock', { clock: 5 }],
    ['clock', { clock: { now: 5 } }],
    ['ids', { ids: 'uuid' }],
    ['identities.defaultRegion', { identities: { defaultRegion: 'ZZ' } }],
    ['onListenerError', { onListenerError: true }],
  ])('refuses a bad %s with INVALID_OPTIONS naming it', async (path, options) => {
    const error = await failure(() => createCrm(options as never));
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.kind).toBe('invalid_input');
    expect(issuePaths(error)).toContain(`options.${path}`);
  });

  it('still takes good options: a zod schema, plugins, a clock and a region with phone numbers', async () => {
    const crm = await createCrm({
      storage: memoryStorage(),
      schema: { traits: z.object({ tier: z.string().optional() }) },
      plugins: [definePlugin({ name: 'noop' })],
      clock: { now: () => new Date('2026-01-01T00:00:00Z') },
      identities: { defaultRegion: 'GB' },
    });
    const customer = await crm.customers.create({ identities: [{ type: 'phone', value: '07400 123456' }], traits: { tier: 'a' } });
    expect(customer.identities[0]?.value).toBe('+447400123456');
    expect(customer.createdAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    await crm.close();
  });

  it('reports bad plugin options as invalid_input, naming the plugin and the field', async () => {
    const plugin = (options: unknown) =>
      definePlugin({
        name: 'with-options',
        register: () => void parsePluginOptions('with-options', z.object({ retries: z.number().int() }), options),
      });
    const error = await failure(() => createCrm({ storage: memoryStorage(), plugins: [plugin({ retries: 'x' })] }));
    expect(error.code).toBe('PLUGIN_INVALID_OPTIONS');
    expect(error.kind).toBe('invalid_input');
    expect(error.message).toContain('with-options');
    expect(issuePaths(error)).toEqual(['retries']);
  });
});

describe('storableIssues', () => {
  it('walks without recursion: a million levels give one issue, not a stack overflow', () => {
    let value: unknown = 1;
    for (let level = 0; level < 1_000_000; level++) value = [value];
    const issues = storableIssues({ traits: { deep: value } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path.slice(0, 2)).toEqual(['traits', 'deep']);
    expect(issues[0]?.message).toContain(`deeper than ${MAX_JSON_DEPTH}`);
  });

  it('names every bad field at once, keys included', () => {
    const issues = storableIssues({
      traits: { a: Number.NaN, ['b\ud800']: 1, c: [undefined], d: new Map(), e: 1n },
      tags: ['ok', 'x\udc00'],
      properties: JSON.parse('{"__proto__": 1}'),
    });
    expect(issues.map((issue) => issue.path.join('.')).sort()).toEqual(
      ['traits.a', 'traits.b\ud800', 'traits.c.0', 'traits.d', 'traits.e', 'tags.1', 'properties.__proto__'].sort(),
    );
  });

  it('bounds the JSON size of a field, and leaves other fields and plain values alone', () => {
    expect(storableIssues({ traits: { text: 'x'.repeat(70_000) } }).map((issue) => issue.path)).toEqual([['traits']]);
    expect(storableIssues({ traits: { text: 'x'.repeat(60_000), nested: { ok: [1, 'two', null, true] } }, at: new Date() })).toEqual([]);
    expect(storableIssues({ note: 'a\u0000b' })).toEqual([]);
    expect(storableIssues({ note: 'a\u0000b' }, [], { rejectsNul: true }).map((issue) => issue.path)).toEqual([['note']]);
  });
});
