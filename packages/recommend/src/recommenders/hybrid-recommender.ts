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
import { cmp } from '../feedback/feedback-event.js';
import type { AssociationModel } from '../models/association-model.js';
import type { PopularityModel } from '../models/popularity-model.js';
import { rank } from '../models/ranked-list.js';
import { applyRules, type BusinessRules, type BusinessRulesInput, businessRules } from '../rules/business-rules.js';
import type { PersonalScorer } from './personal-scorer.js';
import { type PopularityScope, popularitySteps } from './popularity-source.js';
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

/** A ranked primary list: maybe only a prefix of it (`truncated`), with a way to get all of it. */
interface Primary {
  items: Sourced[];
  truncated: boolean;
  full: () => Sourced[];
}

/** A primary list that is whole. */
function whole(items: Sourced[]): Primary {
  return { items, truncated: false, full: () => items };
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
    const reason = (seed: string) => `because you liked ${this.#title(seed)}`;
    const input = { bought: history?.bought, exclude: new Set(contextIds) };
    // Only the head of the personal list can make the result (see #finish); all of it if the rules need more.
    const personal = this.#personal(seeds, reason, 'personal', this.#limit(k, input));
    const scope = {
      segment: context.segment ?? facts?.segment,
      storeId: context.storeId ?? facts?.storeId,
      trending: this.#parts.trending,
    };
    return this.#finish(
      k,
      {
        items: personal.items,
        truncated: personal.truncated,
        full: () => this.#personal(seeds, reason, 'personal', Number.POSITIVE_INFINITY).items,
      },
      scope,
      notices,
      { ...input, personalised: history !== undefined || personal.items.length > 0 },
    );
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
    return this.#finish(k, whole([]), scope, notices, { exclude: new Set(contextIds), personalised: false });
  }

  /** Items most like `itemId` by the model, else items bought with it; filled up from trending popularity. */
  async similarItems(itemId: string, options: TopKOptions): Promise<RecommendationResult> {
    const k = parseK(options?.k);
    const notices: RecommendationNotice[] = [];
    const known = this.#reportUnknown([itemId], notices);
    let primary: Sourced[] = [];
    if (known.has(itemId)) {
      primary = this.#personal(new Map([[itemId, 1]]), () => `similar to ${this.#title(itemId)}`, 'item').items;
      if (primary.length === 0) primary = this.#together([itemId]);
    }
    return this.#finish(k, whole(primary), { trending: this.#parts.trending }, notices, {
      exclude: new Set([itemId]),
      personalised: false,
    });
  }

  /** Items bought with the given ones by the association rules, else by the model; filled up from trending popularity. */
  async frequentlyBoughtTogether(itemIds: readonly string[], options: TopKOptions): Promise<RecommendationResult> {
    const k = parseK(options?.k);
    const notices: RecommendationNotice[] = [];
    const known = this.#reportUnknown(itemIds, notices);
    const seeds = [...itemIds].filter((id) => known.has(id));
    let primary = this.#together(seeds);
    if (primary.length === 0 && seeds.length > 0) {
      primary = this.#personal(new Map(seeds.map((id) => [id, 1])), (seed) => `bought with ${this.#title(seed)}`, 'basket').items;
    }
    return this.#finish(k, whole(primary), { trending: this.#parts.trending }, notices, {
      exclude: new Set(itemIds),
      personalised: false,
    });
  }

  /** The personal model's candidates, best first: the first `limit` of them (`truncated` when there were more). */
  #personal(
    seeds: ReadonlyMap<string, number>,
    reason: (seed: string) => string,
    strategy: RecommendationStrategy = 'personal',
    limit = Number.POSITIVE_INFINITY,
  ): { items: Sourced[]; truncated: boolean } {
    const scorer = this.#parts.personal;
    if (!scorer || seeds.size === 0) return { items: [], truncated: false };
    const sourced = (candidate: { itemId: string; score: number; because: string }): Sourced => ({
      itemId: candidate.itemId,
      score: candidate.score,
      reason: reason(candidate.because),
      strategy,
    });
    if (scorer.top) {
      const { candidates, total } = scorer.top(seeds, limit);
      return { items: candidates.map(sourced), truncated: total > candidates.length };
    }
    const ranked = [...scorer.score(seeds)]
      .map(([itemId, candidate]) => ({ itemId, score: candidate.score, because: candidate.because }))
      .sort((a, b) => b.score - a.score || cmp(a.itemId, b.itemId));
    const head = ranked.length > limit ? ranked.slice(0, limit) : ranked;
    return { items: head.map(sourced), truncated: head.length < ranked.length };
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

  /**
   * How many candidates a result can reach into: a prefix this long of each list, once the rules
   * have dropped what they drop, still fills k (boosts reorder, so then everything counts).
   */
  #limit(k: number, input: { bought?: ReadonlySet<string> | undefined; exclude: ReadonlySet<string> }): number {
    if (this.#rules.boosts.length > 0) return Number.POSITIVE_INFINITY;
    return k * 4 + (input.bought?.size ?? 0) + input.exclude.size + this.#rules.exclude.length + this.#rules.pinned.length;
  }

  #finish(
    k: number,
    primary: Primary,
    scope: PopularityScope,
    notices: RecommendationNotice[],
    input: { bought?: ReadonlySet<string> | undefined; exclude: ReadonlySet<string>; personalised: boolean },
  ): RecommendationResult {
    // Lists are long (thousands of personal candidates, up to 1000 items a popularity scope);
    // most calls need the first few. Merge prefixes first, and everything only when the rules
    // left fewer than k: nothing after a cut list is merged, so when the rules fill k from the
    // prefixes they stopped inside them and the full lists would give the same answer.
    let result = this.#merge(k, primary.items, primary.truncated, scope, input, this.#limit(k, input));
    if (result.items.length < k && result.truncated)
      result = this.#merge(k, primary.truncated ? primary.full() : primary.items, false, scope, input, Number.POSITIVE_INFINITY);
    const { items, source } = result;
    const strategies = items.map((item) => source.get(item.itemId) ?? 'popularity-global');
    const primaryStrategy = primary.items[0]?.strategy;
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
    primaryTruncated: boolean,
    scope: PopularityScope,
    input: { bought?: ReadonlySet<string> | undefined; exclude: ReadonlySet<string> },
    limit: number,
  ): { items: RecommendedItem[]; source: Map<string, RecommendationStrategy>; truncated: boolean } {
    const merged: Sourced[] = [...primary];
    const seen = new Set(primary.map((item) => item.itemId));
    // A cut primary list is followed by nothing: what comes after it in the full list would rank first.
    let truncated = primaryTruncated;
    for (const step of popularitySteps(this.#parts.popularity, scope)) {
      if (truncated) break;
      // Each fallback ranks below everything before it: scaled under the lowest score so far.
      const floor = Math.max(merged.at(-1)?.score ?? 2, 0) * 0.5;
      const top = step.list[0]?.[1] ?? 1;
      let taken = 0;
      // Entries become objects only when taken: a list is up to 1000 long, a call takes a few.
      for (const [itemId, score] of step.list) {
        if (taken >= limit) {
          truncated = true;
          break;
        }
        if (seen.has(itemId)) continue;
        seen.add(itemId);
        taken++;
        merged.push({ itemId, score: top > 0 ? (score / top) * floor : 0, reason: step.reason, strategy: step.strategy });
      }
    }
    const kept = applyRules(merged, this.#rules, {
      k,
      catalogue: this.#parts.catalogue,
      bought: input.bought,
      exclude: input.exclude,
    });
    // Where each kept item came from: the rules return the merged entries themselves, or a pin.
    const source = new Map<string, RecommendationStrategy>();
    for (const item of kept) {
      const strategy = (item as Partial<Sourced>).strategy ?? merged.find((entry) => entry.itemId === item.itemId)?.strategy;
      if (strategy !== undefined) source.set(item.itemId, strategy);
    }
    const items = kept.map(({ itemId, score, reason }) => ({ itemId, score, reason }));
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
