import type { Recommender } from '@rapport/core';
import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import { RecommendErrorCode } from '../error-codes.js';
import { cmp, type TrainingSet } from '../feedback/feedback-event.js';
import { getOrCreate } from '../models/ranked-list.js';
import { trainPopularityRecommender } from '../recommenders/train-recommenders.js';
import { rankingMetrics } from './ranking-metrics.js';
import { type SplitOptions, SplitSchema, splitFeedback } from './split.js';

/** Trains a recommender on a training set (what `evaluate` calls with the train part). */
export type RecommenderFactory = (train: TrainingSet) => Recommender | Promise<Recommender>;

/** The metrics of one recommender at one k, averaged over the evaluated customers. */
export interface EvaluationMetrics {
  recall: number;
  precision: number;
  ndcg: number;
  /** Mean average precision. */
  map: number;
  hitRate: number;
  /** Distinct items recommended to anyone / distinct items in the training set. */
  coverage: number;
  /**
   * Average recommendation popularity: the mean, over lists, of the mean share of training
   * customers who had each recommended item. Higher means more popular items.
   */
  popularityBias: number;
}

/** The metric names of {@link EvaluationMetrics}. */
export const EVALUATION_METRICS = ['recall', 'precision', 'ndcg', 'map', 'hitRate', 'coverage', 'popularityBias'] as const;

/** One recommender's results. */
export interface EvaluationRow {
  name: string;
  /** True for the popularity baseline trained in the same run. */
  baseline: boolean;
  /** Time to train on the train part, ms. */
  trainMs: number;
  /** k → metrics. */
  metrics: Record<number, EvaluationMetrics>;
  /** k → metric → (this − baseline) / baseline; null where the baseline is 0. */
  vsBaseline: Record<number, Record<(typeof EVALUATION_METRICS)[number], number | null>>;
}

/** What {@link evaluate} found. */
export interface EvaluationReport {
  split: {
    kind: 'temporal' | 'leave-last-out';
    cutoff: number | null;
    trainEvents: number;
    testEvents: number;
    /** Customers judged: warm (in train) with at least one new relevant item in test. */
    customers: number;
    /** Test customers left out because the train part has no history for them. */
    coldCustomers: number;
    /** Mean relevant items per judged customer. */
    meanRelevant: number;
  };
  k: number[];
  rows: EvaluationRow[];
}

/** Options of {@link evaluate}. */
export const EvaluateOptionsSchema = z.strictObject({
  split: SplitSchema,
  /** The cut-offs. @default [5, 10, 20] */
  k: z.array(z.number().int().min(1).max(1000)).min(1).max(10).default([5, 10, 20]),
  /** Feedback types that count as relevant in the test part. @default ['purchase'] */
  relevantTypes: z.array(z.string().min(1)).min(1).default(['purchase']),
  /** Leave out of the truth items the customer already had in train (recommenders hide them). @default true */
  newItemsOnly: z.boolean().default(true),
  /** Judge at most this many customers (every n-th by id), for quick runs. */
  maxCustomers: z.number().int().min(1).optional(),
});
/** Evaluation options as passed in. */
export type EvaluateOptions = Omit<z.input<typeof EvaluateOptionsSchema>, 'split'> & { split: SplitOptions };

/**
 * Offline evaluation: splits `data`, trains each recommender and the popularity baseline on
 * the train part, asks each for every judged customer's top max(k), and scores the lists
 * against what the customer went on to buy. Deterministic for deterministic recommenders.
 */
