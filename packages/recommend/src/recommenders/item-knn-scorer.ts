import type { ItemKnnCounts } from '../models/item-knn-model.js';
import type { PersonalScorer } from './personal-scorer.js';

/**
 * Scores with item-kNN: each seed's neighbours get seed weight × similarity, summed
 * ({@link ItemKnnCounts.scoreSeeds}). Reads the live counts, so an interaction added with
 * `counts.add` shows in the next call.
 */
export function itemKnnScorer(counts: ItemKnnCounts): PersonalScorer {
  return {
    name: 'item-knn',
    knows: (itemId) => counts.has(itemId),
    score: (seeds) => counts.scoreSeeds(seeds),
    top: (seeds, limit) => counts.topCandidates(seeds, limit),
  };
}
