import { type CustomerFacts, cmp, compareEvents, type FeedbackEvent, type TrainingSet } from './feedback-event.js';

/** What one customer has shown interest in: item → strongest weight, and what they bought. */
export interface CustomerItems {
  /** Item id → the strongest feedback weight seen for it. */
  weights: Map<string, number>;
  /** Items with a purchase among their feedback. */
  bought: Set<string>;
}

/** A {@link CustomerHistory} as plain, JSON-safe data. */
export interface CustomerHistoryModel {
  purchaseTypes: string[];
  /** Item ids the entries point into. */
  items: string[];
  /** Customer id → `[item index, weight, bought (1) or not (0)]` per item. */
  customers: [string, [number, number, number][]][];
  /** Customer id → segment and home store. */
  facts: [string, CustomerFacts][];
}

/**
 * Every customer's items, kept up to date as feedback arrives. Recommenders read a
 * customer's history here; rules read what they bought.
 */
export class CustomerHistory {
  readonly #customers = new Map<string, CustomerItems>();
  readonly #facts = new Map<string, CustomerFacts>();
  readonly #purchaseTypes: ReadonlySet<string>;

  /** `purchaseTypes` are the feedback types that mean "bought" (for the already-bought rule). */
  constructor(purchaseTypes: Iterable<string> = ['purchase']) {
    this.#purchaseTypes = new Set(purchaseTypes);
  }

  /** The history of a training set (read in time order, so the first store seen is the same on every run). */
  static of(set: TrainingSet, purchaseTypes?: Iterable<string>): CustomerHistory {
    const history = new CustomerHistory(purchaseTypes);
    for (const event of [...set.events].sort(compareEvents)) history.add(event);
    for (const [id, facts] of set.customers ?? []) history.setFacts(id, facts);
    return history;
  }

  /** A history restored from {@link CustomerHistory.toModel}. */
  static fromModel(model: CustomerHistoryModel): CustomerHistory {
    const history = new CustomerHistory(model.purchaseTypes);
    for (const [customerId, entries] of model.customers) {
      const entry: CustomerItems = { weights: new Map(), bought: new Set() };
      for (const [index, weight, bought] of entries) {
        const itemId = model.items[index] as string;
        entry.weights.set(itemId, weight);
        if (bought === 1) entry.bought.add(itemId);
      }
      history.#customers.set(customerId, entry);
    }
    for (const [customerId, facts] of model.facts) history.#facts.set(customerId, facts);
    return history;
  }

  /** The history as plain data (customers and items sorted, so equal histories give equal models). */
  toModel(): CustomerHistoryModel {
    const itemSet = new Set<string>();
    for (const entry of this.#customers.values()) for (const item of entry.weights.keys()) itemSet.add(item);
    const items = [...itemSet].sort(cmp);
    const index = new Map(items.map((item, position) => [item, position]));
    const customers: CustomerHistoryModel['customers'] = [...this.#customers.keys()].sort(cmp).map((customerId) => {
      const entry = this.#customers.get(customerId) as CustomerItems;
      const list: [number, number, number][] = [...entry.weights]
        .map(([item, weight]): [number, number, number] => [index.get(item) as number, weight, entry.bought.has(item) ? 1 : 0])
        .sort((a, b) => a[0] - b[0]);
      return [customerId, list];
    });
    const facts = [...this.#facts.entries()].sort(([a], [b]) => cmp(a, b));
    return { purchaseTypes: [...this.#purchaseTypes].sort(cmp), items, customers, facts };
  }

  /** Adds one event; keeps the strongest weight per item. */
  add(event: FeedbackEvent): void {
    let entry = this.#customers.get(event.customerId);
    if (entry === undefined) {
      entry = { weights: new Map(), bought: new Set() };
      this.#customers.set(event.customerId, entry);
    }
    const before = entry.weights.get(event.itemId);
    if (before === undefined || event.weight > before) entry.weights.set(event.itemId, event.weight);
    if (this.#purchaseTypes.has(event.type)) entry.bought.add(event.itemId);
    if (event.storeId !== null && !this.#facts.get(event.customerId)?.storeId) {
      this.#facts.set(event.customerId, { ...this.#facts.get(event.customerId), storeId: event.storeId });
    }
  }

  /** Sets a customer's segment and home store. */
  setFacts(customerId: string, facts: CustomerFacts): void {
    this.#facts.set(customerId, { ...this.#facts.get(customerId), ...facts });
  }

  /** The customer's items, or undefined for a customer with no feedback. */
  get(customerId: string): CustomerItems | undefined {
    return this.#customers.get(customerId);
  }

  /** The customer's segment and home store, when known. */
  facts(customerId: string): CustomerFacts | undefined {
    return this.#facts.get(customerId);
  }

  /** Number of customers with feedback. */
  get size(): number {
    return this.#customers.size;
  }
}
