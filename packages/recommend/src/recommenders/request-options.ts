import type { RecommendationContext } from '@rapport/core';
import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import { RecommendErrorCode } from '../error-codes.js';

/** Most items one call may ask for. */
export const MAX_K = 1000;

const id = z.string().min(1).max(256);

/** `k` of every recommender call: an integer in 1..1000. */
export const KSchema = z.number().int('k must be an integer').min(1, 'k must be at least 1').max(MAX_K, `k must be at most ${MAX_K}`);

/** The context of `forCustomer`. */
export const RecommendationContextSchema = z.strictObject({
  itemId: id.optional(),
  cartItemIds: z.array(id).max(1000).optional(),
  channel: z.string().min(1).max(64).optional(),
  storeId: z.string().min(1).max(256).optional(),
  segment: z.string().min(1).max(256).optional(),
});

/** Checks `k`; throws `RECOMMEND_INVALID_OPTIONS` at `options.k`. */
export function parseK(k: unknown): number {
  return parseInput(KSchema, k, ['options', 'k'], RecommendErrorCode.InvalidOptions);
}

/** Checks a context; throws `RECOMMEND_INVALID_OPTIONS` at `options.context.<field>`. */
export function parseContext(context: unknown): RecommendationContext {
  return parseInput(RecommendationContextSchema, context ?? {}, ['options', 'context'], RecommendErrorCode.InvalidOptions);
}
