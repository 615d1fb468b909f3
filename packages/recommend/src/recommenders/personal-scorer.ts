/** A candidate item scored by a personal model, with the seed item that contributed most. */
export interface Candidate {
  score: number;
  /** The seed item (from the history, the context or the request) that contributed most. */
  because: string;
}

/**
 * The part of a personal model that scores: given seed items with weights (a customer's
 * history, a cart, one item), score the items they point to. Item-kNN and EASE implement it;
 * the hybrid recommender does fallbacks, rules and reasons around it.
 */
export interface PersonalScorer {
  /** The model's name (`item-knn`, `ease`). */
  readonly name: string;
  /** True when the model can score from this item. */
  knows(itemId: string): boolean;
  /** Candidates pointed to by the seeds (positive scores only; seeds themselves left out). */
  score(seeds: ReadonlyMap<string, number>): Map<string, Candidate>;
  /**
   * Optional: the best `limit` of {@link PersonalScorer.score}'s candidates, best first (ties by
   * item id), and how many there were in all. A scorer with it spares the recommender sorting
   * thousands of candidates when a result keeps ten.
   */
  top?(seeds: ReadonlyMap<string, number>, limit: number): { candidates: (Candidate & { itemId: string })[]; total: number };
}

/** Adds a contribution to a candidate, keeping the seed that gave the most. */
export function contribute(candidates: Map<string, Candidate & { best: number }>, itemId: string, amount: number, seed: string): void {
  const current = candidates.get(itemId);
  if (!current) {
    candidates.set(itemId, { score: amount, because: seed, best: amount });
    return;
  }
  current.score += amount;
  if (amount > current.best || (amount === current.best && seed < current.because)) {
    current.best = amount;
    current.because = seed;
  }
}
