// Loaded by plain Node (no TypeScript, no vitest): resolves @rapport/core to dist/index.js.
import { createCrm, memoryStorage } from '@rapport/core';

const crm = await createCrm({ storage: memoryStorage() });
const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ESM@Example.com' }] });
await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: 7 } });
const profile = await crm.profile(customer.id);
console.log(
  JSON.stringify({
    email: profile.customer.identities[0].value,
    spend: profile.customer.metrics.totalSpend,
    timeline: profile.timeline.length,
  }),
);
