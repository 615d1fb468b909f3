import type {
  ForCustomerOptions,
  RecommendationNotice,
  RecommendationResult,
  RecommendationStrategy,
  RecommendedItem,
  Recommender,
  TopKOptions,
} from '@rapport/core';
import type { Catalogue } from '../catalogue/catalogue.js';
import { RecommendNoticeCode } from '../error-codes.js';
import type { CustomerHistory } from '../feedback/customer-history.js';
import type { AssociationModel } from '../models/association-model.js';
import type { PopularityModel } from '../models/popularity-model.js';
import { rank } from '../models/ranked-list.js';
import { applyRules, type BusinessRules, type BusinessRulesInput, businessRules } from '../rules/business-rules.js';
import type { PersonalScorer } from './personal-scorer.js';
import { type PopularityScope, popularCandidates } from './popularity-source.js';
import { parseContext, parseK } from './request-options.js';

/** The parts a {@link HybridRecommender} is made of; every model is plain data or live counts. */
export interface HybridParts {
  /** Shown in evaluation reports. */
  name: string;
  /** The fallback for cold-start customers and items, and the whole answer without `personal`. */
  popularity: PopularityModel;
  /** Customers' histories (their seeds and what they bought). */
  history: CustomerHistory;
  /** The personal model; without it the recommender is the popularity baseline. */
  personal?: PersonalScorer;
  /** Rules for "frequently bought together"; without them the personal model answers. */
  associations?: AssociationModel;
  /** Titles for reasons, availability, categories and prices for rules. */
  catalogue?: Catalogue;
  rules?: BusinessRulesInput;
  /** Seed weight of the item on screen and of cart items. @default { item: 2, cart: 2 } */
  contextWeights?: { item: number; cart: number };
  /** Use the time-decayed popularity list for the global fallback. @default false */
  trending?: boolean;
}

interface Sourced extends RecommendedItem {
  strategy: RecommendationStrategy;
}

/**
 * A recommender that scores with a personal model when it can and falls back personal →
 * segment → store → global popularity, then applies business rules. Unknown customers and
 * items never throw: they get popularity and a notice.
 */
export class HybridRecommender implements Recommender {
  readonly name: string;
  readonly #parts: HybridParts;
  readonly #rules: BusinessRules;
  readonly #popular: Set<string>;

  constructor(parts: HybridParts) {
    this.name = parts.name;
    this.#parts = parts;
    this.#rules = businessRules(parts.rules);
    this.#popular = new Set(parts.popularity.global.map(([itemId]) => itemId));
  }

