import { seededRandom } from './random.js';

const DAY = 86_400_000;

/** One generated customer with its interactions and consent records, metrics already summed. */
export interface GeneratedCustomer {
  id: string;
  createdAt: number;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  lastPurchaseAt: number | null;
  purchaseCount: number;
  totalSpend: number;
  interactionCount: number;
  interactions: GeneratedInteraction[];
  consents: GeneratedConsent[];
}

/** One generated interaction. */
export interface GeneratedInteraction {
  id: string;
  channel: string;
  type: string;
  direction: 'inbound' | 'outbound';
  occurredAt: number;
  properties: string;
  idempotencyKey: string | null;
}

/** One generated consent ledger record. */
export interface GeneratedConsent {
  id: string;
  channel: string;
  status: 'granted' | 'withdrawn';
  occurredAt: number;
}

const CHANNELS = ['web', 'pos', 'app', 'wechat'];

/**
 * Customers with on average ten interactions each (15% purchases of 5-500, 60% page views,
 * 15% outbound e-mails, 10% support contacts over the last year) and a consent ledger (55%
 * granted e-mail marketing, some withdrawn later, 20% a grant for every channel). Seeded:
 * the same arguments give the same data.
 */
export function* generateCustomers(prefix: string, count: number, now: number, seed: number): Generator<GeneratedCustomer> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  let interactionSeq = 0;
  for (let index = 0; index < count; index++) {
    const id = `${prefix}${String(index).padStart(8, '0')}`;
    const customer: GeneratedCustomer = {
      id,
      createdAt: now - Math.floor(random() * 730 * DAY),
      firstSeenAt: null,
      lastSeenAt: null,
      lastPurchaseAt: null,
      purchaseCount: 0,
      totalSpend: 0,
      interactionCount: 0,
      interactions: [],
      consents: [],
    };
    const interactions = Math.floor(random() * 21);
    for (let n = 0; n < interactions; n++) {
      const roll = random();
      const occurredAt = now - Math.floor(random() * 365 * DAY);
      const seq = interactionSeq++;
      let interaction: GeneratedInteraction;
      if (roll < 0.15) {
        const amount = Math.round((5 + random() * 495) * 100) / 100;
        interaction = {
          id: `${prefix}i${seq}`,
          channel: pick(CHANNELS),
          type: 'purchase',
          direction: 'inbound',
          occurredAt,
          properties: JSON.stringify({ amount }),
          idempotencyKey: `${prefix}order-${seq}`,
        };
        customer.purchaseCount++;
        customer.totalSpend = Math.round((customer.totalSpend + amount) * 1e6) / 1e6;
        customer.lastPurchaseAt = Math.max(customer.lastPurchaseAt ?? 0, occurredAt);
      } else if (roll < 0.75) {
        interaction = {
          id: `${prefix}i${seq}`,
          channel: pick(CHANNELS),
          type: 'page_view',
          direction: 'inbound',
          occurredAt,
          properties: JSON.stringify({ path: `/p/${Math.floor(random() * 500)}` }),
          idempotencyKey: null,
        };
      } else if (roll < 0.9) {
        interaction = {
          id: `${prefix}i${seq}`,
          channel: 'email',
          type: 'email.sent',
          direction: 'outbound',
          occurredAt,
          properties: '{}',
          idempotencyKey: null,
        };
      } else {
        interaction = {
          id: `${prefix}i${seq}`,
          channel: pick(['email', 'phone', 'wechat']),
          type: 'support',
          direction: 'inbound',
          occurredAt,
          properties: '{}',
          idempotencyKey: null,
        };
      }
      customer.interactions.push(interaction);
      customer.interactionCount++;
      if (interaction.direction !== 'outbound') {
        customer.firstSeenAt = Math.min(customer.firstSeenAt ?? Number.POSITIVE_INFINITY, occurredAt);
        customer.lastSeenAt = Math.max(customer.lastSeenAt ?? 0, occurredAt);
      }
    }
    const consentRoll = random();
    if (consentRoll < 0.55) {
      const grantedAt = now - Math.floor(random() * 700 * DAY);
      customer.consents.push({ id: `${id}-c1`, channel: 'email', status: 'granted', occurredAt: grantedAt });
      if (random() < 0.15)
        customer.consents.push({
          id: `${id}-c2`,
          channel: 'email',
          status: 'withdrawn',
          occurredAt: grantedAt + Math.floor(random() * (now - grantedAt)),
        });
    } else if (consentRoll < 0.75) {
      customer.consents.push({ id: `${id}-c1`, channel: '*', status: 'granted', occurredAt: now - Math.floor(random() * 700 * DAY) });
    }
    yield customer;
  }
}

/** Collects a generator into arrays of `size`. */
export function* inBatches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
