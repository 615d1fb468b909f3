import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCrm, isRapportError, memoryStorage } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { greeter } from './guide/greeter-plugin.js';
import { plainGreeter } from './guide/greeter-plugin-factory.js';

const guide = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'plugins.md'), 'utf8');
const source = (file: string) => readFileSync(join(import.meta.dirname, 'guide', file), 'utf8').trim();

/** The ```ts blocks of the guide that carry a file name (```ts title="…"). */
const titledBlocks = new Map(
  [...guide.matchAll(/^```ts title="([^"]+)"\n([\s\S]*?)^```$/gm)].map((match) => [match[1], (match[2] ?? '').trim()]),
);

describe('the plugin guide (docs/plugins.md)', () => {
  it.each(['greeter-plugin.ts', 'greeter-plugin-factory.ts'])('shows %s verbatim', (file) => {
    expect(titledBlocks.get(file)).toBe(source(file));
  });

  const variants: [string, typeof greeter | typeof plainGreeter][] = [
    ['with decorators', greeter],
    ['without decorators', plainGreeter],
  ];

  describe.each(variants)('%s', (_name, plugin) => {
    it('hands the parsed options, defaults filled in, to the service', async () => {
      for (const [options, expected] of [
        [{ greeting: 'Welcome' }, 'Welcome, Ada!'],
        [{}, 'Hello, Ada!'],
      ] as const) {
        const crm = await createCrm({ storage: memoryStorage(), plugins: [plugin(options)] });
        const { customer } = await crm.customers.upsert({
          identities: [{ type: 'email', value: 'ada@example.com' }],
          traits: { name: 'Ada' },
        });
        expect(await crm.greeter.greet(customer.id)).toBe(expected);
        await crm.close();
      }
    });

    it('fails createCrm on a bad option, naming the plugin and the field', async () => {
      const error = await createCrm({ storage: memoryStorage(), plugins: [plugin({ greeting: '' })] }).catch((caught: unknown) => caught);
      expect(isRapportError(error, 'PLUGIN_INVALID_OPTIONS')).toBe(true);
      expect((error as Error).message).toMatch(/^\[acme-(plain-)?greeter\] invalid options — greeting: /);
    });

    it("gives each tenant its own instance, reading that tenant's customers", async () => {
      const crm = await createCrm({ storage: memoryStorage(), plugins: [plugin()] });
      const other = crm.forTenant('shop-2');
      const { customer } = await other.customers.upsert({
        identities: [{ type: 'email', value: 'bo@example.com' }],
        traits: { name: 'Bo' },
      });
      expect(crm.forTenant(crm.tenantId).greeter).toBe(crm.greeter);
      expect(other.greeter).not.toBe(crm.greeter);
      expect(await other.greeter.greet(customer.id)).toBe('Hello, Bo!');
      const notHere = await crm.greeter.greet(customer.id).catch((caught: unknown) => caught);
      expect(isRapportError(notHere, 'CUSTOMER_NOT_FOUND')).toBe(true);
      await crm.close();
    });
  });
});
