import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type AuditIngestResult, auditIngestPostgres, auditIngestSqlite } from './audit-ingest.js';
import { type EncryptionResult, encryptionPostgres, encryptionSqlite } from './encryption.js';
import { feedbackPostgres, feedbackSqlite } from './feedback.js';
import { type IngestResult, ingestPostgres, ingestSqlite } from './ingest.js';
import { type IngestEncryptionResult, ingestEncryptionPostgres, ingestEncryptionSqlite } from './ingest-encryption.js';
import { type JobsResult, jobsPostgres, jobsSqlite } from './jobs.js';
import { describeMachine } from './machine.js';
import { type MessagingResult, messagingPostgres, messagingSqlite } from './messaging.js';
import { type PrivacyResult, privacyMysql, privacyPostgres, privacySqlite } from './privacy.js';
import { ONLINE_RETAIL, type RecommendResult, recommendBench } from './recommend.js';
import { type RecommendScaleResult, recommendScalePostgres, recommendScaleSqlite } from './recommend-scale.js';
import { renderReport, writeReport } from './report.js';
import { type ScaleResult, scalePostgres, scaleSqlite } from './scale.js';
import { type TablesResult, tablesPostgres, tablesSqlite } from './tables.js';
import { type TemplatesResult, templatesBench } from './templates.js';

/** Sizes: `full` is the (1M interactions to ingest; 1M customers / ~10M interactions). */
const SIZES = {
  // What CI runs: every part at the smallest size that still goes through its code, so a part that
  // stops working fails CI; its figures mean nothing.
  smoke: {
    ingest: 2_000,
    customers: 2_000,
    jobs: 500,
    tables: 5_000,
    feedback: { responses: 5_000, openTickets: 500, dueSoon: 50, windowMs: 3_000 },
    messaging: 300,
    encryption: 300,
  },
  small: {
    ingest: 50_000,
    customers: 20_000,
    jobs: 5_000,
    tables: 100_000,
    feedback: { responses: 100_000, openTickets: 10_000, dueSoon: 500, windowMs: 30_000 },
    messaging: 5_000,
    encryption: 3_000,
  },
  medium: {
    ingest: 200_000,
    customers: 200_000,
    jobs: 20_000,
    tables: 100_000,
    feedback: { responses: 300_000, openTickets: 30_000, dueSoon: 1_000, windowMs: 30_000 },
    messaging: 20_000,
    encryption: 10_000,
  },
  full: {
    ingest: 1_000_000,
    customers: 1_000_000,
    jobs: 50_000,
    tables: 100_000,
    feedback: { responses: 1_000_000, openTickets: 100_000, dueSoon: 2_000, windowMs: 30_000 },
    messaging: 100_000,
    encryption: 30_000,
  },
} as const;
/** Renders per case of the templates bench, by size. */
const TEMPLATE_RENDERS: Record<string, number> = { smoke: 2_000, small: 50_000, medium: 200_000, full: 500_000 };

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
const mysqlUrl = process.env.RAPPORT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const started = Date.now();

const ingest: IngestResult[] = [];
const auditIngest: AuditIngestResult[] = [];
const scale: ScaleResult[] = [];
const jobs: JobsResult[] = [];
const tables: TablesResult[] = [];
const privacy: PrivacyResult[] = [];
const messagingResults: MessagingResult[] = [];
const encryption: EncryptionResult[] = [];
const ingestEncryption: IngestEncryptionResult[] = [];
const runs = (part: string) => values.only === undefined || values.only === part;
if (runs('ingest')) {
  if (dialects.has('sqlite')) ingest.push(await ingestSqlite(size.ingest));
  if (dialects.has('postgres')) ingest.push(await ingestPostgres(size.ingest, pgUrl));
  console.table(ingest);
  if (dialects.has('sqlite')) auditIngest.push(await auditIngestSqlite(size.ingest));
  if (dialects.has('postgres')) auditIngest.push(await auditIngestPostgres(size.ingest, pgUrl));
  console.table(auditIngest);
  if (dialects.has('sqlite')) ingestEncryption.push(await ingestEncryptionSqlite(size.ingest));
  if (dialects.has('postgres')) ingestEncryption.push(await ingestEncryptionPostgres(size.ingest, pgUrl));
  console.table(ingestEncryption);
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
const feedbackResults: Awaited<ReturnType<typeof feedbackSqlite>>[] = [];
if (runs('feedback')) {
  if (dialects.has('sqlite')) feedbackResults.push(await feedbackSqlite(size.feedback));
  if (dialects.has('postgres')) feedbackResults.push(await feedbackPostgres(size.feedback, pgUrl));
  console.table(feedbackResults.map((result) => result.series));
  console.table(feedbackResults.map((result) => result.sla));
}
const templates: TemplatesResult[] = [];
if (runs('templates')) {
  templates.push(...(await templatesBench(TEMPLATE_RENDERS[values.size as string] ?? 50_000)));
  console.table(templates);
}
if (runs('privacy')) {
  if (dialects.has('sqlite')) privacy.push(await privacySqlite());
  if (dialects.has('postgres')) privacy.push(await privacyPostgres(pgUrl));
  if (dialects.has('mysql')) privacy.push(await privacyMysql(mysqlUrl));
  console.table(privacy);
}
if (runs('messaging')) {
  if (dialects.has('sqlite')) messagingResults.push(...(await messagingSqlite(size.messaging)));
  if (dialects.has('postgres')) messagingResults.push(...(await messagingPostgres(size.messaging, pgUrl)));
  console.table(messagingResults);
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
const recommendScale: RecommendScaleResult[] = [];
if (runs('recommend-scale')) {
  const scaleSize = values.size as 'smoke' | 'small' | 'medium' | 'full';
  if (dialects.has('sqlite')) recommendScale.push(await recommendScaleSqlite(scaleSize));
  if (dialects.has('postgres')) recommendScale.push(await recommendScalePostgres(scaleSize, pgUrl));
  console.table(recommendScale);
}
const markdown = renderReport({
  machine: describeMachine(),
  size: values.size as string,
  date: new Date().toISOString(),
  ingest,
  auditIngest,
  scale,
  jobs,
  tables,
  privacy,
  messaging: messagingResults,
  encryption,
  ingestEncryption,
  recommend,
  feedback: feedbackResults,
  templates,
  recommendScale,
  seconds: (Date.now() - started) / 1000,
});
writeReport(values.out as string, markdown);
console.log(`\nWrote ${values.out}`);
