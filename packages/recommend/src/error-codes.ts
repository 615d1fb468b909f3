import type { ValidationDetails } from '@rapport/core';
import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from '@rapport/core/plugin';

/** The error codes of `@rapport/recommend` with their kinds and details types. */
const recommendErrorCodes = {
  /** A catalogue row failed validation (a bad price, category or availability). */
  InvalidItem: { code: 'RECOMMEND_INVALID_ITEM', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** Options of a recommender, a rule set or a training run are invalid (k outside 1..1000). */
  InvalidOptions: { code: 'RECOMMEND_INVALID_OPTIONS', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** An interaction could not be mapped to feedback. */
  InvalidInteraction: { code: 'RECOMMEND_INVALID_INTERACTION', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A model version was asked for that the store does not hold. */
  ModelNotFound: { code: 'RECOMMEND_MODEL_NOT_FOUND', kind: 'not_found', details: errorDetails<Record<string, unknown>>() },
} as const;

declare module '@rapport/core' {
  /** `@rapport/recommend`'s codes in the error-code registry. */
  interface RapportErrorCodes extends ErrorCodeEntries<typeof recommendErrorCodes> {}
}

/** The stable error codes of `@rapport/recommend`. */
export const RecommendErrorCode = defineErrorCodes('@rapport/recommend', recommendErrorCodes);

/** One of the codes in {@link RecommendErrorCode}. */
export type RecommendErrorCode = (typeof RecommendErrorCode)[keyof typeof RecommendErrorCode];

/** Codes of the notices a result may carry (not errors: the call still succeeds). */
export const RecommendNoticeCode = {
  /** Item ids in the request or context that the catalogue or model does not know; ignored. */
  UnknownItem: 'RECOMMEND_UNKNOWN_ITEM',
  /** The customer has no history in the model; popularity was served. */
  UnknownCustomer: 'RECOMMEND_UNKNOWN_CUSTOMER',
  /** The customer has not granted `personalisation`; non-personalised results were served. */
  NoConsent: 'RECOMMEND_NO_CONSENT',
  /** The personal model had too few candidates; the rest came from popularity. */
  FilledFromPopularity: 'RECOMMEND_FILLED_FROM_POPULARITY',
} as const;

/** One of the codes in {@link RecommendNoticeCode}. */
export type RecommendNoticeCode = (typeof RecommendNoticeCode)[keyof typeof RecommendNoticeCode];
