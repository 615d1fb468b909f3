import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import { RecommendErrorCode } from '../error-codes.js';
import type { FeedbackEvent } from './feedback-event.js';

/** Default weights per interaction type: a purchase says more than a cart, a cart more than a view. */
export const DEFAULT_FEEDBACK_WEIGHTS: Readonly<Record<string, number>> = { purchase: 3, add_to_cart: 2, page_view: 1 };

const propertyName = z.string().min(1).max(64);

/** Which interactions count as feedback, how much each weighs, and where the item id is. */
export const FeedbackMappingSchema = z
  .strictObject({
    /** Interaction type → weight; types not listed are ignored. */
    weights: z
      .record(z.string().min(1).max(64), z.number().positive('a weight must be positive').max(1000))
      .default({ ...DEFAULT_FEEDBACK_WEIGHTS }),
    /** Property holding the item id, or an array of item ids (an order's lines). */
    itemProperty: propertyName.default('itemId'),
    /** Property holding the order or cart id. */
    basketProperty: propertyName.default('orderId'),
    /** Property holding the store id. */
    storeProperty: propertyName.default('storeId'),
  })
  .refine((mapping) => Object.keys(mapping.weights).length > 0, { message: 'give at least one interaction type', path: ['weights'] });

/** The mapping as passed in. */
export type FeedbackMappingInput = z.input<typeof FeedbackMappingSchema>;
/** The mapping after defaults. */
export type FeedbackMapping = z.output<typeof FeedbackMappingSchema>;

/** The fields of an interaction the mapping reads (a core `Interaction` has them all). */
export interface InteractionLike {
  id: string;
  customerId: string;
  type: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
}

/** An interaction of a mapped type that could not become feedback, and why. */
export interface SkippedInteraction {
  interactionId: string;
  reason: string;
}

/** Feedback made from interactions, and the mapped interactions that were skipped. */
export interface FeedbackBatch {
  events: FeedbackEvent[];
  skipped: SkippedInteraction[];
}

/** Parses a mapping once; throws `RECOMMEND_INVALID_OPTIONS` naming the field. */
export function feedbackMapping(input: FeedbackMappingInput = {}): FeedbackMapping {
  return parseInput(FeedbackMappingSchema, input, 'mapping', RecommendErrorCode.InvalidOptions);
}

/**
 * Turns interactions into feedback events. Types the mapping does not list are left out
 * silently (they are not feedback); a listed type without a usable item id is reported.
 */
export function toFeedback(interactions: Iterable<InteractionLike>, mapping: FeedbackMapping): FeedbackBatch {
  const events: FeedbackEvent[] = [];
  const skipped: SkippedInteraction[] = [];
  for (const interaction of interactions) {
    const weight = mapping.weights[interaction.type];
    if (weight === undefined) continue;
    const raw = interaction.properties[mapping.itemProperty];
    const ids = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : null;
    if (ids === null || ids.length === 0 || !ids.every((id): id is string => typeof id === 'string' && id.trim() !== '')) {
      skipped.push({
        interactionId: interaction.id,
        reason: `properties.${mapping.itemProperty} must be an item id or a list of item ids`,
      });
      continue;
    }
    const basket = interaction.properties[mapping.basketProperty];
    const store = interaction.properties[mapping.storeProperty];
    for (const itemId of new Set(ids)) {
      events.push({
        customerId: interaction.customerId,
        itemId,
        weight,
        type: interaction.type,
        at: interaction.occurredAt.getTime(),
        basketId: typeof basket === 'string' || typeof basket === 'number' ? String(basket) : null,
        storeId: typeof store === 'string' ? store : null,
      });
    }
  }
  return { events, skipped };
}
