import type { RecommendScaleResult } from './recommend-scale.js';

const fmt = (value: number, digits = 0) => value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pass = (ok: boolean) => (ok ? 'yes' : '**no**');

/** The markdown of the recommendation-at-scale section of docs/benchmarks.md. */
export function renderRecommendScale(rows: readonly RecommendScaleResult[]): string[] {
  return [
    '## Recommendations at scale',
    '',
    'The recommend plugin on a synthetic shop (seeded; items and customers both Zipf-distributed, 70 % of a',
    "customer's items from their own taste group, views often followed by a cart and a purchase), each step in",
    'a child process of its own: feedback rows written to the plugin table; a full training job (read every row',
    'through the storage, train popularity, histories, item-kNN and association rules, save the version in',
    "chunks, switch) with the child's peak RSS; a new Crm's first call (the stored model read back whole); then",
    '5,000 `forCustomer` calls with k = 10 after 1,000 unmeasured ones, each beside the same call to the',
    'popularity recommender (consent check included in both); and 20,000 live updates of one interaction',
    '(what the `interaction.recorded` listener does) beside a popularity count +1. Goals: item-kNN training',
    '< 30 s and peak RSS < 1 GB, `forCustomer` p99 < 10 ms, an update < 1 ms p99.',
    '',
    '| database | interactions | customers | items | item pairs | training job s | of it: read s | item-kNN counts s | popularity training s (baseline) | peak RSS MiB | model load s | forCustomer p50 / p99 ms | popularity p50 / p99 ms | update p50 / p99 ms | count +1 p99 ms | goals met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (row) =>
        `| ${row.target} | ${fmt(row.interactions)} | ${fmt(row.customers)} | ${fmt(row.items)} | ${fmt(row.pairs)} | ${fmt(row.trainMs / 1000, 1)} | ${fmt(row.readMs / 1000, 1)} | ${fmt(row.knnMs / 1000, 1)} | ${fmt(row.popularityMs / 1000, 1)} | ${fmt(row.trainPeakRssMiB)} | ${fmt(row.loadMs / 1000, 1)} | ${fmt(row.serveP50Ms, 2)} / ${fmt(row.serveP99Ms, 2)} | ${fmt(row.popularityP50Ms, 2)} / ${fmt(row.popularityP99Ms, 2)} | ${fmt(row.updateP50Ms, 3)} / ${fmt(row.updateP99Ms, 3)} | ${fmt(row.baselineUpdateP99Ms, 4)} | ${pass(row.trainMs < 30_000 && row.trainPeakRssMiB < 1024 && row.serveP99Ms < 10 && row.updateP99Ms < 1)} |`,
    ),
    '',
  ];
}
