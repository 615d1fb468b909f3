import type { RecommendationStrategy, RecommendedItem } from '@rapport/core';
import type { PopularityModel } from '../models/popularity-model.js';
import type { RankedList } from '../models/ranked-list.js';

/** Which lists a popularity fallback reads, most specific first. */
export interface PopularityScope {
  segment?: string | undefined;
  storeId?: string | undefined;
  /** Use the time-decayed list instead of the all-time one for the global step. */
  trending?: boolean;
}

/** One popularity list a scope reads, with why its items are recommended. */
export interface PopularityStep {
  strategy: RecommendationStrategy;
  list: RankedList;
  reason: string;
}

/** The lists a scope reads, most specific first (the lists themselves, not copies: recommenders read a prefix per call). */
export function popularitySteps(model: PopularityModel, scope: PopularityScope): PopularityStep[] {
  const steps: PopularityStep[] = [];
  const segment = scope.segment !== undefined ? own(model.bySegment, scope.segment) : undefined;
  if (segment) steps.push({ strategy: 'popularity-segment', list: segment, reason: `popular in segment ${scope.segment}` });
  const store = scope.storeId !== undefined ? own(model.byStore, scope.storeId) : undefined;
  if (store) steps.push({ strategy: 'popularity-store', list: store, reason: `popular in store ${scope.storeId}` });
  if (scope.trending) steps.push({ strategy: 'popularity-trending', list: model.trending, reason: 'trending now' });
  steps.push({ strategy: 'popularity-global', list: model.global, reason: 'popular with all customers' });
  return steps;
}

/** Popular items for a scope: segment, then store, then global, each list's items tagged with why. */
export function popularCandidates(
  model: PopularityModel,
  scope: PopularityScope,
): { strategy: RecommendationStrategy; items: RecommendedItem[] }[] {
  return popularitySteps(model, scope).map(({ strategy, list, reason }) => ({
    strategy,
    items: list.map(([itemId, score]) => ({ itemId, score, reason })),
  }));
}

// Own properties only: a segment called "constructor" must not find Object.prototype's.
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
