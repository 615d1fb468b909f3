import { parseInput, type TenantStore } from '@rapport/core/plugin';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';
import { responsesTable } from '../tables.js';
import { type NpsScore, npsFromCounts } from './nps-score.js';
import { type ProportionScore, proportionScore } from './proportion-score.js';
import { cesSeries, compareDimensions, csatSeries, npsSeries, type ScoredResponse, type SeriesPoint } from './score-series.js';

/** What scores can be grouped by: the response's channel, store, segment, or survey. */
export const SCORE_DIMENSIONS = ['channel', 'store', 'segment', 'survey'] as const;

/** One of {@link SCORE_DIMENSIONS}. */
export type ScoreDimension = (typeof SCORE_DIMENSIONS)[number];

/** The zod schema of a {@link ScoreQuery}. */
export const ScoreQuerySchema = z
  .object({
    kind: z.enum(['nps', 'csat', 'ces']),
    period: z.enum(['day', 'week', 'month']),
    from: z.date(),
    to: z.date(),
    by: z.array(z.enum(SCORE_DIMENSIONS)).max(4).default([]),
    surveyId: z.string().min(1).max(128).optional(),
    timeZone: z.string().min(1).default('UTC'),
    confidence: z.number().gt(0).lt(1).default(0.95),
  })
  .refine((query) => query.from.getTime() < query.to.getTime(), { path: ['to'], message: 'must be after from' })
  .refine((query) => DateTime.now().setZone(query.timeZone).isValid, { path: ['timeZone'], message: 'is not an IANA time zone' });

/** Which scores, over which time, cut how. */
export type ScoreQuery = z.input<typeof ScoreQuerySchema>;

type Parsed = z.output<typeof ScoreQuerySchema>;
type Counts = { n: number; positive: number; promoters: number; passives: number; detractors: number };

const COLUMN_OF: Record<ScoreDimension, string> = { channel: 'channel', store: 'store', segment: 'segment', survey: 'surveyId' };
/** Periods per SQL statement: one `UNION ALL` branch each (SQLite allows 500). */
const PERIODS_PER_QUERY = 200;

/** The score value of a point: an NPS for `nps`, a proportion for CSAT and CES. */
export type ScoreValue<K extends 'nps' | 'csat' | 'ces'> = K extends 'nps' ? NpsScore : ProportionScore;

/**
 * Score series over stored responses. On an `@rapport/storage-sql` storage the counting is one
 * statement in the database, an aggregate per period over that period's range of answers
 * (the periods' bounds worked out once with Luxon in the series' time zone); elsewhere the rows are read and counted
 * in JS. Either way the last step — NPS and its interval, proportions with Wilson intervals —
 * is the package's score functions, so both give the same points.
 */
export async function scoreSeries<K extends 'nps' | 'csat' | 'ces'>(
  store: TenantStore,
  query: ScoreQuery & { kind: K },
): Promise<SeriesPoint<ScoreValue<K>>[]> {
  const parsed = parseInput(ScoreQuerySchema, query, ['query'], FeedbackErrorCode.InvalidInput);
  const sqlModule = await storageSql();
  const sqlHandle = sqlModule ? trySql(sqlModule, store) : null;
  if (!sqlHandle) return inMemory(store, parsed) as Promise<SeriesPoint<ScoreValue<K>>[]>;
  const bounds = periodBounds(parsed);
  const points: SeriesPoint<ScoreValue<K>>[] = [];
  for (let offset = 0; offset < bounds.length - 1; offset += PERIODS_PER_QUERY) {
    const chunk = bounds.slice(offset, offset + PERIODS_PER_QUERY + 1);
    const rows = await countInSql(sqlHandle, parsed, chunk);
    for (const row of rows) {
      if (Number(row.n) === 0) continue; // an empty period (no `by`: an aggregate always has a row)
      const start = chunk[Number(row.bucket)] as DateTime;
      const counts: Counts = {
        n: Number(row.n),
        positive: Number(row.positive ?? 0),
        promoters: Number(row.promoters ?? 0),
        passives: 0,
        detractors: Number(row.detractors ?? 0),
      };
      counts.passives = counts.n - counts.promoters - counts.detractors;
      points.push({
        periodStart: start.toJSDate(),
        period: start.toISODate() ?? '',
        dimensions: Object.fromEntries(parsed.by.map((name) => [name, (row[`d_${name}`] as string | null) ?? null])),
        value: scoreOf(parsed, counts) as ScoreValue<K>,
      });
    }
  }
  return points.sort(
    (a, b) => a.periodStart.getTime() - b.periodStart.getTime() || compareDimensions(parsed.by, a.dimensions, b.dimensions),
  );
}

function scoreOf(query: Parsed, counts: Counts): NpsScore | ProportionScore {
  const { promoters, passives, detractors } = counts;
  return query.kind === 'nps'
    ? npsFromCounts({ promoters, passives, detractors }, query.confidence)
    : proportionScore(counts.positive, counts.n, query.confidence);
}

