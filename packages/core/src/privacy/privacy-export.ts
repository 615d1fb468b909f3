import type { TenantStore } from '../contracts/storage.js';
import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';
import type { TableBinding } from '../tables/table-binding.js';
import { findPersonRows } from './plugin-table-rows.js';
import type { PrivacyArchive } from './privacy-archive.js';
import { personalData } from './privacy-erasure.js';

/** JSON as it would be sent: times become ISO strings, `undefined` keys disappear. */
function asJson<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** Every interaction of a customer, newest first, read page by page. */
async function allInteractions(store: TenantStore, customerId: string): Promise<Interaction[]> {
  const items: Interaction[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.interactions.timeline(customerId, { limit: 1000, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/**
 * Collects the archive of one live customer: the core records (merges moved the
 * merged-away records' interactions and consents to this one), the merged-away records
 * themselves, and the plugin table rows found through the declarations. The contributors'
 * part is added by the caller.
 */
export async function collectArchive(
  store: TenantStore,
  options: { customer: Customer; storageName: string; bindings: readonly TableBinding[]; exportedAt: Date; requestId: string },
): Promise<Omit<PrivacyArchive, 'contributions'>> {
  const { customer } = options;
  const repository = personalData(store, options.storageName);
  const mergedIds = await repository.mergedAway(customer.id);
  const [mergedRecords, interactions, consents, segments, rows] = await Promise.all([
    repository.mergedRecords(mergedIds),
    allInteractions(store, customer.id),
    store.consents.history(customer.id),
    store.segments.membershipsOf(customer.id),
    findPersonRows(store, options.bindings, [customer.id, ...mergedIds], customer.identities),
  ]);
  return asJson({
    format: 'rapport.privacy-archive',
    version: 1,
    tenantId: store.tenantId,
    customerId: customer.id,
    exportedAt: options.exportedAt,
    requestId: options.requestId,
    customer,
    mergedRecords,
    interactions,
    consents,
    segments,
    tables: rows.map(({ binding, rows: tableRows }) => ({ plugin: binding.plugin, table: binding.declaration.name, rows: tableRows })),
  }) as Omit<PrivacyArchive, 'contributions'>;
}
