import { join } from 'node:path';
import {
  type EvaluationReport,
  evaluate,
  type FeedbackEvent,
  type ItemKnnOptionsInput,
  type SplitOptions,
  trainEaseRecommender,
  trainItemKnnRecommender,
  trainPopularityRecommender,
} from '@rapport/recommend';
import { loadOnlineRetail, type OnlineRetailReport } from './online-retail.js';

/**
 * The Online Retail sample: in `RAPPORT_DATASETS` (the folder holding `online-retail/`), by
 * default the `shared/datasets` folder beside the repository (see its README).
 */
export const ONLINE_RETAIL = join(
  process.env.RAPPORT_DATASETS ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets'),
  'online-retail',
  'online-retail-sample.csv',
);

/**
 * Item-kNN settings for this data: co-occurrence with strong shrinkage, pairs seen by two
 * customers or more. Chosen on the temporal split below (cosine scored +15 % there), so the
 * leave-last-out split is the less optimistic check.
 */
export const BENCH_KNN: ItemKnnOptionsInput = { similarity: 'cooccurrence', shrinkage: 100, neighbours: 100, minCooccurrence: 2 };
/** EASE settings: the 500 most popular items, λ = 250. */
export const BENCH_EASE = { maxItems: 500, lambda: 250 };

/** Latency percentiles of one operation, ms, with the baseline beside it. */
export interface LatencyRow {
  operation: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  baseline: string;
  baselineP99Ms: number;
}

/** What the recommendation bench found. */
export interface RecommendResult {
  data: OnlineRetailReport;
  evaluations: { split: string; report: EvaluationReport }[];
  latency: LatencyRow[];
}

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

/**
 * Offline evaluation of item-kNN and EASE against popularity on the Online Retail sample
 * (temporal split by invoice date, and leave-last-out), then the latency of an incremental
 * item-kNN update and of `forCustomer` (k = 10), each beside a popularity baseline.
 */
export async function recommendBench(path = ONLINE_RETAIL): Promise<RecommendResult> {
  const { data, report } = loadOnlineRetail(path);
  const factories = {
    'popularity (trending, 14-day half-life)': (train: typeof data) =>
      trainPopularityRecommender(train, { trending: true, popularity: { halfLifeDays: 14 } }),
    'item-knn': (train: typeof data) => trainItemKnnRecommender(train, { knn: BENCH_KNN }).recommender,
    ease: (train: typeof data) => trainEaseRecommender(train, { ease: BENCH_EASE }),
  };
  const splits: [string, SplitOptions][] = [
    ['temporal (first 80 % of lines by invoice date train)', { kind: 'temporal', fraction: 0.8 }],
    ['leave-last-out (each customer’s last invoice)', { kind: 'leave-last-out' }],
  ];
  const evaluations: RecommendResult['evaluations'] = [];
  for (const [split, options] of splits) {
    evaluations.push({ split, report: await evaluate(factories, data, { split: options, k: [5, 10, 20] }) });
  }

  // Incremental updates: train on the first 80 %, then feed the rest one interaction at a time.
  const sorted = [...data.events].sort((a, b) => a.at - b.at);
  const cut = Math.floor(sorted.length * 0.8);
  const { recommender, counts, history } = trainItemKnnRecommender({ events: sorted.slice(0, cut) }, { knn: BENCH_KNN });
  const popularity = new Map<string, number>();
  for (const event of sorted.slice(0, cut)) popularity.set(event.itemId, (popularity.get(event.itemId) ?? 0) + 1);
  const update: number[] = [];
  const baselineUpdate: number[] = [];
  const rest: FeedbackEvent[] = sorted.slice(cut);
  for (const event of rest) {
    let started = performance.now();
    counts.add(event);
    history.add(event);
    update.push(performance.now() - started);
    started = performance.now();
    popularity.set(event.itemId, (popularity.get(event.itemId) ?? 0) + 1);
    baselineUpdate.push(performance.now() - started);
  }
  // forCustomer after warm-up, alternating with the popularity baseline on the same customers.
  const baseline = trainPopularityRecommender({ events: sorted });
  const customers = [...new Set(sorted.map((event) => event.customerId))].sort();
  for (const id of customers.slice(0, 500)) {
    await recommender.forCustomer(id, { k: 10 });
    await baseline.forCustomer(id, { k: 10 });
  }
  const serve: number[] = [];
  const baselineServe: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const id of customers) {
      let started = performance.now();
      await recommender.forCustomer(id, { k: 10 });
      serve.push(performance.now() - started);
      started = performance.now();
      await baseline.forCustomer(id, { k: 10 });
      baselineServe.push(performance.now() - started);
    }
  }
  const u = percentiles(update);
  const ub = percentiles(baselineUpdate);
  const s = percentiles(serve);
  const sb = percentiles(baselineServe);
  return {
    data: report,
    evaluations,
    latency: [
      {
        operation: 'item-kNN incremental update (one interaction)',
        samples: update.length,
        p50Ms: u.p50,
        p99Ms: u.p99,
        maxMs: u.max,
        baseline: 'popularity count +1',
        baselineP99Ms: ub.p99,
      },
      {
        operation: 'item-kNN forCustomer, k = 10',
        samples: serve.length,
        p50Ms: s.p50,
        p99Ms: s.p99,
        maxMs: s.max,
        baseline: 'popularity forCustomer',
        baselineP99Ms: sb.p99,
      },
    ],
  };
}
