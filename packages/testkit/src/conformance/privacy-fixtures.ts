import type { Identity } from '@rapport/core';
import { column, definePlugin, defineTable } from '@rapport/core/plugin';
import { uniqueId } from '../fixtures/builders.js';
import type { TestCrm } from '../test-crm.js';

/** A test plugin table with a customer reference and personal columns, declared like any plugin's. */
export const privacyNotesTable = defineTable('notes', {
  columns: {
    id: column.text({ maxLength: 64 }),
    customerId: column.text({ maxLength: 64 }).customerRef().nullable(),
    body: column.text({ maxLength: 500 }).personal(),
    contactEmail: column.text({ maxLength: 320 }).personal().nullable(),
    score: column.integer(),
  },
  primaryKey: ['id'],
});

/** A plugin whose only code is its table: export and erasure must reach it through the declaration. */
export const privacyNotesPlugin = () => definePlugin({ name: 'privacy-notes', tables: [privacyNotesTable] });

/** Everything of one person that a canary run plants, and the values to look for afterwards. */
export interface CanaryPerson {
  customerId: string;
  duplicateId: string;
  /** Every planted value unique to the person; none may survive an erasure anywhere in the storage. */
  canaries: string[];
  /** Ids of the three notes rows planted (by customer reference, on the duplicate, by e-mail only). */
  noteIds: readonly string[];
  identities: Identity[];
  /** The metrics before erasure, for anonymize's check. */
  purchaseCount: number;
  totalSpend: number;
  interactionCount: number;
}

/**
 * Gives a new person canary values through every path: identities of three types, traits,
 * tags, interaction payloads, sources and idempotency keys, consent proof, rows of the notes
 * table (by customer reference and by e-mail), and a duplicate record merged into them.
 */
export async function plantCanaryPerson(
  crm: TestCrm<Record<string, unknown>, Record<string, unknown>, unknown>,
  canary: string,
): Promise<CanaryPerson> {
  const email = `${canary}-a@example.com`;
  const dupEmail = `${canary}-b@example.com`;
  const phone = `+447400${String(Math.floor(Math.random() * 900_000) + 100_000)}`;
  const { customer } = await crm.customers.upsert({
    identities: [
      { type: 'email', value: email },
      { type: 'phone', value: phone },
      { type: 'external', namespace: 'loyalty', value: `${canary}-card` },
    ],
    traits: { name: `${canary}-name`, favourite: `${canary}-trait` },
    tags: [`${canary}-tag`],
  });
  const { customer: duplicate } = await crm.customers.upsert({
    identities: [{ type: 'email', value: dupEmail }],
    traits: { name: `${canary}-dup-name` },
    tags: [`${canary}-dup-tag`],
  });
  await crm.interactions.record({
    customerId: duplicate.id,
    channel: 'web',
    type: 'purchase',
    properties: { amount: 7, note: `${canary}-dup-payload` },
  });
  for (let index = 0; index < 3; index++) {
    await crm.interactions.record({
      customerId: customer.id,
      channel: 'store',
      type: index === 0 ? 'page.view' : 'purchase',
      properties: { amount: 10 * (index + 1), note: `${canary}-payload-${index}`, nested: { deep: `${canary}-deep` } },
      source: `${canary}-source`,
      idempotencyKey: `${canary}-key-${index}`,
    });
  }
  await crm.consent.grant({
    customerId: customer.id,
    purpose: 'marketing',
    channel: 'email',
    source: 'checkout',
    proof: { ip: `${canary}-ip`, form: `${canary}-form` },
  });
  await crm.consent.grant({
    customerId: duplicate.id,
    purpose: 'analytics',
    channel: '*',
    source: 'web',
    proof: { ip: `${canary}-dup-ip` },
  });
  const store = crm.storage.forTenant(crm.tenantId);
  const notes = [uniqueId('note'), uniqueId('note'), uniqueId('note')] as const;
  await store.table(privacyNotesTable).insert({ id: notes[0], customerId: customer.id, body: `${canary}-note`, score: 3 });
  await store.table(privacyNotesTable).insert({ id: notes[1], customerId: duplicate.id, body: `${canary}-dup-note`, score: 1 });
  await store
    .table(privacyNotesTable)
    .insert({ id: notes[2], customerId: null, body: `${canary}-by-email`, contactEmail: email, score: 2 });
  const merged = await crm.customers.merge(customer.id, duplicate.id);
  return {
    customerId: merged.id,
    duplicateId: duplicate.id,
    canaries: [canary],
    noteIds: notes,
    identities: [
      { type: 'email', namespace: '', value: email },
      { type: 'phone', namespace: '', value: phone },
      { type: 'external', namespace: 'loyalty', value: `${canary}-card` },
      { type: 'email', namespace: '', value: dupEmail },
    ],
    purchaseCount: merged.metrics.purchaseCount,
    totalSpend: merged.metrics.totalSpend,
    interactionCount: merged.metrics.interactionCount,
  };
}
