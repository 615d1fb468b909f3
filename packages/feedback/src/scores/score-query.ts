import { parseInput, type TenantStore } from '@rapport/core/plugin';
import type { DateTime } from 'luxon';
import { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';
import { responsesTable } from '../tables.js';
import { type NpsScore, npsFromCounts } from './nps-score.js';
import { type ProportionScore, proportionScore } from './proportion-score.js';
import { cesSeries, compareDimensions, csatSeries, npsSeries, type ScoredResponse, type SeriesPoint } from './score-series.js';
import {
  BRANCHES_PER_QUERY,
  dimensionsSchema,
  membersSubquery,
  periodBounds,
  periodRange,
  refineSeriesQuery,
  type SegmentCut,
  type SqlHandle,
  segmentCuts,
  segmentMembers,
  seriesQueryFields,
  sqlHandle,
  unionOfBranches,
} from './series-support.js';

/**
 * What scores can be grouped by: the response's channel, store or survey; `segment`, the
 * customer's membership **now** of each of the query's `segments` (evaluated at query time,
 * so a response counts in every listed segment its customer is in, and in none of them once
 * they left); or `responseSegment`, the segment label the app gave the response when it was
 * answered (`respond({ segment })`).
 */
export const SCORE_DIMENSIONS = ['channel', 'store', 'segment', 'responseSegment', 'survey'] as const;

/** One of {@link SCORE_DIMENSIONS}. */
export type ScoreDimension = (typeof SCORE_DIMENSIONS)[number];

/** `segment` is cut by the query's `segments`, and only then. */
export { segmentsGiven } from './series-support.js';

/** The zod schema of a {@link ScoreQuery}. */
export const ScoreQuerySchema = refineSeriesQuery(
  z.object({ kind: z.enum(['nps', 'csat', 'ces']), by: dimensionsSchema(SCORE_DIMENSIONS, 5), ...seriesQueryFields }),
);

/** Which scores, over which time, cut how. */
export type ScoreQuery = z.input<typeof ScoreQuerySchema>;

type Parsed = z.output<typeof ScoreQuerySchema>;
type Counts = { n: number; positive: number; promoters: number; passives: number; detractors: number };

const COLUMN_OF: Record<Exclude<ScoreDimension, 'segment'>, string> = {
  channel: 'channel',
  store: 'store',
  responseSegment: 'segment',
  survey: 'surveyId',
};

/** The score value of a point: an NPS for `nps`, a proportion for CSAT and CES. */
export type ScoreValue<K extends 'nps' | 'csat' | 'ces'> = K extends 'nps' ? NpsScore : ProportionScore;

/**
 * Score series over stored responses. On an `@rapport/storage-sql` storage the counting is one
 * statement in the database, an aggregate per period (and per segment cut) over that
 * period's range of answers (the periods' bounds worked out once with Luxon in the series'
 * time zone; a segment's membership as `customer_id IN` its compiled condition); elsewhere
 * the rows are read and counted in JS. Either way the last step — NPS and its interval,
 * proportions with Wilson intervals — is the package's score functions, so both give the
 * same points.
 */
export async function scoreSeries<K extends 'nps' | 'csat' | 'ces'>(
  store: TenantStore,
  query: ScoreQuery & { kind: K },
  now: Date,
): Promise<SeriesPoint<ScoreValue<K>>[]> {
  const parsed = parseInput(ScoreQuerySchema, query, ['query'], FeedbackErrorCode.InvalidInput);
  const cuts = parsed.segments ? await segmentCuts(store, parsed.segments) : null;
  const handle = await sqlHandle(store, responsesTable);
  if (!handle) return inMemory(store, parsed, cuts, now) as Promise<SeriesPoint<ScoreValue<K>>[]>;
  const members = cuts ? await Promise.all(cuts.map((cut) => membersSubquery(store, handle, cut.condition, now))) : null;
  const bounds = periodBounds(parsed);
  const perQuery = Math.max(1, Math.floor(BRANCHES_PER_QUERY / (members?.length ?? 1)));
  const points: SeriesPoint<ScoreValue<K>>[] = [];
  for (let offset = 0; offset < bounds.length - 1; offset += perQuery) {
    const chunk = bounds.slice(offset, offset + perQuery + 1);
    const rows = await countInSql(handle, parsed, chunk, members);
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
        dimensions: Object.fromEntries(
          parsed.by.map((name) => [
            name,
            name === 'segment' ? ((cuts as SegmentCut[])[Number(row.seg)]?.key ?? null) : ((row[`d_${name}`] as string | null) ?? null),
          ]),
        ),
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

/**
 * One aggregate per period, joined by `UNION ALL`: each reads only its own range of the
 * covering index `(tenant, answeredAt, scores…)`, and no row needs a per-row CASE to find its
 * period nor a temporary B-tree to group by it (on 1,000,000 rows that was most of the time).
 * Without `by`, an empty period still yields a row (n = 0), which the caller drops.
 */
async function countInSql(
  handle: SqlHandle,
  query: Parsed,
  bounds: readonly DateTime[],
  members: readonly unknown[] | null,
): Promise<Record<string, unknown>[]> {
  const { db, table, tenantColumn, tenantId, columns } = handle;
  const col = (name: string) => columns[name] as string;
  const at = col('answeredAt');
  const score = col(query.kind);
  const columnDimensions = query.by.filter((name): name is Exclude<ScoreDimension, 'segment'> => name !== 'segment');
  const groupBy = columnDimensions.map((name) => col(COLUMN_OF[name]));
  const periodCount = (index: number, segment: number) => {
    const [from, to] = periodRange(bounds, index, query);
    // biome-ignore lint/suspicious/noExplicitAny: plugin tables are not in the Kysely schema type.
    let select = db.selectFrom(table).select((eb: any) => {
      const one = (condition: unknown) => eb.fn.sum(eb.case().when(condition).then(eb.lit(1)).else(eb.lit(0)).end());
      const selections = [eb.lit(index).as('bucket'), eb.lit(segment).as('seg'), eb.fn.countAll().as('n')];
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
      for (const name of columnDimensions) selections.push(eb.ref(col(COLUMN_OF[name])).as(`d_${name}`));
      return selections;
    });
    select = select.where(tenantColumn, '=', tenantId).where(at, '>=', from).where(at, '<', to).where(score, 'is not', null);
    if (query.surveyId) select = select.where(col('surveyId'), '=', query.surveyId);
    // biome-ignore lint/suspicious/noExplicitAny: the members subquery is a Kysely select over core's customers table.
    if (members) select = select.where(col('customerId'), 'in', members[segment] as any);
    return groupBy.length > 0 ? select.groupBy(groupBy) : select;
  };
  return unionOfBranches(bounds.length - 1, members?.length ?? 1, periodCount).execute();
}

async function inMemory(
  store: TenantStore,
  query: Parsed,
  cuts: readonly SegmentCut[] | null,
  now: Date,
): Promise<SeriesPoint<NpsScore | ProportionScore>[]> {
  const members = cuts ? await segmentMembers(store, cuts, now) : null;
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
      const dimensions = { channel: row.channel, store: row.store, responseSegment: row.segment, survey: row.surveyId };
      if (!members) rows.push({ answeredAt: row.answeredAt, kind: query.kind, score, scale, dimensions });
      else {
        // One row per listed segment the customer is in now.
        for (const [segment, ids] of members) {
          if (ids.has(row.customerId))
            rows.push({ answeredAt: row.answeredAt, kind: query.kind, score, scale, dimensions: { ...dimensions, segment } });
        }
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const options = { period: query.period, timeZone: query.timeZone, by: query.by, confidence: query.confidence };
  if (query.kind === 'nps') return npsSeries(rows, options);
  return query.kind === 'csat' ? csatSeries(rows, options) : cesSeries(rows, options);
}
