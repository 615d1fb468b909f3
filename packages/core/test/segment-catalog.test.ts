import { createCrm, memoryStorage } from '@rapport/core';
import { SEGMENT_CATALOG_TTL_MS } from '@rapport/core/plugin';
import { FakeClock } from '@rapport/testkit';
import { expect, it } from 'vitest';

it("profiles see this process's segment changes at once, and another process's after the catalog TTL", async () => {
  const storage = memoryStorage();
  const clock = new FakeClock('2026-06-01T00:00:00Z');
  const app = await createCrm({ storage, clock });
  const customer = await app.customers.create({ tags: ['vip'] });
  await app.segments.define({ key: 'vips', name: 'VIPs', condition: { kind: 'tag', op: 'has', value: 'vip' } });
  expect((await app.profile(customer.id)).segments.map((segment) => segment.key)).toEqual(['vips']);

  // Another process sharing the storage (here: a second Crm) changes the definitions.
  const other = await createCrm({ storage, clock });
  await other.segments.define({
    key: 'everyone',
    name: 'Everyone',
    condition: { kind: 'metric', field: 'interactionCount', op: 'gte', value: 0 },
  });
  expect((await app.profile(customer.id)).segments.map((segment) => segment.key)).toEqual(['vips']);
  clock.advance({ ms: SEGMENT_CATALOG_TTL_MS });
  expect((await app.profile(customer.id)).segments.map((segment) => segment.key)).toEqual(['everyone', 'vips']);

  // This process's own change is visible immediately.
  await app.segments.remove('vips');
  expect((await app.profile(customer.id)).segments.map((segment) => segment.key)).toEqual(['everyone']);
});
