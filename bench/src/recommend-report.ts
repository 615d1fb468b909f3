import { EVALUATION_METRICS } from '@rapport/recommend';
import type { RecommendResult } from './recommend.js';

const fmt = (value: number, digits = 3) => value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${value >= 0 ? '+' : ''}${(value * 100).toFixed(0)} %`;

/** The markdown of the recommendation section of docs/benchmarks.md. */
export function renderRecommend(result: RecommendResult): string[] {
  const d = result.data;
  const lines = [
    '## 6. Recommendations',
    '',
    'Offline evaluation on the Online Retail sample (shared/datasets/online-retail: 30,000 random invoice lines of',
    'a UK gift-ware retailer, 2010-12 to 2011-12). Each invoice line is a purchase; the invoice is the basket and',
    'the country the store. Truth is what a customer bought in the test part that they had not bought in the',
    'train part (recommenders hide bought items); customers new in the test part are counted but not judged.',
    'Every recommender falls back to store (country), then global popularity. Goal: item-kNN and EASE ≥ 1.3 ×',
    'popularity on recall@10.',
    '',
    `Lines read ${d.lines.toLocaleString('en-GB')}; used ${d.used.toLocaleString('en-GB')}; dropped: ${d.cancellations} cancellations (\`C\` invoices), ` +
      `${d.nonPositiveQuantity} other lines with quantity ≤ 0, ${d.missingCustomer.toLocaleString('en-GB')} without a customer id, ` +
      `${d.nonPositivePrice} with price ≤ 0, ${d.nonProduct} fee or adjustment codes (postage, manual, …), ${d.badDate} with a bad date. ` +
      `${d.customers.toLocaleString('en-GB')} customers, ${d.items.toLocaleString('en-GB')} items, ${d.invoices.toLocaleString('en-GB')} invoices, ${d.first} to ${d.last}.`,
    '',
  ];
  for (const { split, report } of result.evaluations) {
    const cutoff =
      report.split.cutoff === null ? '' : `, cut at ${new Date(report.split.cutoff).toISOString().slice(0, 16).replace('T', ' ')}`;
    const base = report.rows.find((row) => row.baseline);
    lines.push(
      `### ${split}`,
      '',
      `${report.split.trainEvents.toLocaleString('en-GB')} train / ${report.split.testEvents.toLocaleString('en-GB')} test lines${cutoff}; ` +
        `${report.split.customers.toLocaleString('en-GB')} customers judged (${fmt(report.split.meanRelevant, 1)} new items each on average), ` +
        `${report.split.coldCustomers.toLocaleString('en-GB')} new customers not judged.`,
      '',
      `| recommender | k | ${EVALUATION_METRICS.map((m) => m).join(' | ')} | recall vs popularity | NDCG vs popularity | MAP vs popularity | train s |`,
      `| --- | ---: | ${EVALUATION_METRICS.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: |`,
    );
    for (const row of report.rows) {
      for (const k of report.k) {
        const m = row.metrics[k];
        if (!m) continue;
        const vs = row.vsBaseline[k];
        lines.push(
          `| ${row.name} | ${k} | ${EVALUATION_METRICS.map((metric) => fmt(m[metric], 4)).join(' | ')} | ${row.baseline ? 'baseline' : pct(vs?.recall)} | ${row.baseline ? '' : pct(vs?.ndcg)} | ${row.baseline ? '' : pct(vs?.map)} | ${fmt(row.trainMs / 1000, 1)} |`,
        );
      }
    }
    lines.push('');
    for (const row of report.rows.filter((r) => !r.baseline && r.name !== undefined && !r.name.startsWith('popularity'))) {
      const ratio = (row.metrics[10]?.recall ?? 0) / (base?.metrics[10]?.recall || Number.NaN);
      const change = (metric: (typeof EVALUATION_METRICS)[number]) => `${metric} ${pct(row.vsBaseline[10]?.[metric])}`;
      lines.push(
        `- ${row.name}: recall@10 ${fmt(ratio, 2)} × popularity (${!split.startsWith('temporal') ? 'the goal is set for the temporal split' : ratio >= 1.3 ? 'goal met' : '**goal not met**'}); at k = 10 against popularity: ${EVALUATION_METRICS.map(change).join(', ')}.`,
      );
    }
    lines.push('');
  }
  lines.push(
    '### Latency',
    '',
    'Incremental update: item-kNN trained on the first 80 % of lines (by time), then each remaining line added',
    'with `counts.add` + `history.add`, timed one by one beside a popularity count map update. `forCustomer`:',
    'every customer twice after 500 unmeasured calls, alternating with the popularity recommender. Goals: update',
    'p99 < 1 ms; `forCustomer` p99 < 10 ms.',
    '',
    '| operation | samples | p50 ms | p99 ms | max ms | baseline | baseline p99 ms | goal met |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |',
    ...result.latency.map(
      (row) =>
        `| ${row.operation} | ${row.samples.toLocaleString('en-GB')} | ${fmt(row.p50Ms)} | ${fmt(row.p99Ms)} | ${fmt(row.maxMs)} | ${row.baseline} | ${fmt(row.baselineP99Ms)} | ${row.p99Ms < (row.operation.includes('update') ? 1 : 10) ? 'yes' : '**no**'} |`,
    ),
    '',
  );
  return lines;
}
