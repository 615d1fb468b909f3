import type { RecommendedItem } from '@rapport/core';
import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import type { Catalogue } from '../catalogue/catalogue.js';
import { categoryWithin } from '../catalogue/catalogue-item.js';
import { RecommendErrorCode } from '../error-codes.js';

const itemId = z.string().min(1).max(256);
const category = z.string().min(1).max(1300);

/** Rules applied after scoring, in this order: boosts, exclusions, diversity, pins, k. */
export const BusinessRulesSchema = z
  .strictObject({
    /** Leave out items that are not in stock or on pre-order (and, with a catalogue, unknown items). @default true */
    excludeUnavailable: z.boolean().default(true),
    /** Leave out items the customer already bought. @default true */
    excludeBought: z.boolean().default(true),
    /** Category keys (`grocery/coffee`) whose items may be recommended again after a purchase: consumables. */
    repurchasable: z.array(category).max(1000).default([]),
    /** At most this many items per category (the first `diversityDepth` levels of the path). */
    maxPerCategory: z.number().int().min(1).max(1000).optional(),
    /** Category levels that count for diversity; all levels when left out. */
    diversityDepth: z.number().int().min(1).max(10).optional(),
    /** Items never shown. */
    exclude: z.array(itemId).max(10_000).default([]),
    /** Items placed at a position (0 = first), if available and not excluded. */
    pinned: z
      .array(z.strictObject({ itemId, position: z.number().int().min(0).max(999) }))
      .max(100)
      .default([]),
    /** Score multipliers for an item or every item under a category. */
    boosts: z
      .array(
        z
          .strictObject({ itemId: itemId.optional(), category: category.optional(), factor: z.number().positive().max(1000) })
          .refine((boost) => (boost.itemId === undefined) !== (boost.category === undefined), 'give exactly one of itemId and category'),
      )
      .max(1000)
      .default([]),
    /** Only items priced within [min, max] (needs a catalogue). */
    priceBand: z
      .strictObject({ min: z.number().min(0).optional(), max: z.number().min(0).optional() })
      .refine((band) => band.min === undefined || band.max === undefined || band.min <= band.max, {
        message: 'min may not exceed max',
        path: ['min'],
      })
      .optional(),
  })
  .refine((rules) => new Set(rules.pinned.map((pin) => pin.itemId)).size === rules.pinned.length, {
    message: 'an item may be pinned once',
    path: ['pinned'],
  });
/** Rules as passed in. */
export type BusinessRulesInput = z.input<typeof BusinessRulesSchema>;
/** Rules after defaults. */
export type BusinessRules = z.output<typeof BusinessRulesSchema>;

/** Parses rules once; throws `RECOMMEND_INVALID_OPTIONS` naming the field. */
export function businessRules(input: BusinessRulesInput = {}): BusinessRules {
  return parseInput(BusinessRulesSchema, input, 'rules', RecommendErrorCode.InvalidOptions);
}

/** What the rules need to know about one request. */
export interface RuleInput {
  k: number;
  catalogue?: Catalogue | undefined;
  /** What the customer bought (empty when they are unknown or the result is not personalised). */
  bought?: ReadonlySet<string>;
  /** Items to leave out for this request only (the cart, the item on screen). */
  exclude?: ReadonlySet<string>;
}

/**
 * Applies the rules to candidates sorted best first (ties by item id) and returns at most `k` items. Pure:
 * the same candidates and input give the same list.
 */
export function applyRules(candidates: readonly RecommendedItem[], rules: BusinessRules, input: RuleInput): RecommendedItem[] {
  const { catalogue, k } = input;
  const excluded = new Set(rules.exclude);
  const pinned = new Set(rules.pinned.map((pin) => pin.itemId));
  const allowed = (id: string): boolean => {
    if (excluded.has(id) || input.exclude?.has(id)) return false;
    if (catalogue && rules.excludeUnavailable && !catalogue.isAvailable(id)) return false;
    if (rules.priceBand) {
      const price = catalogue?.get(id)?.price;
      if (price === undefined) return false;
      if (rules.priceBand.min !== undefined && price < rules.priceBand.min) return false;
      if (rules.priceBand.max !== undefined && price > rules.priceBand.max) return false;
    }
    return true;
  };
  // Without boosts the candidates keep their order (they arrive sorted), which spares a copy and a sort per call.
  const boosted =
    rules.boosts.length === 0
      ? candidates
      : candidates
          .map((candidate) => ({ ...candidate, score: candidate.score * boostOf(candidate.itemId, rules, catalogue) }))
          .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));

  const perCategory = new Map<string, number>();
  const kept: RecommendedItem[] = [];
  const seen = new Set<string>();
  const slots = k - rules.pinned.filter((pin) => allowed(pin.itemId)).length;
  for (const candidate of boosted) {
    if (kept.length >= slots) break;
    const id = candidate.itemId;
    if (seen.has(id) || pinned.has(id) || !allowed(id)) continue;
    if (rules.excludeBought && input.bought?.has(id) && !repurchasable(id, rules, catalogue)) continue;
    if (rules.maxPerCategory !== undefined) {
      const key = diversityKey(id, rules, catalogue);
      const count = perCategory.get(key) ?? 0;
      if (count >= rules.maxPerCategory) continue;
      perCategory.set(key, count + 1);
    }
    seen.add(id);
    kept.push(candidate);
  }
  const pins = rules.pinned.filter((pin) => allowed(pin.itemId)).sort((a, b) => a.position - b.position);
  for (const pin of pins) {
    const at = Math.min(pin.position, kept.length);
    const score = kept[at]?.score ?? kept[at - 1]?.score ?? 0;
    kept.splice(at, 0, { itemId: pin.itemId, score, reason: 'featured' });
  }
  return kept.slice(0, k);
}

function boostOf(id: string, rules: BusinessRules, catalogue: Catalogue | undefined): number {
  let factor = 1;
  const key = catalogue?.category(id);
  for (const boost of rules.boosts) {
    if (boost.itemId === id || (boost.category !== undefined && key !== undefined && categoryWithin(key, boost.category)))
      factor *= boost.factor;
  }
  return factor;
}

function repurchasable(id: string, rules: BusinessRules, catalogue: Catalogue | undefined): boolean {
  const key = catalogue?.category(id);
  return key !== undefined && rules.repurchasable.some((prefix) => categoryWithin(key, prefix));
}

function diversityKey(id: string, rules: BusinessRules, catalogue: Catalogue | undefined): string {
  const path = catalogue?.get(id)?.categoryPath;
  // An item the catalogue does not know is its own category: it cannot crowd out others.
  if (!path) return `\u0000${id}`;
  return (rules.diversityDepth === undefined ? path : path.slice(0, rules.diversityDepth)).join('/');
}
