import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditIngestResult } from './audit-ingest.js';
import type { EncryptionResult } from './encryption.js';
import type { FeedbackSeriesResult, FeedbackSlaResult } from './feedback.js';
import { renderFeedback } from './feedback-report.js';
import type { IngestResult } from './ingest.js';
import type { IngestEncryptionResult } from './ingest-encryption.js';
import type { JobsResult } from './jobs.js';
import type { MessagingResult } from './messaging.js';
import type { PrivacyResult } from './privacy.js';
import type { RecommendResult } from './recommend.js';
import { renderRecommend } from './recommend-report.js';
import type { RecommendScaleResult } from './recommend-scale.js';
import { renderRecommendScale } from './recommend-scale-report.js';
import type { ScaleResult } from './scale.js';
import type { TablesResult } from './tables.js';
import type { TemplatesResult } from './templates.js';

const fmt = (value: number, digits = 0) => value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pass = (ok: boolean) => (ok ? 'yes' : '**no**');

/** Markdown tables of one run, with the goals from the storage issue beside each figure. */
export function renderReport(options: {
  machine: string;
  size: string;
  date: string;
  ingest: IngestResult[];
  auditIngest?: AuditIngestResult[];
  scale: ScaleResult[];
  jobs: JobsResult[];
  tables: TablesResult[];
  privacy?: PrivacyResult[];
  messaging?: MessagingResult[];
  encryption?: EncryptionResult[];
  ingestEncryption?: IngestEncryptionResult[];
  recommend?: RecommendResult | null;
  feedback?: { series: FeedbackSeriesResult; sla: FeedbackSlaResult }[];
  templates?: TemplatesResult[];
  recommendScale?: readonly RecommendScaleResult[];
  seconds: number;
}): string {
  const lines = [
    '# Benchmarks',
    '',
    'Made by `pnpm bench` (see bench/README.md); rewritten on every run. Only ratios measured in the',
    'same run compare across machines.',
    '',
    `- Machine: ${options.machine}`,
    `- Run: ${options.date}, size \`${options.size}\`, ${fmt(options.seconds)} s in all`,
    ...(options.size === 'full'
      ? []
      : ['- The goals are stated for `--size full`; at this size a count takes milliseconds and fixed costs decide its ratio.']),
    '',
  ];
  if (options.ingest.length > 0) {
    lines.push(
      '## 1. Ingest',
      '',
      '`crm.interactions.recordMany` in batches of 1,000 (validation, idempotency keys, metric updates',
      'included) against a raw driver insert of the same rows into the same table (a database of its own),',
      'one transaction per batch; the two alternate batch by batch, so both meet the same moments of the',
      'machine. Goal: Rapport ≥ 0.5 × raw.',
      '',
      '| database | interactions | Rapport / s | raw / s | ratio | goal met | peak RSS MiB |',
      '| --- | ---: | ---: | ---: | ---: | --- | ---: |',
      ...options.ingest.map(
        (row) =>
          `| ${row.target} | ${fmt(row.interactions)} | ${fmt(row.rapportPerSecond)} | ${fmt(row.rawPerSecond)} | ${fmt(row.ratio, 2)} | ${pass(row.ratio >= 0.5)} | ${fmt(row.peakRssMiB)} |`,
      ),
      '',
    );
  }
  if ((options.auditIngest ?? []).length > 0) {
    lines.push(
      '### Ingest with the audit log',
      '',
      'The same batches through two Crms alike but for `createCrm({ audit: true })`, alternating batch by',
      'batch: every batch then also writes one hash-chained entry per customer it touched, in its transaction.',
      '',
      '| database | interactions | audit off / s | audit on / s | ratio |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...(options.auditIngest ?? []).map(
        (row) =>
          `| ${row.target} | ${fmt(row.interactions)} | ${fmt(row.plainPerSecond)} | ${fmt(row.auditedPerSecond)} | ${fmt(row.ratio, 2)} |`,
      ),
      '',
    );
  }
  if (options.scale.length > 0) {
    lines.push(
      '## 2-4. Segments at scale, the 360° profile, memory',
      '',
      'Count of "≥ 2 purchases in the last 90 days AND total spend ≥ 500 AND e-mail marketing consent',
      'granted" (median of 5 warm runs, alternating with hand-written SQL for the same question); then `crm.profile()`',
      'of 5,000 random customers (after 2,000 unmeasured ones), each followed by the same read written by',
      'hand for one database (bench/src/handwritten-profile.ts), so both meet the same moments of the',
      'machine. Each database holds a small tenant (a tenth of the customers) and a large one; memory that',
      'stays flat from small to large shows nothing grows with the number of customers. Goals: count < 3 s',
      'and ≤ 1.5 × hand-written; profile p99 < 5 ms. "Disk reads" are the pages PostgreSQL read from outside',
      'its own cache per profile, and the time it spent on them (`track_io_timing`).',
      '',
      '| database | customers | interactions | members | Rapport ms | hand-written ms | ratio | profile p50 ms | profile p99 ms | hand-written profile p50 / p99 ms | disk reads / profile | ms reading / profile | goals met | heap MiB | peak RSS MiB |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
      ...options.scale.map(
        (row) =>
          `| ${row.target} | ${fmt(row.customers)} | ${fmt(row.interactions)} | ${fmt(row.members)} | ${fmt(row.rapportCountMs, 1)} | ${fmt(row.handwrittenCountMs, 1)} | ${fmt(row.countRatio, 2)} | ${fmt(row.profileP50Ms, 2)} | ${fmt(row.profileP99Ms, 2)} | ${fmt(row.handwrittenProfileP50Ms, 2)} / ${fmt(row.handwrittenProfileP99Ms, 2)} | ${row.profileDiskReads === null ? '—' : fmt(row.profileDiskReads, 1)} | ${row.profileDiskReadMs === null ? '—' : fmt(row.profileDiskReadMs, 2)} | ${pass(row.rapportCountMs < 3000 && row.countRatio <= 1.5 && row.profileP99Ms < 5)} | ${fmt(row.heapAfterMiB)} | ${fmt(row.peakRssMiB)} |`,
      ),
      '',
      'The databases as the run found them (both tenants loaded):',
      '',
      ...[...new Map(options.scale.map((row) => [row.target, row.databaseSettings])).entries()].map(
        ([target, settings]) => `- ${target}: ${settings}`,
      ),
      '',
    );
  }
  if (options.jobs.length > 0) {
    lines.push(
      '## 5. Jobs',
      '',
      'Jobs enqueued through `crm.jobs.enqueueMany` (500 a call) and run to success through a no-op',
      'handler by 1 and 4 workers (`crm.startWorkers`, claims of 10), against the same queue written by hand',
      'with the raw driver (multi-row inserts, `FOR UPDATE SKIP LOCKED` claims of 10, one UPDATE per batch done)',
      'in a database of its own. Goal: ≥ 5,000 jobs/s on PostgreSQL with 4 workers, and no job run twice.',
      '',
      '| database | workers | jobs | Rapport jobs/s | hand-written jobs/s | ratio | run twice | goal met |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...options.jobs.map(
        (row) =>
          `| ${row.target} | ${row.workers} | ${fmt(row.jobs)} | ${fmt(row.rapportPerSecond)} | ${fmt(row.rawPerSecond)} | ${fmt(row.ratio, 2)} | ${row.ranTwice} | ${row.target === 'postgres' && row.workers === 4 ? pass(row.rapportPerSecond >= 5000 && row.ranTwice === 0) : pass(row.ranTwice === 0)} |`,
      ),
      '',
    );
  }
  if (options.messaging && options.messaging.length > 0) {
    lines.push(
      '## Messaging dispatch',
      '',
      'Marketing messages to 1,000 consenting customers queued through `crm.messages.sendMany` (not timed),',
      'then dispatched by 1 and 4 workers (`crm.startWorkers`, claims of 10) through a no-op channel, each with',
      'the send-time consent check, its status update, its `message.sent` interaction and event; beside the same',
      'number of bare no-op jobs run the same way in the same run (the queue alone). Goal: ≥ 5,000 messages/s',
      'on PostgreSQL with 4 workers, and no message sent twice.',
      '',
      '| database | workers | messages | messages/s | bare jobs/s | ratio | sent twice | goal met |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...options.messaging.map(
        (row) =>
          `| ${row.target} | ${row.workers} | ${fmt(row.messages)} | ${fmt(row.messagesPerSecond)} | ${fmt(row.bareJobsPerSecond)} | ${fmt(row.ratio, 2)} | ${row.sentTwice} | ${row.target === 'postgres' && row.workers === 4 ? pass(row.messagesPerSecond >= 5000 && row.sentTwice === 0) : pass(row.sentTwice === 0)} |`,
      ),
      '',
    );
  }
  if (options.tables.length > 0) {
    lines.push(
      '## Plugin tables',
      '',
      'A plugin table (text, integer, number, boolean, timestamp and JSON columns, an index on',
      '`(tenant, customerId, openedAt)`) filled with 100,000 rows through `TableRepository.insertMany`',
      'in calls of 10,000 rows (each checked against the declaration, one transaction per call), against',
      'a raw driver insert of the same rows into the same table in a database of its own (a prepared',
      'statement per row on SQLite, 7,000-row multi-row VALUES on PostgreSQL), one transaction per batch;',
      'the two alternate batch by batch. Goal: Rapport ≥ 0.5 × raw.',
      '',
      '| database | rows | Rapport rows/s | raw rows/s | ratio | goal met | peak RSS MiB |',
      '| --- | ---: | ---: | ---: | ---: | --- | ---: |',
      ...options.tables.map(
        (row) =>
          `| ${row.target} | ${fmt(row.rows)} | ${fmt(row.rapportPerSecond)} | ${fmt(row.rawPerSecond)} | ${fmt(row.ratio, 2)} | ${pass(row.ratio >= 0.5)} | ${fmt(row.peakRssMiB)} |`,
      ),
      '',
    );
  }
  if (options.templates && options.templates.length > 0) {
    lines.push(
      '## Templates',
      '',
      'A Liquid template with 10 variables rendered one after another (each render awaited), beside a',
      'JavaScript template literal of the same output (an async function, as a render is) and bare liquidjs',
      '(`renderSync`, default options), alternating in chunks of 1,000. Goal: ≥ 20,000 renders/s for the',
      "parsed Liquid template. Renders per CPU-second (this process's user + system time) show what one",
      'core gives when the machine is shared.',
      '',
      '| case | renders | renders/s | renders/CPU-s | × literal | × bare liquidjs | goal met |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...options.templates.map(
        (row) =>
          `| ${row.case} | ${fmt(row.renders)} | ${fmt(row.perSecond)} | ${fmt(row.perCpuSecond)} | ${fmt(row.vsLiteral, 3)} | ${fmt(row.vsLiquidjs, 2)} | ${row.case.startsWith('Liquid') ? pass(row.perSecond >= 20_000) : ''} |`,
      ),
      '',
    );
  }
  if (options.privacy && options.privacy.length > 0) {
    lines.push(
      '## Erasure',
      '',
      '`crm.privacy.erase` of a customer with 10,000 interactions (payloads), two identities, traits and',
      'a consent record, in one transaction with its suppression entries and the plugin-table scan;',
      'beside it the same deletion written by hand (seven DELETEs in one transaction) on another such',
      'customer of the same database, the three alternating; medians of 3 rounds. Goal: < 1 s.',
      '',
      '| database | interactions | delete ms | anonymize ms | hand-written delete ms | ratio | goal met |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...options.privacy.map(
        (row) =>
          `| ${row.target} | ${fmt(row.interactions)} | ${fmt(row.deleteMs)} | ${fmt(row.anonymizeMs)} | ${fmt(row.rawDeleteMs)} | ${fmt(row.ratio, 2)} | ${pass(row.deleteMs < 1000 && row.anonymizeMs < 1000)} |`,
      ),
      '',
    );
  }
  if (options.encryption && options.encryption.length > 0) lines.push(...renderEncryption(options.encryption));
  if (options.ingestEncryption && options.ingestEncryption.length > 0) lines.push(...renderIngestEncryption(options.ingestEncryption));
  if (options.recommend) lines.push(...renderRecommend(options.recommend));
  lines.push(...renderFeedback(options.feedback ?? []));
  if (options.recommendScale && options.recommendScale.length > 0) lines.push(...renderRecommendScale(options.recommendScale));
  return `${lines.join('\n')}\n`;
}

