import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import { RecommendErrorCode } from '../error-codes.js';
import { cmp, type TrainingSet } from '../feedback/feedback-event.js';
import { getOrCreate } from './ranked-list.js';

/** Options of {@link mineAssociationRules}. */
export const AssociationOptionsSchema = z.strictObject({
  /** Feedback types whose baskets count (orders, not browsing). @default ['purchase'] */
  basketTypes: z.array(z.string().min(1)).min(1).default(['purchase']),
  /** Fewest baskets a pair must appear in. @default 2 */
  minCount: z.number().int().min(1).default(2),
  /** Lowest support (share of baskets holding both items). @default 0 */
  minSupport: z.number().min(0).max(1).default(0),
  /** Lowest confidence P(consequent | antecedent). @default 0.05 */
  minConfidence: z.number().min(0).max(1).default(0.05),
  /** Baskets with more distinct items than this are skipped (bulk orders pair everything). @default 100 */
  maxBasketSize: z.number().int().min(2).max(10_000).default(100),
});
/** Association options as passed in. */
export type AssociationOptions = z.input<typeof AssociationOptionsSchema>;

/** A rule antecedent → consequent with its measures. */
export interface AssociationRule {
  antecedent: string;
  consequent: string;
  /** Baskets holding both. */
  count: number;
  /** count / baskets. */
  support: number;
  /** count / baskets holding the antecedent. */
  confidence: number;
  /** confidence / support(consequent): above 1, the antecedent makes the consequent likelier. */
  lift: number;
}

/** Pairwise association rules as plain data, grouped by antecedent, best confidence first. */
export interface AssociationModel {
  kind: 'association';
  version: 1;
  /** Baskets mined (of two or more items, within the size limit). */
  basketCount: number;
  /** Item id → baskets holding it. */
  itemBaskets: Record<string, number>;
  /** Antecedent → its rules, confidence then lift descending, ties by consequent. */
  rules: Record<string, AssociationRule[]>;
}

/**
 * Mines one-to-one rules from the baskets (events sharing a `basketId`) of a training set.
 * Pairs are counted exactly (no Apriori pruning is needed for pairs); the measures are the
 * textbook ones, so a hand count checks them.
 */
export function mineAssociationRules(set: TrainingSet, options: AssociationOptions = {}): AssociationModel {
  const parsed = parseInput(AssociationOptionsSchema, options, 'options', RecommendErrorCode.InvalidOptions);
  const types = new Set(parsed.basketTypes);
  const baskets = new Map<string, Set<string>>();
  for (const event of set.events) {
    if (event.basketId === null || !types.has(event.type)) continue;
    const basket = getOrCreate(baskets, event.basketId, () => new Set());
    basket.add(event.itemId);
  }
  const itemBaskets = new Map<string, number>();
  const pairs = new Map<string, Map<string, number>>();
  let basketCount = 0;
  for (const basket of baskets.values()) {
    if (basket.size < 2 || basket.size > parsed.maxBasketSize) continue;
    basketCount++;
    const items = [...basket].sort(cmp);
    for (let i = 0; i < items.length; i++) {
      const a = items[i] as string;
      itemBaskets.set(a, (itemBaskets.get(a) ?? 0) + 1);
      for (let j = i + 1; j < items.length; j++) {
        const b = items[j] as string;
        const row = getOrCreate(pairs, a, () => new Map());
        row.set(b, (row.get(b) ?? 0) + 1);
      }
    }
  }
  const rules = new Map<string, AssociationRule[]>();
  const push = (antecedent: string, consequent: string, count: number) => {
    const support = count / basketCount;
    const confidence = count / (itemBaskets.get(antecedent) as number);
    if (support < parsed.minSupport || confidence < parsed.minConfidence) return;
    const lift = confidence / ((itemBaskets.get(consequent) as number) / basketCount);
    getOrCreate(rules, antecedent, () => []).push({ antecedent, consequent, count, support, confidence, lift });
  };
  for (const [a, row] of pairs) {
    for (const [b, count] of row) {
      if (count < parsed.minCount) continue;
      push(a, b, count);
      push(b, a, count);
    }
  }
  const sorted = [...rules.keys()].sort(cmp);
  return {
    kind: 'association',
    version: 1,
    basketCount,
    itemBaskets: Object.fromEntries([...itemBaskets].sort(([a], [b]) => cmp(a, b))),
    rules: Object.fromEntries(
      sorted.map((key) => [
        key,
        (rules.get(key) as AssociationRule[]).sort(
          (x, y) => y.confidence - x.confidence || y.lift - x.lift || cmp(x.consequent, y.consequent),
        ),
      ]),
    ),
  };
}