  /** The `k` best items for the customer: personal scores, else segment, store and global popularity; rules applied. */
  async forCustomer(customerId: string, options: ForCustomerOptions): Promise<RecommendationResult> {
    const k = parseK(options?.k);
    const context = parseContext(options?.context);
    const notices: RecommendationNotice[] = [];
    const contextIds = [...(context.itemId === undefined ? [] : [context.itemId]), ...(context.cartItemIds ?? [])];
    const known = this.#reportUnknown(contextIds, notices);
    const history = this.#parts.history.get(customerId);
    const facts = this.#parts.history.facts(customerId);
    if (!history) {
      notices.push({
        code: RecommendNoticeCode.UnknownCustomer,
        message: `customer "${customerId}" has no history; popularity is served`,
        ids: [customerId],
      });
    }
    const seeds = new Map(history?.weights ?? []);
    const weights = this.#parts.contextWeights ?? { item: 2, cart: 2 };
    for (const id of context.cartItemIds ?? []) if (known.has(id)) seeds.set(id, Math.max(seeds.get(id) ?? 0, weights.cart));
    if (context.itemId !== undefined && known.has(context.itemId))
      seeds.set(context.itemId, Math.max(seeds.get(context.itemId) ?? 0, weights.item));
    const personal = this.#personal(seeds, (seed) => `because you liked ${this.#title(seed)}`);
    const scope = {
      segment: context.segment ?? facts?.segment,
      storeId: context.storeId ?? facts?.storeId,
      trending: this.#parts.trending,
    };
    return this.#finish(k, personal, scope, notices, {
      bought: history?.bought,
      exclude: new Set(contextIds),
      personalised: history !== undefined || personal.length > 0,
    });
  }

  /**
   * Popularity for the request's store and segment only, ignoring who the customer is: what a
   * customer without `personalisation` consent gets (see {@link withConsent}).
   */
  async nonPersonalised(options: ForCustomerOptions): Promise<RecommendationResult> {
    const k = parseK(options?.k);
    const context = parseContext(options?.context);
    const notices: RecommendationNotice[] = [];
    const contextIds = [...(context.itemId === undefined ? [] : [context.itemId]), ...(context.cartItemIds ?? [])];
    this.#reportUnknown(contextIds, notices);
    const scope = { segment: context.segment, storeId: context.storeId, trending: this.#parts.trending };
    return this.#finish(k, [], scope, notices, { exclude: new Set(contextIds), personalised: false });
  }

  /** Items most like `itemId` by the model, else items bought with it; filled up from trending popularity. */
  async similarItems(itemId: string, options: TopKOptions): Promise<RecommendationResult> {
    const k = parseK(options?.k);
    const notices: RecommendationNotice[] = [];
    const known = this.#reportUnknown([itemId], notices);
    let primary: Sourced[] = [];
    if (known.has(itemId)) {
      primary = this.#personal(new Map([[itemId, 1]]), () => `similar to ${this.#title(itemId)}`, 'item');
      if (primary.length === 0) primary = this.#together([itemId]);
    }
    return this.#finish(k, primary, { trending: this.#parts.trending }, notices, { exclude: new Set([itemId]), personalised: false });
  }

  /** Items bought with the given ones by the association rules, else by the model; filled up from trending popularity. */
  async frequentlyBoughtTogether(itemIds: readonly string[], options: TopKOptions): Promise<RecommendationResult> {
    const k = parseK(options?.k);
    const notices: RecommendationNotice[] = [];
    const known = this.#reportUnknown(itemIds, notices);
    const seeds = [...itemIds].filter((id) => known.has(id));
    let primary = this.#together(seeds);
    if (primary.length === 0 && seeds.length > 0) {
      primary = this.#personal(new Map(seeds.map((id) => [id, 1])), (seed) => `bought with ${this.#title(seed)}`, 'basket');
    }
    return this.#finish(k, primary, { trending: this.#parts.trending }, notices, { exclude: new Set(itemIds), personalised: false });
  }

  #personal(
    seeds: ReadonlyMap<string, number>,
    reason: (seed: string) => string,
    strategy: RecommendationStrategy = 'personal',
  ): Sourced[] {
    const scorer = this.#parts.personal;
    if (!scorer || seeds.size === 0) return [];
    const candidates = scorer.score(seeds);
    const scores = new Map([...candidates].map(([id, candidate]) => [id, candidate.score]));
    return rank(scores).map(([itemId, score]) => ({
      itemId,
      score,
      reason: reason((candidates.get(itemId) as { because: string }).because),
      strategy,
    }));
  }

  #together(seeds: readonly string[]): Sourced[] {
    const model = this.#parts.associations;
    if (!model) return [];
    const best = new Map<string, { confidence: number; lift: number; because: string }>();
    for (const seed of seeds) {
      for (const rule of Object.hasOwn(model.rules, seed) ? (model.rules[seed] ?? []) : []) {
        const current = best.get(rule.consequent);
        if (!current || rule.confidence > current.confidence || (rule.confidence === current.confidence && rule.lift > current.lift)) {
          best.set(rule.consequent, { confidence: rule.confidence, lift: rule.lift, because: seed });
        }
      }
    }
    // Confidence ranks; lift breaks ties (a tiny epsilon keeps the score one number).
    const scores = new Map([...best].map(([id, rule]) => [id, rule.confidence + rule.lift * 1e-9]));
    return rank(scores).map(([itemId, score]) => ({
      itemId,
      score,
      reason: `bought with ${this.#title((best.get(itemId) as { because: string }).because)}`,
      strategy: 'basket' as const,
    }));
  }

  #finish(
    k: number,
    primary: Sourced[],
    scope: PopularityScope,
    notices: RecommendationNotice[],
    input: { bought?: ReadonlySet<string> | undefined; exclude: ReadonlySet<string>; personalised: boolean },
  ): RecommendationResult {
    // Fallback lists are long (up to 1000 items a scope); most calls need the first few. Try a
    // prefix of the merged list first and take all of it only when the rules left fewer than k
    // (without boosts the rules keep order, so a prefix that fills k gives the same answer).
    const needed = k * 4 + (input.bought?.size ?? 0) + input.exclude.size + this.#rules.exclude.length + this.#rules.pinned.length;
    let result = this.#merge(k, primary, scope, input, this.#rules.boosts.length === 0 ? needed : Number.POSITIVE_INFINITY);
    if (result.items.length < k && result.truncated) result = this.#merge(k, primary, scope, input, Number.POSITIVE_INFINITY);
    const { items, source } = result;
    const strategies = items.map((item) => source.get(item.itemId) ?? 'popularity-global');
    const primaryStrategy = primary[0]?.strategy;
    const usedPrimary = primaryStrategy !== undefined && strategies.includes(primaryStrategy);
    if (usedPrimary && strategies.some((strategy) => strategy !== primaryStrategy) && items.length > 0) {
      notices.push({ code: RecommendNoticeCode.FilledFromPopularity, message: 'the model had too few items; the rest are popular ones' });
    }
    const strategy = usedPrimary
      ? (primaryStrategy as RecommendationStrategy)
      : (strategies.find((s) => s !== 'personal') ?? 'popularity-global');
    return { items, strategy, personalised: input.personalised && strategy === 'personal', notices };
  }

  #merge(
    k: number,
    primary: Sourced[],
    scope: PopularityScope,
    input: { bought?: ReadonlySet<string> | undefined; exclude: ReadonlySet<string> },
    limit: number,
  ): { items: RecommendedItem[]; source: Map<string, RecommendationStrategy>; truncated: boolean } {
    const merged: Sourced[] = [...primary];
    const seen = new Set(primary.map((item) => item.itemId));
    let truncated = false;
    for (const step of popularCandidates(this.#parts.popularity, scope)) {
      if (truncated) break;
      // Each fallback ranks below everything before it: scaled under the lowest score so far.
      const floor = Math.max(merged.at(-1)?.score ?? 2, 0) * 0.5;
      const top = step.items[0]?.score ?? 1;
      let taken = 0;
      for (const item of step.items) {
        if (taken >= limit) {
          truncated = true;
          break;
        }
        if (seen.has(item.itemId)) continue;
        seen.add(item.itemId);
        taken++;
        merged.push({ ...item, score: top > 0 ? (item.score / top) * floor : 0, strategy: step.strategy });
      }
    }
    const source = new Map(merged.map((item) => [item.itemId, item.strategy]));
    const items = applyRules(merged, this.#rules, {
      k,
      catalogue: this.#parts.catalogue,
      bought: input.bought,
      exclude: input.exclude,
    }).map(({ itemId, score, reason }) => ({ itemId, score, reason }));
    return { items, source, truncated };
  }

  #reportUnknown(ids: readonly string[], notices: RecommendationNotice[]): Set<string> {
    const known = new Set<string>();
    const unknown: string[] = [];
    for (const id of ids) {
      const isKnown = this.#parts.catalogue
        ? this.#parts.catalogue.has(id)
        : (this.#parts.personal?.knows(id) ?? false) || this.#popular.has(id);
      if (isKnown) known.add(id);
      else if (!unknown.includes(id)) unknown.push(id);
    }
    if (unknown.length > 0) {
      notices.push({
        code: RecommendNoticeCode.UnknownItem,
        message: `unknown item ids were ignored: ${unknown.join(', ')}`,
        ids: unknown,
      });
    }
    return known;
  }

  #title(itemId: string): string {
    return this.#parts.catalogue?.title(itemId) ?? itemId;
  }
}
