import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { csatSeries, FeedbackErrorCode, npsScore, npsSeries, responseRateSeries, type ScoredResponse } from '../src/index.js';

const nps = (at: string, score: number, channel?: string, store?: string): ScoredResponse => ({
  answeredAt: new Date(at),
  kind: 'nps',
  score,
  scale: 10,
  dimensions: { channel, store },
});

describe('score series', () => {
  // 2026-03-31T23:30Z is already 1 April 00:30 in London (BST began on Sunday 29 March).
  const rows = [nps('2026-03-02T10:00:00Z', 10, 'email'), nps('2026-03-31T23:30:00Z', 0, 'sms'), nps('2026-04-15T12:00:00Z', 9, 'email')];

  it('cuts months in the series time zone: a late-March answer in UTC is April in London', () => {
    const utc = npsSeries(rows, { period: 'month' });
    expect(utc.map((p) => [p.period, p.value.n, p.value.score])).toEqual([
      ['2026-03-01', 2, 0],
      ['2026-04-01', 1, 100],
    ]);
    const london = npsSeries(rows, { period: 'month', timeZone: 'Europe/London' });
    expect(london.map((p) => [p.period, p.value.n, p.value.score])).toEqual([
      ['2026-03-01', 1, 100],
      ['2026-04-01', 2, 0],
    ]);
    expect(london[1]?.periodStart.toISOString()).toBe('2026-03-31T23:00:00.000Z');
  });

  it('groups by dimensions, a missing one as null', () => {
    const series = npsSeries([...rows, nps('2026-03-03T10:00:00Z', 5)], { period: 'month', by: ['channel'] });
    expect(series.map((p) => [p.period, p.dimensions.channel, p.value.n])).toEqual([
      ['2026-03-01', 'email', 1],
      ['2026-03-01', 'sms', 1],
      ['2026-03-01', null, 1],
      ['2026-04-01', 'email', 1],
    ]);
  });

  it('a dimension named like an Object property groups as null when a row lacks it', () => {
    const series = npsSeries([nps('2026-03-02T10:00:00Z', 10)], { period: 'month', by: ['constructor'] });
    expect(series[0]?.dimensions).toEqual({ constructor: null });
  });

  it('weeks start on Monday, days at local midnight', () => {
    // Sunday 29 March and Monday 30 March 2026.
    const weekly = npsSeries([nps('2026-03-29T12:00:00Z', 9), nps('2026-03-30T00:30:00Z', 9)], {
      period: 'week',
      timeZone: 'Europe/London',
    });
    expect(weekly.map((p) => p.period)).toEqual(['2026-03-23', '2026-03-30']);
    // 23:30Z on 29 March is 00:30 BST on the 30th.
    const daily = npsSeries([nps('2026-03-29T23:30:00Z', 9)], { period: 'day', timeZone: 'Europe/London' });
    expect(daily[0]?.period).toBe('2026-03-30');
  });

  it('CSAT series judges each answer on its own scale and ignores other kinds', () => {
    const series = csatSeries(
      [
        { answeredAt: new Date('2026-05-01T00:00:00Z'), kind: 'csat', score: 4, scale: 5 },
        { answeredAt: new Date('2026-05-02T00:00:00Z'), kind: 'csat', score: 3, scale: 5 },
        { answeredAt: new Date('2026-05-03T00:00:00Z'), kind: 'csat', score: 3, scale: 3 },
        { answeredAt: new Date('2026-05-03T00:00:00Z'), kind: 'csat', score: 2, scale: 3 },
        nps('2026-05-03T00:00:00Z', 1),
      ],
      { period: 'month' },
    );
    expect(series).toHaveLength(1);
    expect(series[0]?.value).toMatchObject({ n: 4, positive: 2, score: 50 });
  });

  it('response rate by month of sending', () => {
    const sends = [
      { sentAt: new Date('2026-06-01T00:00:00Z'), responded: true, dimensions: { survey: 'a' } },
      { sentAt: new Date('2026-06-02T00:00:00Z'), responded: false, dimensions: { survey: 'a' } },
      { sentAt: new Date('2026-06-03T00:00:00Z'), responded: false, dimensions: { survey: 'a' } },
      { sentAt: new Date('2026-06-04T00:00:00Z'), responded: true, dimensions: { survey: 'b' } },
    ];
    const series = responseRateSeries(sends, { period: 'month', by: ['survey'] });
    expect(series.map((p) => [p.dimensions.survey, p.value.score])).toEqual([
      ['a', 100 / 3],
      ['b', 100],
    ]);
  });

  it('names a bad row and a bad time zone', () => {
    expect(() => npsSeries([nps('2026-01-01T00:00:00Z', 12)], { period: 'day' })).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.InvalidScoreInput,
        details: { issues: [expect.objectContaining({ path: ['responses', 0, 'score'] })] },
      }),
    );
    expect(() => npsSeries([nps('not a date', 1)], { period: 'day' })).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['responses', 0, 'answeredAt'] })] } }),
    );
    expect(() => npsSeries(rows, { period: 'day', timeZone: 'Mars/Olympus' })).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['timeZone'] })] } }),
    );
  });
});

describe('series properties', () => {
  const row = fc.record({
    at: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
    score: fc.integer({ min: 0, max: 10 }),
    channel: fc.constantFrom('email', 'sms', undefined),
  });
  const period = fc.constantFrom<'day' | 'week' | 'month'>('day', 'week', 'month');
  const zone = fc.constantFrom('UTC', 'Europe/London', 'Asia/Kolkata', 'America/New_York');

  it('each point scores exactly the answers from its local period start to the next one', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 200 }), period, zone, (rows, unit, timeZone) => {
        const responses = rows.map((r) => nps(new Date(r.at).toISOString(), r.score, r.channel));
        const series = npsSeries(responses, { period: unit, timeZone, by: ['channel'] });
        expect(series.reduce((sum, point) => sum + point.value.n, 0)).toBe(rows.length);
        for (const point of series) {
          const start = DateTime.fromJSDate(point.periodStart, { zone: timeZone });
          // The period starts at a local midnight (on a Monday for weeks, the 1st for months).
          expect([start.hour, start.minute]).toEqual([0, 0]);
          if (unit === 'week') expect(start.weekday).toBe(1);
          if (unit === 'month') expect(start.day).toBe(1);
          const end = start.plus({ [`${unit}s`]: 1 }).toMillis();
          const members = responses.filter(
            (r) =>
              (r.dimensions?.channel ?? null) === point.dimensions.channel &&
              r.answeredAt.getTime() >= start.toMillis() &&
              r.answeredAt.getTime() < end,
          );
          expect(point.value.n).toBe(members.length);
          expect(point.value.score).toBeCloseTo(npsScore(members.map((m) => m.score)).score ?? Number.NaN, 9);
        }
      }),
      { numRuns: 100 },
    );
  });
});
