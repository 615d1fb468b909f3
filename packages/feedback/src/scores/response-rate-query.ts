import { parseInput, type TenantStore } from '@rapport/core/plugin';
import type { DateTime } from 'luxon';
import { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';
import { surveySendsTable } from '../tables.js';
import { type ProportionScore, proportionScore } from './proportion-score.js';
import { compareDimensions, responseRateSeries, type SeriesPoint, type SurveySend } from './score-series.js';
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

/** What response rates can be grouped by: the send's channel or survey, or the customer's membership now of the query's `segments`. */
export const RESPONSE_RATE_DIMENSIONS = ['channel', 'survey', 'segment'] as const;

/** The zod schema of a {@link ResponseRateQuery}. */
export const ResponseRateQuerySchema = refineSeriesQuery(
  z.object({ by: dimensionsSchema(RESPONSE_RATE_DIMENSIONS, 3), ...seriesQueryFields }),
);

/** Which response rates, over which time, cut how. */
export type ResponseRateQuery = z.input<typeof ResponseRateQuerySchema>;

type Parsed = z.output<typeof ResponseRateQuerySchema>;

const COLUMN_OF = { channel: 'channel', survey: 'surveyId' } as const;

/**
 * The response rate per period of sending: of the surveys sent in the period (skipped sends
 * do not count), the share answered through their link by now, with a Wilson interval.
 * Answers given through the API (no link) are not replies to a send and do not count. On
 * `@rapport/storage-sql` it is counted in the database (one aggregate per period and segment
 * cut, `UNION ALL`); elsewhere in JS with `responseRateSeries`, which gives the same points.
 */
export async function responseRates(store: TenantStore, query: ResponseRateQuery, now: Date): Promise<SeriesPoint<ProportionScore>[]> {
  const parsed = parseInput(ResponseRateQuerySchema, query, ['query'], FeedbackErrorCode.InvalidInput);
  const cuts = parsed.segments ? await segmentCuts(store, parsed.segments) : null;
  const handle = await sqlHandle(store, surveySendsTable);
  if (!handle) return inMemory(store, parsed, cuts, now);
  const members = cuts ? await Promise.all(cuts.map((cut) => membersSubquery(store, handle, cut.condition, now))) : null;
  const bounds = periodBounds(parsed);
  const perQuery = Math.max(1, Math.floor(BRANCHES_PER_QUERY / (members?.length ?? 1)));
  const points: SeriesPoint<ProportionScore>[] = [];
  for (let offset = 0; offset < bounds.length - 1; offset += perQuery) {
    const chunk = bounds.slice(offset, offset + perQuery + 1);
    for (const row of await countInSql(handle, parsed, chunk, members)) {
      if (Number(row.n) === 0) continue;
      const start = chunk[Number(row.bucket)] as DateTime;
      points.push({
        periodStart: start.toJSDate(),
        period: start.toISODate() ?? '',
        dimensions: Object.fromEntries(
          parsed.by.map((name) => [
            name,
            name === 'segment' ? ((cuts as SegmentCut[])[Number(row.seg)]?.key ?? null) : ((row[`d_${name}`] as string | null) ?? null),
          ]),
        ),
        value: proportionScore(Number(row.responded ?? 0), Number(row.n), parsed.confidence),
      });
    }
  }
  return points.sort(
    (a, b) => a.periodStart.getTime() - b.periodStart.getTime() || compareDimensions(parsed.by, a.dimensions, b.dimensions),
  );
}

async function countInSql(
  handle: SqlHandle,
  query: Parsed,
  bounds: readonly DateTime[],
  members: readonly unknown[] | null,
): Promise<Record<string, unknown>[]> {
  const { db, table, tenantColumn, tenantId, columns } = handle;
  const col = (name: string) => columns[name] as string;
  const columnDimensions = query.by.filter((name): name is 'channel' | 'survey' => name !== 'segment');
  const groupBy = columnDimensions.map((name) => col(COLUMN_OF[name]));
  const periodCount = (index: number, segment: number) => {
    const [from, to] = periodRange(bounds, index, query);
    // biome-ignore lint/suspicious/noExplicitAny: plugin tables are not in the Kysely schema type.
    let select = db.selectFrom(table).select((eb: any) => {
      const answered = eb.fn.sum(eb.case().when(col('respondedAt'), 'is not', null).then(eb.lit(1)).else(eb.lit(0)).end());
      const selections = [eb.lit(index).as('bucket'), eb.lit(segment).as('seg'), eb.fn.countAll().as('n'), answered.as('responded')];
      for (const name of columnDimensions) selections.push(eb.ref(col(COLUMN_OF[name])).as(`d_${name}`));
      return selections;
    });
    select = select
      .where(tenantColumn, '=', tenantId)
      .where(col('sentAt'), '>=', from)
      .where(col('sentAt'), '<', to)
      .where(col('status'), '=', 'sent');
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
): Promise<SeriesPoint<ProportionScore>[]> {
  const members = cuts ? await segmentMembers(store, cuts, now) : null;
  const sends: SurveySend[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.table(surveySendsTable).find({
      where: { status: 'sent', sentAt: { gte: query.from, lt: query.to }, ...(query.surveyId ? { surveyId: query.surveyId } : {}) },
      orderBy: [{ column: 'sentAt' }],
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const row of page.items) {
      const send = { sentAt: row.sentAt, responded: row.respondedAt !== null, dimensions: { channel: row.channel, survey: row.surveyId } };
      if (!members) sends.push(send);
      else {
        for (const [segment, ids] of members)
          if (ids.has(row.customerId)) sends.push({ ...send, dimensions: { ...send.dimensions, segment } });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return responseRateSeries(sends, { period: query.period, timeZone: query.timeZone, by: query.by, confidence: query.confidence });
}
