import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Crm, createCrm, type EnqueueJobInput, type Storage } from '@rapport/core';
import { feedback, responsesTable, ticketEventsTable, ticketsTable } from '@rapport/feedback';
import { pluginTableSql } from '@rapport/storage-sql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { sql } from 'kysely';
import pg from 'pg';
import { quantile, timed } from './machine.js';
import { seededRandom } from './random.js';

const TENANT = 'bench';
const DAY = 86_400_000;
const YEAR_START = Date.UTC(2025, 0, 1);
const options = { links: { secret: 'a-bench-secret-of-at-least-32-bytes!!' }, consentPurpose: false as const };

/** NPS and CSAT series by month over stored responses, beside a hand-written GROUP BY. */
export interface FeedbackSeriesResult {
  target: string;
  responses: number;
  /** `crm.feedback.scores({ kind: 'nps', period: 'month' })` over the year, median of 5 runs. */
  npsMs: number;
  csatMs: number;
  /** The same counts by one hand-written GROUP BY on month, median of 5. */
  rawMs: number;
  ratio: number;
}

/** SLA timers firing among a backlog of open tickets while interactions are ingested. */
export interface FeedbackSlaResult {
  target: string;
  openTickets: number;
  /** Breaches due inside the measured window. */
  dueInWindow: number;
  fired: number;
  /** How late each breach event came after its due time. */
  maxLatenessMs: number;
  p99LatenessMs: number;
  /** The same, for no-op jobs due at the same instants (the job queue alone, the baseline). */
  baselineMaxLatenessMs: number;
  ingestedPerSecond: number;
}

/** Responses spread over 2025, on four channels; about half answer NPS, half CSAT. */
async function loadResponses(crm: Crm, total: number): Promise<void> {
  const random = seededRandom(1313);
  const table = crm.storage.forTenant(TENANT).table(responsesTable);
  const channels = ['email', 'sms', 'pos', 'in-app'];
  for (let start = 0; start < total; start += 1000) {
    const rows = [];
    for (let n = start; n < Math.min(total, start + 1000); n++) {
      const at = new Date(YEAR_START + Math.floor(random() * 365 * DAY));
      const nps = n % 2 === 0;
      rows.push({
        id: `r${String(n).padStart(9, '0')}`,
        customerId: `c${n % 50_000}`,
        surveyId: nps ? 'nps' : 'csat',
        surveyVersion: 1,
        channel: channels[n % 4] as string,
        nps: nps ? Math.floor(random() * 11) : null,
        csat: nps ? null : 1 + Math.floor(random() * 5),
        csatScale: nps ? null : 5,
        answers: [],
        answeredAt: at,
        updatedAt: at,
      });
    }
    await table.insertMany(rows);
  }
}

/** The hand-written baseline: promoters, passives and detractors per calendar month (UTC) in one GROUP BY. */
async function rawNpsByMonth(crm: Crm, dialect: 'sqlite' | 'postgres'): Promise<number> {
  const { db, table, columns } = pluginTableSql(crm.storage.forTenant(TENANT), responsesTable);
  const at = sql.ref(columns.answeredAt as string);
  const month =
    dialect === 'sqlite' ? sql`strftime('%Y-%m', ${at} / 1000, 'unixepoch')` : sql`date_trunc('month', to_timestamp(${at} / 1000.0))`;
  const nps = sql.ref(columns.nps as string);
  const rows = await db
    .selectFrom(table)
    .select([
      month.as('month'),
      sql<number>`count(*)`.as('n'),
      sql<number>`sum(case when ${nps} >= 9 then 1 else 0 end)`.as('promoters'),
      sql<number>`sum(case when ${nps} <= 6 then 1 else 0 end)`.as('detractors'),
    ])
    .where('tenant_id', '=', TENANT)
    .where(columns.answeredAt as string, '>=', YEAR_START)
    .where(columns.answeredAt as string, '<', YEAR_START + 365 * DAY)
    .where(columns.nps as string, 'is not', null)
    .groupBy(sql`1`)
    .execute();
  return rows.length;
}