export async function evaluate(
  recommenders: RecommenderFactory | Record<string, RecommenderFactory>,
  data: TrainingSet,
  options: EvaluateOptions,
): Promise<EvaluationReport> {
  const parsed = parseInput(EvaluateOptionsSchema, options, 'options', RecommendErrorCode.InvalidOptions);
  const ks = [...new Set(parsed.k)].sort((a, b) => a - b);
  const maxK = ks.at(-1) as number;
  const { train, test, cutoff } = splitFeedback(data, parsed.split);

  const trainItems = new Map<string, Set<string>>();
  const itemCustomers = new Map<string, number>();
  for (const event of train.events) {
    const items = getOrCreate(trainItems, event.customerId, () => new Set());
    if (!items.has(event.itemId)) itemCustomers.set(event.itemId, (itemCustomers.get(event.itemId) ?? 0) + 1);
    items.add(event.itemId);
  }
  const relevantTypes = new Set(parsed.relevantTypes);
  const truth = new Map<string, Set<string>>();
  const cold = new Set<string>();
  for (const event of test) {
    if (!relevantTypes.has(event.type)) continue;
    const known = trainItems.get(event.customerId);
    if (!known) {
      cold.add(event.customerId);
      continue;
    }
    if (parsed.newItemsOnly && known.has(event.itemId)) continue;
    const set = getOrCreate(truth, event.customerId, () => new Set());
    set.add(event.itemId);
  }
  let judged = [...truth.keys()].sort(cmp);
  if (parsed.maxCustomers !== undefined && judged.length > parsed.maxCustomers) {
    const step = judged.length / parsed.maxCustomers;
    judged = Array.from({ length: parsed.maxCustomers }, (_, index) => judged[Math.floor(index * step)] as string);
  }

  const factories: [string, RecommenderFactory, boolean][] = [['popularity', (set) => trainPopularityRecommender(set), true]];
  if (typeof recommenders === 'function') factories.push(['', recommenders, false]);
  else for (const [name, factory] of Object.entries(recommenders)) factories.push([name, factory, false]);

  const customerCount = trainItems.size;
  const rows: Omit<EvaluationRow, 'vsBaseline'>[] = [];
  for (const [name, factory, baseline] of factories) {
    const started = performance.now();
    const recommender = await factory(train);
    const trainMs = performance.now() - started;
    const sums = new Map(
      ks.map((k) => [k, { recall: 0, precision: 0, ndcg: 0, map: 0, hitRate: 0, popularityBias: 0, items: new Set<string>() }]),
    );
    for (const customerId of judged) {
      const relevant = truth.get(customerId) as Set<string>;
      const result = await recommender.forCustomer(customerId, { k: maxK });
      const list = result.items.map((item) => item.itemId);
      for (const k of ks) {
        const sum = sums.get(k) as NonNullable<ReturnType<typeof sums.get>>;
        const metrics = rankingMetrics(list, relevant, k);
        sum.recall += metrics.recall;
        sum.precision += metrics.precision;
        sum.ndcg += metrics.ndcg;
        sum.map += metrics.averagePrecision;
        sum.hitRate += metrics.hit;
        const top = list.slice(0, k);
        for (const id of top) sum.items.add(id);
        if (top.length > 0)
          sum.popularityBias += top.reduce((total, id) => total + (itemCustomers.get(id) ?? 0) / customerCount, 0) / top.length;
      }
    }
    const n = Math.max(judged.length, 1);
    const metrics: Record<number, EvaluationMetrics> = {};
    for (const [k, sum] of sums) {
      metrics[k] = {
        recall: sum.recall / n,
        precision: sum.precision / n,
        ndcg: sum.ndcg / n,
        map: sum.map / n,
        hitRate: sum.hitRate / n,
        coverage: itemCustomers.size === 0 ? 0 : sum.items.size / itemCustomers.size,
        popularityBias: sum.popularityBias / n,
      };
    }
    rows.push({ name: name || recommender.name, baseline, trainMs, metrics });
  }
  const base = rows[0] as Omit<EvaluationRow, 'vsBaseline'>;
  return {
    split: {
      kind: parsed.split.kind,
      cutoff,
      trainEvents: train.events.length,
      testEvents: test.length,
      customers: judged.length,
      coldCustomers: cold.size,
      meanRelevant: judged.reduce((total, id) => total + (truth.get(id)?.size ?? 0), 0) / Math.max(judged.length, 1),
    },
    k: ks,
    rows: rows.map((row) => ({
      ...row,
      vsBaseline: Object.fromEntries(
        ks.map((k) => [
          k,
          Object.fromEntries(
            EVALUATION_METRICS.map((metric) => {
              const b = (base.metrics[k] as EvaluationMetrics)[metric];
              return [metric, b === 0 ? null : ((row.metrics[k] as EvaluationMetrics)[metric] - b) / b];
            }),
          ),
        ]),
      ) as EvaluationRow['vsBaseline'],
    })),
  };
}