/** Writes the report where the README links it. */
export function writeReport(path: string, markdown: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, markdown);
}

/** The encryption section: the same work on a plain and an encrypting storage, alternated. */
function renderEncryption(rows: readonly EncryptionResult[]): string[] {
  return [
    '## Field encryption',
    '',
    'The same customers (an e-mail, a phone, name, birthday and address each) upserted one by one,',
    'then upserted again with a plain trait changed (re-upserts), then five interactions each',
    'through `recordMany`, then 2,000 360° profile reads, on a storage',
    'without and one with `encryption` (AES-256-GCM), alternating batch by batch and read by read',
    '(which side goes first swaps each time).',
    'Goals: ingest with encryption ≥ 0.8 × without; profile p99 ≤ 1.5 × without.',
    '',
    '| database | customers | upserts/s off | upserts/s on | ratio | re-upserts/s off | on | ratio | interactions/s off | interactions/s on | ratio | profile p99 ms off | on | ratio | goals met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (row) =>
        `| ${row.target} | ${fmt(row.customers)} | ${fmt(row.plainUpsertsPerSecond)} | ${fmt(row.encryptedUpsertsPerSecond)} | ${fmt(row.upsertRatio, 2)} | ${fmt(row.plainReupsertsPerSecond)} | ${fmt(row.encryptedReupsertsPerSecond)} | ${fmt(row.reupsertRatio, 2)} | ${fmt(row.plainInteractionsPerSecond)} | ${fmt(row.encryptedInteractionsPerSecond)} | ${fmt(row.interactionRatio, 2)} | ${fmt(row.plainProfileP99Ms, 2)} | ${fmt(row.encryptedProfileP99Ms, 2)} | ${fmt(row.profileRatio, 2)} | ${pass(row.upsertRatio >= 0.8 && row.reupsertRatio >= 0.8 && row.interactionRatio >= 0.8 && row.profileRatio <= 1.5)} |`,
    ),
    '',
  ];
}

/** The main ingest with encryption on against off. */
function renderIngestEncryption(rows: readonly IngestEncryptionResult[]): string[] {
  return [
    '## Ingest with field encryption',
    '',
    'The ingest batches above (`recordMany`, 1,000 a batch) into two seeded databases, one plain and',
    'one with `encryption`, alternating batch by batch. Goal: ≥ 0.8 × without encryption.',
    '',
    '| database | interactions | off/s | on/s | ratio | goal met |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (row) =>
        `| ${row.target} | ${fmt(row.interactions)} | ${fmt(row.plainPerSecond)} | ${fmt(row.encryptedPerSecond)} | ${fmt(row.ratio, 2)} | ${pass(row.ratio >= 0.8)} |`,
    ),
    '',
  ];
}