async function medianMs(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) times.push((await timed(work)).ms);
  return quantile(times, 0.5);
}

async function seriesOn(target: string, storage: Storage, total: number): Promise<FeedbackSeriesResult> {
  const crm = await createCrm({ storage, tenant: TENANT, plugins: [feedback(options)] });
  try {
    await loadResponses(crm, total);
    if (target === 'postgres') {
      // As autovacuum would after a bulk load: statistics, and the visibility map for index-only scans.
      const { db, table } = pluginTableSql(crm.storage.forTenant(TENANT), responsesTable);
      await sql`vacuum analyze ${sql.table(table)}`.execute(db);
    }
    const range = { period: 'month' as const, from: new Date(YEAR_START), to: new Date(YEAR_START + 365 * DAY) };
    const months = await crm.feedback.scores({ kind: 'nps', ...range });
    if (months.length !== 12 || months.reduce((sum, point) => sum + point.value.n, 0) !== total / 2)
      throw new Error(`the NPS series is wrong: ${months.length} months`);
    if ((await rawNpsByMonth(crm, target as 'sqlite' | 'postgres')) !== 12) throw new Error('the baseline is wrong');
    const npsMs = await medianMs(5, () => crm.feedback.scores({ kind: 'nps', ...range }));
    const csatMs = await medianMs(5, () => crm.feedback.scores({ kind: 'csat', ...range }));
    const rawMs = await medianMs(5, () => rawNpsByMonth(crm, target as 'sqlite' | 'postgres'));
    return { target, responses: total, npsMs, csatMs, rawMs, ratio: npsMs / rawMs };
  } finally {
    await crm.close();
  }
}

/**
 * `openTickets` open tickets whose first-response breach timers are pending: most due in a
 * week, `dueSoon` of them spread over a window (30 s; 3 s at the smoke size) that starts 5 s after the workers do.
 * Tickets and timers are written straight into the tables (opening 100,000 through the API
 * would take most of the run); what is measured is the scan and the firing. Beside each
 * breach timer a no-op job is due at the same instant: its lateness is the queue's own.
 * Interactions are ingested in batches of 500 the whole time.
 */
