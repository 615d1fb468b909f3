import type { ConsentDecision, ConsentStatus, ForCustomerOptions, RecommendationResult, Recommender, TopKOptions } from '@rapport/core';
import { RecommendNoticeCode } from '../error-codes.js';

/** The consent purpose that personalised recommendations need. */
export const PERSONALISATION_PURPOSE = 'personalisation';

/**
 * Answers whether a customer allows personalisation. Today: `(id) => crm.consent.check({
 * customerId: id, purpose: 'personalisation' })`; the extended consent gate plugs in the same way.
 */
export type ConsentLookup = (customerId: string, options: ForCustomerOptions) => Promise<ConsentDecision | ConsentStatus>;

/** A recommender that can answer without using who the customer is. */
export interface NonPersonalisedSource extends Recommender {
  /** Popularity for the request's store and segment only. */
  nonPersonalised(options: ForCustomerOptions): Promise<RecommendationResult>;
}

/**
 * Wraps a recommender so `forCustomer` personalises only for customers who granted
 * `personalisation`; the others (denied, withdrawn or never asked) get popularity in the
 * request's store or segment, with `personalised: false` and a `RECOMMEND_NO_CONSENT` notice.
 * Item and basket calls do not read the customer, so they pass through.
 */
export function withConsent(recommender: NonPersonalisedSource, lookup: ConsentLookup): Recommender {
  return {
    name: `${recommender.name}+consent`,
    async forCustomer(customerId, options) {
      const decision = await lookup(customerId, options);
      const allowed = typeof decision === 'string' ? decision === 'granted' : decision.allowed;
      const why = typeof decision === 'string' ? decision : decision.reason;
      if (allowed) return recommender.forCustomer(customerId, options);
      const result = await recommender.nonPersonalised(options);
      return {
        ...result,
        personalised: false,
        notices: [
          {
            code: RecommendNoticeCode.NoConsent,
            message: `no personalisation consent (${why}); showing popular items${options.context?.storeId ? ` in store ${options.context.storeId}` : ''}`,
          },
          ...result.notices,
        ],
      };
    },
    similarItems: (itemId: string, options: TopKOptions) => recommender.similarItems(itemId, options),
    frequentlyBoughtTogether: (itemIds: readonly string[], options: TopKOptions) => recommender.frequentlyBoughtTogether(itemIds, options),
  };
}