/** The instants where the periods covering [from, to) start, and the end of the last. */
function periodBounds(query: Parsed): DateTime[] {
  const first = DateTime.fromJSDate(query.from, { zone: query.timeZone }).startOf(query.period, { useLocaleWeeks: false });
  const bounds = [first];
  for (let at = first; at.toMillis() < query.to.getTime(); ) {
    at = at.plus({ [`${query.period}s`]: 1 }).startOf(query.period, { useLocaleWeeks: false });
    bounds.push(at);
  }
  return bounds;
}

type SqlModule = typeof import('@rapport/storage-sql');
type SqlHandle = ReturnType<SqlModule['pluginTableSql']>;

let loaded: Promise<SqlModule | null> | undefined;
/** `@rapport/storage-sql`, when the app has it (an optional peer: memory-only apps need not install it). */
function storageSql(): Promise<SqlModule | null> {
  loaded ??= import('@rapport/storage-sql').catch(() => null);
  return loaded;
}

function trySql(sqlModule: SqlModule, store: TenantStore): SqlHandle | null {
  try {
    return sqlModule.pluginTableSql(store, responsesTable);
  } catch {
    return null; // not a SQL storage
  }
}

/**
 * One aggregate per period, joined by `UNION ALL`: each reads only its own range of the
 * covering index `(tenant, answeredAt, scores…)`, and no row needs a per-row CASE to find its
 * period nor a temporary B-tree to group by it (on 1,000,000 rows that was most of the time).
 * Without `by`, an empty period still yields a row (n = 0), which the caller drops.
 */
async function countInSql(handle: SqlHandle, query: Parsed, bounds: readonly DateTime[]): Promise<Record<string, unknown>[]> {
  const { db, table, tenantColumn, tenantId, columns } = handle;
  const col = (name: string) => columns[name] as string;
  const at = col('answeredAt');
  const score = col(query.kind);
  const groupBy = query.by.map((name) => col(COLUMN_OF[name]));
  const periodCount = (index: number) => {
    const from = Math.max((bounds[index] as DateTime).toMillis(), query.from.getTime());
    const to = Math.min((bounds[index + 1] as DateTime).toMillis(), query.to.getTime());
    // biome-ignore lint/suspicious/noExplicitAny: plugin tables are not in the Kysely schema type.
    let select = db.selectFrom(table).select((eb: any) => {
      const one = (condition: unknown) => eb.fn.sum(eb.case().when(condition).then(eb.lit(1)).else(eb.lit(0)).end());
      const selections = [eb.lit(index).as('bucket'), eb.fn.countAll().as('n')];
      if (query.kind === 'nps') {
        // Passives are the rest (n − promoters − detractors): one sum less per row.
        selections.push(one(eb(score, '>=', eb.lit(9))).as('promoters'));
        selections.push(one(eb(score, '<=', eb.lit(6))).as('detractors'));
      } else {
        const scale = col(`${query.kind}Scale`);
        // CSAT: 4–5 of 5, 3 of 3; CES: 5–7 of 7, 4–5 of 5 (the package's isSatisfied / isAgree).
        const [high, highMin, low, lowMin] = query.kind === 'csat' ? [5, 4, 3, 3] : [7, 5, 5, 4];
        selections.push(
          one(
            eb.or([
              eb.and([eb(scale, '=', eb.lit(high)), eb(score, '>=', eb.lit(highMin))]),
              eb.and([eb(scale, '=', eb.lit(low)), eb(score, '>=', eb.lit(lowMin))]),
            ]),
          ).as('positive'),
        );
      }
      for (const name of query.by) selections.push(eb.ref(col(COLUMN_OF[name])).as(`d_${name}`));
      return selections;
    });
    select = select.where(tenantColumn, '=', tenantId).where(at, '>=', from).where(at, '<', to).where(score, 'is not', null);
    if (query.surveyId) select = select.where(col('surveyId'), '=', query.surveyId);
    return groupBy.length > 0 ? select.groupBy(groupBy) : select;
  };
  let union = periodCount(0);
  for (let index = 1; index < bounds.length - 1; index++) union = union.unionAll(periodCount(index));
  return union.execute();
}

async function inMemory(store: TenantStore, query: Parsed): Promise<SeriesPoint<NpsScore | ProportionScore>[]> {
  const rows: ScoredResponse[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.table(responsesTable).find({
      where: { answeredAt: { gte: query.from, lt: query.to }, ...(query.surveyId ? { surveyId: query.surveyId } : {}) },
      orderBy: [{ column: 'answeredAt' }],
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const row of page.items) {
      const score = row[query.kind];
      if (score === null) continue;
      const scale = query.kind === 'nps' ? 10 : ((query.kind === 'csat' ? row.csatScale : row.cesScale) ?? 0);
      const dimensions = { channel: row.channel, store: row.store, segment: row.segment, survey: row.surveyId };
      rows.push({ answeredAt: row.answeredAt, kind: query.kind, score, scale, dimensions });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const options = { period: query.period, timeZone: query.timeZone, by: query.by, confidence: query.confidence };
  if (query.kind === 'nps') return npsSeries(rows, options);
  return query.kind === 'csat' ? csatSeries(rows, options) : cesSeries(rows, options);
}
