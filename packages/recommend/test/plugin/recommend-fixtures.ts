import type { Storage } from '@rapport/core';
import { createTestCrm } from '@rapport/testkit';
import { type ItemKnnModel, type RecommendPluginOptions, recommend } from '../../src/index.js';

/** A small shop: tea things and garden things, so neighbours are easy to tell. */
export const SHOP = [
  { id: 'teapot', title: 'Teapot', categoryPath: ['home', 'tea'], price: 30 },
  { id: 'cups', title: 'Cups', categoryPath: ['home', 'tea'], price: 12 },
  { id: 'tea', title: 'Green tea', categoryPath: ['grocery', 'tea'], price: 6 },
  { id: 'spade', title: 'Spade', categoryPath: ['garden'], price: 25 },
  { id: 'gloves', title: 'Gloves', categoryPath: ['garden'], price: 9 },
  { id: 'seeds', title: 'Seeds', categoryPath: ['garden'], price: 3 },
  { id: 'kettle', title: 'Kettle', categoryPath: ['home', 'tea'], price: 40, availability: 'out_of_stock' as const },
];

/** A test Crm with the plugin on `storage`, in `tenant` when given (a second Crm on the same data). */
export async function recommendCrm(storage: Storage, options: RecommendPluginOptions = {}, tenant?: string) {
  return createTestCrm({
    storage,
    plugins: [recommend({ refreshMs: 0, ...options })],
    record: ['recommend.trained'],
    ...(tenant ? { tenant } : {}),
  });
}

export type RecommendTestCrm = Awaited<ReturnType<typeof recommendCrm>>;

/** A customer by email, created on first use. */
export async function shopper(crm: RecommendTestCrm, name: string): Promise<string> {
  const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `${name}@example.com` }] });
  return customer.id;
}

/** Records a purchase of the items (one order). */
export function buy(crm: RecommendTestCrm, customerId: string, items: string[], orderId: string) {
  return crm.interactions.record({
    customerId,
    channel: 'web',
    type: 'purchase',
    properties: { itemId: items, orderId },
    idempotencyKey: `order-${orderId}`,
  });
}

/** Item-kNN counts with each customer's items sorted: arrival order differs between live updates and a retrain, the counts may not. */
export function normalised(model: ItemKnnModel) {
  return { ...model, customers: model.customers.map(([id, items]) => [id, [...items].sort((a, b) => a - b)]) };
}
