import type { EaseModel } from '../models/ease-model.js';
import type { Candidate, PersonalScorer } from './personal-scorer.js';

/** Scores with EASE: s = x·B over the seeds the model knows; only positive scores are candidates. */
export function easeScorer(model: EaseModel): PersonalScorer {
  const index = new Map(model.items.map((item, position) => [item, position]));
  const n = model.items.length;
  return {
    name: 'ease',
    knows: (itemId) => index.has(itemId),
    score(seeds) {
      const totals = new Float64Array(n);
      const best = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
      const because = new Array<string>(n);
      for (const [seed, weight] of seeds) {
        const i = index.get(seed);
        if (i === undefined) continue;
        const x = model.weighted ? weight : 1;
        const offset = i * n;
        for (let j = 0; j < n; j++) {
          const amount = x * (model.weights[offset + j] as number);
          totals[j] = (totals[j] as number) + amount;
          if (amount > (best[j] as number) || (amount === best[j] && seed < (because[j] as string))) {
            best[j] = amount;
            because[j] = seed;
          }
        }
      }
      const candidates = new Map<string, Candidate>();
      for (let j = 0; j < n; j++) {
        const item = model.items[j] as string;
        const score = totals[j] as number;
        if (score > 0 && !seeds.has(item)) candidates.set(item, { score, because: because[j] as string });
      }
      return candidates;
    },
  };
}
