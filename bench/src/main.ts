import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type EncryptionResult, encryptionPostgres, encryptionSqlite } from './encryption.js';
import { type IngestResult, ingestPostgres, ingestSqlite } from './ingest.js';
import { type JobsResult, jobsPostgres, jobsSqlite } from './jobs.js';
import { describeMachine } from './machine.js';
import { ONLINE_RETAIL, type RecommendResult, recommendBench } from './recommend.js';
import { renderReport, writeReport } from './report.js';
import { type ScaleResult, scalePostgres, scaleSqlite } from './scale.js';
import { type TablesResult, tablesPostgres, tablesSqlite } from './tables.js';

/** Sizes: `full` is the (1M interactions to ingest; 1M customers / ~10M interactions). */
const SIZES = {
  small: { ingest: 50_000, customers: 20_000, jobs: 5_000, tables: 100_000, encryption: 3_000 },
  medium: { ingest: 200_000, customers: 200_000, jobs: 20_000, tables: 100_000, encryption: 10_000 },
  full: { ingest: 1_000_000, customers: 1_000_000, jobs: 50_000, tables: 100_000, encryption: 30_000 },
} as const;

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    only: { type: 'string' },
    dialects: { type: 'string', default: process.env.RAPPORT_DIALECTS ?? 'sqlite,postgres' },
    out: { type: 'string', default: join(import.meta.dirname, '..', '..', 'docs', 'benchmarks.md') },
  },
});
const size = SIZES[values.size as keyof typeof SIZES];
if (!size) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
const dialects = new Set((values.dialects ?? '').split(',').map((name) => name.trim()));
const pgUrl = process.env.RAPPORT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const started = Date.now();

const ingest: IngestResult[] = [];
const scale: ScaleResult[] = [];
const jobs: JobsResult[] = [];
const tables: TablesResult[] = [];
const encryption: EncryptionResult[] = [];
const runs = (part: string) => values.only === undefined || values.only === part;
if (runs('ingest')) {
  if (dialects.has('sqlite')) ingest.push(await ingestSqlite(size.ingest));
  if (dialects.has('postgres')) ingest.push(await ingestPostgres(size.ingest, pgUrl));
  console.table(ingest);
}
if (runs('scale')) {
  if (dialects.has('sqlite')) scale.push(...(await scaleSqlite(size.customers)));
  if (dialects.has('postgres')) scale.push(...(await scalePostgres(size.customers, pgUrl)));
  console.table(scale);
}
if (runs('jobs')) {
  if (dialects.has('sqlite')) jobs.push(...(await jobsSqlite(size.jobs)));
  if (dialects.has('postgres')) jobs.push(...(await jobsPostgres(size.jobs, pgUrl)));
  console.table(jobs);
}
if (runs('tables')) {
  if (dialects.has('sqlite')) tables.push(await tablesSqlite(size.tables));
  if (dialects.has('postgres')) tables.push(await tablesPostgres(size.tables, pgUrl));
  console.table(tables);
}
if (runs('encryption')) {
  if (dialects.has('sqlite')) encryption.push(await encryptionSqlite(size.encryption));
  if (dialects.has('postgres')) encryption.push(await encryptionPostgres(size.encryption, pgUrl));
  console.table(encryption);
}
let recommend: RecommendResult | null = null;
// The data set lives outside the repository: a full run without it says so and goes on; asking
// for the recommendation bench alone without it is an error.
const haveRetail = existsSync(ONLINE_RETAIL);
if (runs('recommend') && !haveRetail) {
  if (values.only === 'recommend') throw new Error(`--only recommend needs ${ONLINE_RETAIL} (set RAPPORT_DATASETS)`);
  console.warn(`[bench] recommendations skipped: ${ONLINE_RETAIL} not found (set RAPPORT_DATASETS to the datasets folder)`);
}
if (runs('recommend') && haveRetail) {
  recommend = await recommendBench();
  for (const { split, report } of recommend.evaluations) {
    console.log(split);
    console.table(report.rows.map((row) => ({ name: row.name, ...row.metrics[10], recallVsPopularity: row.vsBaseline[10]?.recall })));
  }
  console.table(recommend.latency);
}
const markdown = renderReport({
  machine: describeMachine(),
  size: values.size as string,
  date: new Date().toISOString(),
  ingest,
  scale,
  jobs,
  tables,
  encryption,
  recommend,
  seconds: (Date.now() - started) / 1000,
});
writeReport(values.out as string, markdown);
console.log(`\nWrote ${values.out}`);
