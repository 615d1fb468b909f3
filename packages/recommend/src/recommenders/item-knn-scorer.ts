import type { ItemKnnCounts } from '../models/item-knn-model.js';
import { type Candidate, contribute, type PersonalScorer } from './personal-scorer.js';

/**
 * Scores with item-kNN: each seed's neighbours get seed weight × similarity, summed. Reads the
 * live counts, so an interaction added with `counts.add` shows in the next call.
 */
export function itemKnnScorer(counts: ItemKnnCounts): PersonalScorer {
  return {
    name: 'item-knn',
    knows: (itemId) => counts.has(itemId),
    score(seeds) {
      const candidates = new Map<string, Candidate & { best: number }>();
      for (const [seed, weight] of seeds) {
        for (const neighbour of counts.neighbours(seed)) {
          if (seeds.has(neighbour.itemId)) continue;
          contribute(candidates, neighbour.itemId, weight * neighbour.similarity, seed);
        }
      }
      return candidates;
    },
  };
}