async function slaOn(target: string, storage: Storage, openTickets: number, dueSoon: number, windowMs: number): Promise<FeedbackSlaResult> {
  const lateness: number[] = [];
  const baseline: number[] = [];
  const crm = await createCrm({
    storage,
    tenant: TENANT,
    plugins: [feedback({ ...options, sla: { policies: [{ name: 'bench', targets: { firstResponse: 7 * 24 * 60 } }] } })],
    jobs: { 'bench.due': ({ job }) => void baseline.push(Date.now() - (job.payload as { dueAt: number }).dueAt) },
  });
  try {
    const customers: string[] = [];
    for (let n = 0; n < 200; n++) {
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `sla-${n}@example.com` }] });
      customers.push(customer.id);
    }
    const store = crm.storage.forTenant(TENANT);
    const target7d = 7 * DAY;
    const load = async (from: number, to: number, dueAtOf: (n: number) => number) => {
      for (let start = from; start < to; start += 1000) {
        const tickets = [];
        const events = [];
        const jobs: EnqueueJobInput[] = [];
        for (let n = start; n < Math.min(to, start + 1000); n++) {
          const dueAt = dueAtOf(n);
          const createdAt = new Date(dueAt - target7d);
          const id = `t${String(n).padStart(8, '0')}`;
          const customerId = customers[n % customers.length] as string;
          tickets.push({
            id,
            customerId,
            subject: `Ticket ${n}`,
            source: 'api',
            priority: 'normal',
            status: 'new',
            policy: 'bench',
            createdAt,
            updatedAt: createdAt,
            firstResponseDueAt: new Date(dueAt),
            slaGeneration: 1,
          });
          events.push({ id: `e${id}`, ticketId: id, customerId, kind: 'opened', author: 'customer', at: createdAt, seq: 2 });
          jobs.push({
            type: 'feedback.sla-timer',
            payload: { ticketId: id, generation: 1, metric: 'firstResponse', kind: 'breach' },
            runAt: new Date(dueAt),
          });
          if (n < dueSoon) jobs.push({ type: 'bench.due', payload: { dueAt }, runAt: new Date(dueAt) });
        }
        await store.table(ticketsTable).insertMany(tickets);
        await store.table(ticketEventsTable).insertMany(events);
        for (let offset = 0; offset < jobs.length; offset += 500) await crm.jobs.enqueueMany(jobs.slice(offset, offset + 500));
      }
    };
    // The backlog first (due in a week), then the tickets due in the window, which starts 5 s after them.
    await load(dueSoon, openTickets, () => Date.now() + target7d);
    const windowStart = Date.now() + 5_000 + Math.ceil(dueSoon / 100) * 10; // a little longer to load more
    await load(0, dueSoon, (n) => windowStart + Math.floor((n * windowMs) / dueSoon));
    if (Date.now() > windowStart) throw new Error('loading the due tickets took longer than the lead time');
    crm.events.on('ticket.sla.breached', (alert) => void lateness.push(Date.now() - alert.dueAt.getTime()));
    const workers = crm.startWorkers({ concurrency: 4 });
    // Ingest the whole time: purchases and page views in batches of 500.
    let ingested = 0;
    const ingestStart = Date.now();
    const random = seededRandom(77);
    while (Date.now() < windowStart + windowMs + 60_000 && lateness.length < dueSoon) {
      const batch = Array.from({ length: 500 }, (_, index) => ({
        customerId: customers[Math.floor(random() * customers.length)] as string,
        channel: 'web',
        type: index % 5 === 0 ? 'purchase' : 'page_view',
        properties: {},
      }));
      ingested += (await crm.interactions.recordMany(batch)).stored;
      // Let timers run between batches, as requests arriving over the network would: on SQLite the
      // driver is synchronous, and back-to-back awaits of settled promises would starve the workers' polls.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const ingestSeconds = (Date.now() - ingestStart) / 1000;
    await workers.stop();
    return {
      target,
      openTickets,
      dueInWindow: dueSoon,
      fired: lateness.length,
      maxLatenessMs: Math.max(0, ...lateness),
      p99LatenessMs: quantile(lateness, 0.99),
      baselineMaxLatenessMs: Math.max(0, ...baseline),
      ingestedPerSecond: ingested / ingestSeconds,
    };
  } finally {
    await crm.close();
  }
}

/** The feedback benchmarks on a SQLite file. */
export async function feedbackSqlite(size: { responses: number; openTickets: number; dueSoon: number; windowMs: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-feedback-'));
  try {
    const series = await seriesOn('sqlite', sqlite({ filename: join(dir, 'series.db') }), size.responses);
    const sla = await slaOn('sqlite', sqlite({ filename: join(dir, 'sla.db') }), size.openTickets, size.dueSoon, size.windowMs);
    return { series, sla };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The feedback benchmarks on PostgreSQL, in databases of their own. */
export async function feedbackPostgres(
  size: { responses: number; openTickets: number; dueSoon: number; windowMs: number },
  serverUrl: string,
) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const names = ['rapport_bench_feedback_series', 'rapport_bench_feedback_sla'];
  try {
    for (const name of names) {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
    }
    const series = await seriesOn('postgres', await postgres({ connectionString: urlOf(names[0] as string) }), size.responses);
    const sla = await slaOn(
      'postgres',
      await postgres({ connectionString: urlOf(names[1] as string), max: 8 }),
      size.openTickets,
      size.dueSoon,
      size.windowMs,
    );
    return { series, sla };
  } finally {
    for (const name of names) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
