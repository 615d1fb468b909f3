import { type CustomerFacts, compareEvents, type FeedbackEvent, type TrainingSet } from './feedback-event.js';

/** What one customer has shown interest in: item → strongest weight, and what they bought. */
export interface CustomerItems {
  /** Item id → the strongest feedback weight seen for it. */
  weights: Map<string, number>;
  /** Items with a purchase among their feedback. */
  bought: Set<string>;
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
