/** Accuracy of one ranked list against the items the customer really went on to want. */
export interface RankingMetrics {
  /** Hits / relevant items. */
  recall: number;
  /** Hits / k. */
  precision: number;
  /** DCG / ideal DCG, binary relevance, gain 1 / log2(rank + 1). */
  ndcg: number;
  /** Average precision at k: Σ precision@i over hit ranks i, / min(k, relevant). */
  averagePrecision: number;
  /** 1 when any of the first k is relevant. */
  hit: number;
}

/**
 * The standard top-k metrics for one list (`recommended`, best first; only the first `k`
 * count) against a non-empty set of relevant items.
 */
export function rankingMetrics(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): RankingMetrics {
  if (relevant.size === 0) throw new RangeError('rankingMetrics needs at least one relevant item');
  const top = recommended.slice(0, k);
  let hits = 0;
  let dcg = 0;
  let precisionSum = 0;
  top.forEach((itemId, index) => {
    if (!relevant.has(itemId)) return;
    hits++;
    dcg += 1 / Math.log2(index + 2);
    precisionSum += hits / (index + 1);
  });
  let ideal = 0;
  const idealHits = Math.min(k, relevant.size);
  for (let index = 0; index < idealHits; index++) ideal += 1 / Math.log2(index + 2);
  return {
    recall: hits / relevant.size,
    precision: hits / k,
    ndcg: dcg / ideal,
    averagePrecision: precisionSum / idealHits,
    hit: hits > 0 ? 1 : 0,
  };
}
