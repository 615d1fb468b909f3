import { expect, test } from 'vitest';
import { createCrm, memoryStorage } from '@rapport/core';

test('smoke', async () => {
  const crm = await createCrm({ storage: memoryStorage() });
  const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: ' Ada@Example.com ' }], traits: { name: 'Ada' } });
  expect(customer.identities[0]?.value).toBe('ada@example.com');
  await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: 10 } });
  const p = await crm.profile(customer.id);
  expect(p.customer.metrics.totalSpend).toBe(10);
});
