import { cmp, type FeedbackEvent } from './feedback-event.js';

/**
 * A training set's events grouped per customer, each group in {@link compareEvents} order, with
 * the item ids indexed: what the full-retrain trainers share, so a million events are grouped
 * and ordered once, by small per-customer sorts instead of sorts of the whole set.
 */
export interface CustomerGroups {
  /** Customer ids in code-point order. */
  customerIds: string[];
  /** `groups[c]`: the events of `customerIds[c]`, ordered by time, then item and type. */
  groups: FeedbackEvent[][];
  /** Distinct item ids in code-point order. */
  items: string[];
  /** Item id → its index in `items`. */
  itemIndex: Map<string, number>;
}

/** Within one customer, {@link compareEvents} without the customer (ties keep the set's order: the sort is stable). */
function byTime(a: FeedbackEvent, b: FeedbackEvent): number {
  return a.at - b.at || cmp(a.itemId, b.itemId) || cmp(a.type, b.type);
}

/** Groups and orders the events (see {@link CustomerGroups}); the restriction of a global {@link compareEvents} sort to each customer. */
export function groupByCustomer(events: readonly FeedbackEvent[]): CustomerGroups {
  const byCustomer = new Map<string, FeedbackEvent[]>();
  const itemSet = new Set<string>();
  for (const event of events) {
    const group = byCustomer.get(event.customerId);
    if (group === undefined) byCustomer.set(event.customerId, [event]);
    else group.push(event);
    itemSet.add(event.itemId);
  }
  const customerIds = [...byCustomer.keys()].sort(cmp);
  const groups = customerIds.map((id) => {
    const group = byCustomer.get(id) as FeedbackEvent[];
    if (group.length > 1) group.sort(byTime);
    return group;
  });
  const items = [...itemSet].sort(cmp);
  const itemIndex = new Map<string, number>();
  for (let at = 0; at < items.length; at++) itemIndex.set(items[at] as string, at);
  return { customerIds, groups, items, itemIndex };
}
