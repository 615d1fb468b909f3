/**
 * Where a recommendation is asked for: the item on screen, the cart, the channel and the
 * store. Every field is optional; a recommender uses what it understands.
 */
export interface RecommendationContext {
  /** The item the customer is looking at. */
  itemId?: string;
  /** Items in the customer's cart. */
  cartItemIds?: string[];
  /** The channel the result is shown in: `web`, `app`, `email`, `pos`, … */
  channel?: string;
  /** The store the customer is in or shops at; store popularity is used for fallbacks. */
  storeId?: string;
  /** The customer's segment, when the app knows it better than the model does. */
  segment?: string;
}

/** Options of {@link Recommender.forCustomer}. */
export interface ForCustomerOptions {
  /** How many items to return, 1..1000. */
  k: number;
  context?: RecommendationContext;
}

/** Options of {@link Recommender.similarItems} and {@link Recommender.frequentlyBoughtTogether}. */
export interface TopKOptions {
  /** How many items to return, 1..1000. */
  k: number;
}

/** One recommended item. */
export interface RecommendedItem {
  itemId: string;
  /** Higher is better; comparable only within one result. */
  score: number;
  /** A short human reason: "bought with Teapot", "popular in segment vip". */
  reason: string;
}

/**
 * How a result was made: from the customer's own history, or a fallback. `popularity-*`
 * strategies are not personalised.
 */
export type RecommendationStrategy =
  | 'personal'
  | 'item'
  | 'basket'
  | 'popularity-segment'
  | 'popularity-store'
  | 'popularity-trending'
  | 'popularity-global';

/** Something the caller should know about a result that is not an error. */
export interface RecommendationNotice {
  /** Stable code, e.g. `RECOMMEND_UNKNOWN_ITEM`, `RECOMMEND_UNKNOWN_CUSTOMER`, `RECOMMEND_NO_CONSENT`. */
  code: string;
  message: string;
  /** Ids the notice is about (the unknown item ids). */
  ids?: string[];
}

/** What every recommender method returns. */
export interface RecommendationResult {
  items: RecommendedItem[];
  strategy: RecommendationStrategy;
  /** False when the result ignored who the customer is (no consent, unknown customer). */
  personalised: boolean;
  notices: RecommendationNotice[];
}

/**
 * The contract every recommender implements (popularity, item-kNN, EASE, hybrids, a remote
 * service). Several can be installed; the app picks one per call or composes them. Methods
 * never throw for an unknown customer or item: they fall back and say so in `notices`.
 */
export interface Recommender {
  /** A stable name, e.g. `item-knn`, shown in evaluation reports. */
  readonly name: string;
  /** What this customer is likely to want next. */
  forCustomer(customerId: string, options: ForCustomerOptions): Promise<RecommendationResult>;
  /** Items like this one. */
  similarItems(itemId: string, options: TopKOptions): Promise<RecommendationResult>;
  /** Items bought together with these (a cart or a product page). */
  frequentlyBoughtTogether(itemIds: readonly string[], options: TopKOptions): Promise<RecommendationResult>;
}
