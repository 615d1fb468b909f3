/**
 * One piece of implicit feedback: a customer showed interest in an item. The unit every
 * recommender trains on; made from interactions by {@link toFeedback} or by an importer.
 */
export interface FeedbackEvent {
  customerId: string;
  itemId: string;
  /** How strong the signal is (purchase > add-to-cart > view). */
  weight: number;
  /** The interaction type it came from (`purchase`, `add_to_cart`, `page_view`). */
  type: string;
  /** When it happened, epoch milliseconds (plain data, so a training set serialises). */
  at: number;
  /** The order or cart it belongs to, for baskets; null when unknown. */
  basketId: string | null;
  /** The store it happened in; null when unknown or online. */
  storeId: string | null;
}

/** Facts about a customer that popularity fallbacks use. */
export interface CustomerFacts {
  segment?: string;
  storeId?: string;
}

/** What a model is trained on: feedback events and, optionally, customer facts. */
export interface TrainingSet {
  events: readonly FeedbackEvent[];
  /** Segment and home store per customer id. */
  customers?: ReadonlyMap<string, CustomerFacts>;
}

/** Orders events by time, then customer, item and type, so training is deterministic. */
export function compareEvents(a: FeedbackEvent, b: FeedbackEvent): number {
  return a.at - b.at || cmp(a.customerId, b.customerId) || cmp(a.itemId, b.itemId) || cmp(a.type, b.type);
}

/** Code-point order of two strings (locale-independent, so results do not move between machines). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
