import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import { RecommendErrorCode } from '../error-codes.js';

/** How two items' co-occurrence becomes a similarity. */
export const SIMILARITIES = ['cosine', 'cooccurrence'] as const;
/** One of {@link SIMILARITIES}. */
export type Similarity = (typeof SIMILARITIES)[number];

/** Options of item-kNN. */
export const ItemKnnOptionsSchema = z.strictObject({
  /**
   * `cosine`: c(i,j) / √(n(i)·n(j)) over binary implicit feedback; `cooccurrence`: c(i,j).
   * @default 'cosine'
   */
  similarity: z.enum(SIMILARITIES).default('cosine'),
  /** Shrinkage s: a similarity is multiplied by c / (c + s), so pairs seen by few customers count less. @default 10 */
  shrinkage: z.number().min(0).max(10_000).default(10),
  /** Neighbours kept per item when scoring. @default 50 */
  neighbours: z.number().int().min(1).max(10_000).default(50),
  /** Pairs seen by fewer customers than this are not neighbours. @default 1 */
  minCooccurrence: z.number().int().min(1).default(1),
  /**
   * Most items per customer that form pairs (the latest ones): a wholesaler's thousand items
   * would add a million pairs and say little about any one of them. @default 500
   */
  maxItemsPerCustomer: z.number().int().min(2).max(100_000).default(500),
});
/** Item-kNN options as passed in. */
export type ItemKnnOptionsInput = z.input<typeof ItemKnnOptionsSchema>;
/** Item-kNN options after defaults. */
export type ItemKnnOptions = z.output<typeof ItemKnnOptionsSchema>;

/** Parses item-kNN options; throws `RECOMMEND_INVALID_OPTIONS` naming the field. */
export function itemKnnOptions(input: ItemKnnOptionsInput = {}): ItemKnnOptions {
  return parseInput(ItemKnnOptionsSchema, input, 'options', RecommendErrorCode.InvalidOptions);
}
