import type { CustomerGroups } from './customer-groups.js';
import type { CustomerHistoryModel } from './customer-history.js';
import { type CustomerFacts, cmp } from './feedback-event.js';

/**
 * The model `CustomerHistory.of(set, purchaseTypes).toModel()` gives (a test holds them equal),
 * built straight from the grouped events for full retrains: strongest weights and purchases in
 * typed arrays per customer instead of a map and a set per customer converted afterwards.
 */
export function customerHistoryModelOf(
  grouped: CustomerGroups,
  customerFacts: ReadonlyMap<string, CustomerFacts> | undefined,
  purchaseTypes: Iterable<string> = ['purchase'],
): CustomerHistoryModel {
  const purchases = new Set(purchaseTypes);
  const { customerIds, groups, items, itemIndex } = grouped;
  const seenBy = new Int32Array(items.length).fill(-1);
  const weight = new Float64Array(items.length);
  const bought = new Uint8Array(items.length);
  const facts = new Map<string, CustomerFacts>();
  const customers: CustomerHistoryModel['customers'] = new Array(customerIds.length);
  for (let c = 0; c < customerIds.length; c++) {
    const customerId = customerIds[c] as string;
    const touched: number[] = [];
    let storeId: string | null = null;
    for (const event of groups[c] as CustomerGroups['groups'][number]) {
      const item = itemIndex.get(event.itemId) as number;
      if (seenBy[item] !== c) {
        seenBy[item] = c;
        touched.push(item);
        weight[item] = event.weight;
        bought[item] = 0;
      } else if (event.weight > (weight[item] as number)) weight[item] = event.weight;
      if (purchases.has(event.type)) bought[item] = 1;
      // The first store seen, in time order (as `CustomerHistory.add` keeps it).
      if (event.storeId !== null && !storeId) storeId = event.storeId;
    }
    if (storeId !== null) facts.set(customerId, { storeId });
    touched.sort((a, b) => a - b);
    customers[c] = [customerId, touched.map((item): [number, number, number] => [item, weight[item] as number, bought[item] as number])];
  }
  for (const [customerId, known] of customerFacts ?? []) facts.set(customerId, { ...facts.get(customerId), ...known });
  return {
    purchaseTypes: [...purchases].sort(cmp),
    items,
    customers,
    facts: [...facts.entries()].sort(([a], [b]) => cmp(a, b)),
  };
}
