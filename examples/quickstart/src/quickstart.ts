import { type Crm, createCrm, type Storage } from '@rapport/core';
import { z } from 'zod';

/** The app's own customer fields: Rapport validates them and types every read. */
export const ShopTraits = z.object({
  favouriteStore: z.string().optional(),
  shoeSize: z.number().min(1).max(60).optional(),
});

/** Where the quickstart writes what it shows. */
export type Log = (line: string) => void;

const money = (value: number) => `£${value.toFixed(2)}`;

/**
 * A small shop: Ada signs up on the web, then buys in a store with her loyalty card. The two
 * records turn out to be one person and are merged; she consents to e-mail marketing, a
 * segment finds her, and the 360° view shows it all.
 */
export async function runQuickstart(storage: Storage, log: Log): Promise<Crm> {
  const crm = await createCrm({ storage, schema: { traits: ShopTraits }, identities: { defaultRegion: 'GB' } });

  log('1. Ada signs up on the web shop');
  const web = await crm.customers.upsert({
    identities: [{ type: 'email', value: '  Ada.Lovelace@Example.COM ' }],
    traits: { name: 'Ada Lovelace', locale: 'en-GB' },
  });
  log(`   customer ${web.customer.id} (e-mail stored as ${web.customer.identities[0]?.value})`);

  log('2. A store sells to loyalty card 1815 (a customer the POS does not know yet)');
  await crm.interactions.record({
    identity: { type: 'external', namespace: 'pos', value: 'card-1815' },
    channel: 'pos',
    type: 'purchase',
    source: 'store-kings-cross',
    properties: { amount: 89.5, sku: 'BOOT-42' },
    idempotencyKey: 'pos-kx-000917',
  });
  const store = await crm.customers.find({ type: 'external', namespace: 'pos', value: 'card-1815' });
  log(`   the purchase is on customer ${store?.id}, known by the card`);

  log('3. At the till she gives her e-mail and phone: the card and the web account are one person');
  const atTill = await crm.customers.upsert({
    identities: [
      { type: 'external', namespace: 'pos', value: 'card-1815' },
      { type: 'email', value: 'ada.lovelace@example.com' },
      { type: 'phone', value: '07400 123456' },
    ],
    traits: { favouriteStore: 'Kings Cross', shoeSize: 42 },
  });
  for (const link of atTill.unlinked) log(`   ${link.identity.type} ${link.identity.value} belongs to customer ${link.customerId}`);
  // On a second run on the same database the two records are already one customer.
  const ada = atTill.customer.id === web.customer.id ? atTill.customer : await crm.customers.merge(web.customer.id, atTill.customer.id);
  log(`   merged into ${ada.id}; ${ada.identities.length} identities: ${ada.identities.map((identity) => identity.value).join(', ')}`);

  log('4. More purchases arrive (one is sent twice by a retrying webhook)');
  const batch = await crm.interactions.recordMany([
    { customerId: ada.id, channel: 'web', type: 'purchase', properties: { amount: 120 }, idempotencyKey: 'web-order-5001' },
    { customerId: ada.id, channel: 'web', type: 'purchase', properties: { amount: 120 }, idempotencyKey: 'web-order-5001' },
    {
      identity: { type: 'phone', value: '+44 7400 123456' },
      channel: 'sms',
      type: 'reply',
      properties: { text: 'YES' },
      idempotencyKey: 'sms-reply-77',
    },
    { customerId: ada.id, channel: 'web', type: 'purchase', properties: { amount: 'lots' } },
  ]);
  log(`   stored ${batch.stored}, duplicates ${batch.duplicates}, rejected ${batch.rejected}`);
  for (const outcome of batch.outcomes)
    if (outcome.status === 'rejected') log(`   rejected item ${outcome.index}: ${outcome.error.message}`);

  log('5. She opts in to e-mail marketing at checkout');
  await crm.consent.grant({ customerId: ada.id, purpose: 'marketing', channel: 'email', source: 'checkout', noticeVersion: '2026-05' });
  const sms = await crm.consent.check({ customerId: ada.id, purpose: 'marketing', channel: 'sms' });
  log(
    `   marketing by sms: ${sms.status}; by e-mail: ${(await crm.consent.check({ customerId: ada.id, purpose: 'marketing', channel: 'email' })).status}`,
  );

  log('6. A segment: high-value customers we may e-mail');
  // `declare` defines the segment, or updates it when its definition changed, or leaves it:
  // a setup step that can run on every start.
  const declared = await crm.segments.declare({
    key: 'high-value-emailable',
    name: 'High value, e-mail opt-in',
    condition: {
      kind: 'and',
      of: [
        { kind: 'metric', field: 'totalSpend', op: 'gte', value: 150 },
        { kind: 'consent', purpose: 'marketing', channel: 'email', status: 'granted' },
      ],
    },
  });
  log(`   segment "${declared.segment.name}": ${declared.status}`);
  const changes = await crm.segments.refresh('high-value-emailable');
  log(`   entered: ${changes['high-value-emailable']?.entered.join(', ') || 'nobody new'}`);

  log('7. The 360° view');
  const profile = await crm.profile(ada.id);
  const { customer } = profile;
  log(`   ${customer.traits.name} — favourite store ${customer.traits.favouriteStore}, shoe size ${customer.traits.shoeSize}`);
  log(
    `   identities: ${customer.identities.map((identity) => `${identity.type}${identity.namespace ? `:${identity.namespace}` : ''}=${identity.value}`).join(', ')}`,
  );
  log(
    `   spend ${money(customer.metrics.totalSpend)} over ${customer.metrics.purchaseCount} purchases; ${customer.metrics.interactionCount} interactions`,
  );
  log(`   timeline: ${profile.timeline.map((item) => `${item.channel}/${item.type}`).join(', ')}`);
  log(`   consent: ${profile.consents.map((state) => `${state.purpose}/${state.channel}=${state.status}`).join(', ')}`);
  log(`   segments (${profile.segments.length}): ${profile.segments.map((segment) => `"${segment.name}"`).join(', ')}`);
  return crm;
}
