import { createCrm, isRapportError, memoryStorage, type RapportPlugin } from '@rapport/core';
import { definePlugin, defineToken, inject, orderPlugins, parsePluginOptions, service, TENANT_ID, type Token } from '@rapport/core/plugin';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const plugin = (name: string, dependsOn: string[] = [], log: string[] = []): RapportPlugin =>
  definePlugin({
    name,
    dependsOn,
    register: () => void log.push(`register ${name}`),
    start: () => void log.push(`start ${name}`),
    stop: () => void log.push(`stop ${name}`),
  });

describe('plugins', () => {
  it('registers and starts in dependency order and stops in reverse', async () => {
    const log: string[] = [];
    const crm = await createCrm({
      storage: memoryStorage(),
      plugins: [plugin('c', ['b'], log), plugin('a', [], log), plugin('b', ['a'], log)],
    });
    expect(log).toEqual(['register a', 'register b', 'register c', 'start a', 'start b', 'start c']);
    await crm.close();
    expect(log.slice(6)).toEqual(['stop c', 'stop b', 'stop a']);
  });

  it('fails clearly on a duplicate name, a missing dependency and a cycle', () => {
    const codeOf = (plugins: RapportPlugin[]) => {
      try {
        orderPlugins(plugins);
        return 'none';
      } catch (error) {
        return isRapportError(error) ? `${error.code}: ${error.message}` : 'other';
      }
    };
    expect(codeOf([plugin('a'), plugin('a')])).toBe('PLUGIN_DUPLICATE: [a] is registered twice; each plugin may appear once');
    expect(codeOf([plugin('a', ['sms'])])).toBe('PLUGIN_DEPENDENCY_MISSING: [a] depends on "sms", which is not in the plugins list');
    expect(codeOf([plugin('a', ['b']), plugin('b', ['c']), plugin('c', ['a'])])).toMatch(/^PLUGIN_DEPENDENCY_CYCLE: .*a -> b -> c -> a/);
  });

  it('wraps a failing plugin step in PLUGIN_START_FAILED naming the plugin, and closes what started', async () => {
    const log: string[] = [];
    const broken = definePlugin({ name: 'broken', start: () => Promise.reject(new Error('no API key')) });
    const error = await createCrm({ storage: memoryStorage(), plugins: [plugin('ok', [], log), broken] }).catch(
      (caught: unknown) => caught,
    );
    expect(isRapportError(error, 'PLUGIN_START_FAILED')).toBe(true);
    expect((error as Error).message).toBe('[broken] start failed: no API key');
    expect(log).toContain('stop ok');
  });

  it('validates plugin options once, naming the plugin and the field', () => {
    const schema = z.object({ apiKey: z.string().min(10), retries: z.number().int().default(3) });
    expect(parsePluginOptions('@rapport/channel-sms', schema, { apiKey: '0123456789' })).toEqual({ apiKey: '0123456789', retries: 3 });
    expect(() => parsePluginOptions('@rapport/channel-sms', schema, { apiKey: 'short' })).toThrow(
      /^\[@rapport\/channel-sms\] invalid options — apiKey: /,
    );
  });

  it('gives every Crm its own container, and tenant-scoped plugin services per tenant', async () => {
    interface GreeterApi {
      hello(): string;
    }
    const GREETER: Token<GreeterApi> = defineToken('test:greeter');
    @service()
    class Greeter {
      constructor(@inject(TENANT_ID) private readonly tenant: string) {}
      hello(): string {
        return `hello ${this.tenant}`;
      }
    }
    const greeterPlugin = definePlugin({
      name: 'greeter',
      register: ({ container }) => {
        container.service(Greeter);
        container.perTenant(GREETER, (tenant) => tenant.resolve(Greeter));
      },
    });
    const one = await createCrm({ storage: memoryStorage(), plugins: [greeterPlugin], tenant: 'shop-1' });
    const two = await createCrm({ storage: memoryStorage() });
    expect(one.container.resolve(GREETER).hello()).toBe('hello shop-1');
    expect(one.forTenant('shop-2').container.resolve(GREETER).hello()).toBe('hello shop-2');
    expect(two.container.has(GREETER)).toBe(false);
  });
});
