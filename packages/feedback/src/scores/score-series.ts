import { ValidationError } from '@rapport/core';
import { DateTime } from 'luxon';
import { FeedbackErrorCode } from '../error-codes.js';
import { type NpsCounts, type NpsScore, npsFromCounts } from './nps-score.js';
import { type ProportionScore, proportionScore } from './proportion-score.js';
import { assertScale, isAgree, isSatisfied, npsCategory, type ScoreKind } from './score-scales.js';

/** The length of one point of a series, counted in the series' time zone. */
export type SeriesPeriod = 'day' | 'week' | 'month';

/** Dimension values of a response or send (channel, store, segment, survey, …); a missing one groups as `null`. */
export type Dimensions = Readonly<Record<string, string | null | undefined>>;

/** One scored answer, as the storage-backed service reads it from its table. */
export interface ScoredResponse {
  /** When it was answered. */
  answeredAt: Date;
  /** Which score it is. */
  kind: ScoreKind;
  /** The answer. */
  score: number;
  /** The top of its scale: 10 for NPS, 5 or 3 for CSAT, 7 or 5 for CES. */
  scale: number;
  /** What it can be grouped by. */
  dimensions?: Dimensions;
}

/** One survey sent, for response-rate series. */
export interface SurveySend {
  /** When it was sent; the send is counted in this period. */
  sentAt: Date;
  /** Whether it was answered (at any time). */
  responded: boolean;
  /** What it can be grouped by. */
  dimensions?: Dimensions;
}

/** How to cut a series. */
export interface SeriesOptions {
  /** Length of each point. */
  period: SeriesPeriod;
  /**
   * IANA time zone the periods are counted in (a day in `Europe/London` starts at local
   * midnight; weeks start on Monday, as ISO 8601 has it).
   * @default 'UTC'
   */
  timeZone?: string;
  /** Dimension names to group by as well, e.g. `['channel']`; none gives one line. */
  by?: readonly string[];
  /** @default 0.95 */
  confidence?: number;
}

/** One point of a series: a period, the dimension values, and the score there. */
export interface SeriesPoint<TValue> {
  /** The period's start, as an instant. */
  periodStart: Date;
  /** The period's start as a local ISO date in the series' time zone, e.g. `2026-03-30`. */
  period: string;
  /** The values of the `by` dimensions (`null` where a row had none). */
  dimensions: Record<string, string | null>;
  /** The score. */
  value: TValue;
}

/** The NPS per period (and dimensions) of the `nps` answers in `responses`; other kinds are ignored. */
export function npsSeries(responses: readonly ScoredResponse[], options: SeriesOptions): SeriesPoint<NpsScore>[] {
  const rows = ofKind(responses, 'nps');
  return series(
    rows,
    (row) => row.answeredAt,
    options,
    (group) => {
      const counts: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
      for (const row of group) counts[`${npsCategory(row.score)}s` as keyof NpsCounts]++;
      return npsFromCounts(counts, options.confidence);
    },
  );
}

/** The CSAT per period (and dimensions); each answer is judged on its own scale (1–5 or 1–3). */
export function csatSeries(responses: readonly ScoredResponse[], options: SeriesOptions): SeriesPoint<ProportionScore>[] {
  const rows = ofKind(responses, 'csat');
  return series(
    rows,
    (row) => row.answeredAt,
    options,
    (group) => proportionScore(group.filter((row) => isSatisfied(row.score, row.scale as 3 | 5)).length, group.length, options.confidence),
  );
}

/** The CES per period (and dimensions); each answer is judged on its own scale (1–7 or 1–5). */
export function cesSeries(responses: readonly ScoredResponse[], options: SeriesOptions): SeriesPoint<ProportionScore>[] {
  const rows = ofKind(responses, 'ces');
  return series(
    rows,
    (row) => row.answeredAt,
    options,
    (group) => proportionScore(group.filter((row) => isAgree(row.score, row.scale as 5 | 7)).length, group.length, options.confidence),
  );
}

/** The response rate per period of sending (and dimensions). */
export function responseRateSeries(sends: readonly SurveySend[], options: SeriesOptions): SeriesPoint<ProportionScore>[] {
  sends.forEach((send, index) => {
    assertDate(send.sentAt, ['sends', index, 'sentAt']);
  });
  return series(
    sends,
    (send) => send.sentAt,
    options,
    (group) => proportionScore(group.filter((send) => send.responded).length, group.length, options.confidence),
  );
}

function ofKind(responses: readonly ScoredResponse[], kind: ScoreKind): ScoredResponse[] {
  const rows: ScoredResponse[] = [];
  responses.forEach((row, index) => {
    if (row.kind !== kind) return;
    assertDate(row.answeredAt, ['responses', index, 'answeredAt']);
    assertScale(kind, row.scale, ['responses', index, 'scale']);
    const min = kind === 'nps' ? 0 : 1;
    if (!Number.isInteger(row.score) || row.score < min || row.score > row.scale) {
      throw new ValidationError(FeedbackErrorCode.InvalidScoreInput, [
        { path: ['responses', index, 'score'], message: `${row.score} is outside the scale ${min}–${row.scale}` },
      ]);
    }
    rows.push(row);
  });
  return rows;
}

function series<TRow extends { dimensions?: Dimensions }, TValue>(
  rows: readonly TRow[],
  at: (row: TRow) => Date,
  options: SeriesOptions,
  score: (group: TRow[]) => TValue,
): SeriesPoint<TValue>[] {
  const zone = options.timeZone ?? 'UTC';
  if (!DateTime.now().setZone(zone).isValid) {
    throw new ValidationError(FeedbackErrorCode.InvalidScoreInput, [{ path: ['timeZone'], message: `"${zone}" is not an IANA time zone` }]);
  }
  const by = options.by ?? [];
  const groups = new Map<string, { start: DateTime; dimensions: Record<string, string | null>; rows: TRow[] }>();
  for (const row of rows) {
    const start = DateTime.fromJSDate(at(row), { zone }).startOf(options.period, { useLocaleWeeks: false });
    const dimensions = Object.fromEntries(by.map((name) => [name, dimensionOf(row.dimensions, name)]));
    const key = JSON.stringify([start.toMillis(), by.map((name) => dimensions[name])]);
    let group = groups.get(key);
    if (!group) {
      group = { start, dimensions, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  return [...groups.values()]
    .sort((a, b) => a.start.toMillis() - b.start.toMillis() || compareDimensions(by, a.dimensions, b.dimensions))
    .map((group) => ({
      periodStart: group.start.toJSDate(),
      period: group.start.toISODate() ?? '',
      dimensions: group.dimensions,
      value: score(group.rows),
    }));
}

/** A row's value of one dimension: own keys only (a dimension named `constructor` is not Object's), strings only. */
function dimensionOf(dimensions: Dimensions | undefined, name: string): string | null {
  if (!dimensions || !Object.hasOwn(dimensions, name)) return null;
  const value = dimensions[name];
  return typeof value === 'string' ? value : null;
}

/** Dimension values in `by` order, alphabetically, `null` last (the SQL series sorts its points the same way). */
export function compareDimensions(by: readonly string[], a: Record<string, string | null>, b: Record<string, string | null>): number {
  for (const name of by) {
    const x = a[name] ?? null;
    const y = b[name] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function assertDate(value: unknown, path: (string | number)[]): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError(FeedbackErrorCode.InvalidScoreInput, [{ path, message: 'must be a valid Date' }]);
  }
}
