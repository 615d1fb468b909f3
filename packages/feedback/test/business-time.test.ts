import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingMinutes,
  calendarHours,
  defineBusinessCalendar,
  dueAfter,
  elapsedWorkingMinutes,
  FeedbackErrorCode,
  type Pause,
  workingMinutesBetween,
} from '../src/index.js';

const nineToFive = [{ start: '09:00', end: '17:00' }];
/** London office, Mon–Fri 9–17; Good Friday and Easter Monday 2026 closed. BST starts 29 March, ends 25 October 2026. */
const london = defineBusinessCalendar({
  timeZone: 'Europe/London',
  weeklyHours: { monday: nineToFive, tuesday: nineToFive, wednesday: nineToFive, thursday: nineToFive, friday: nineToFive },
  holidays: ['2026-04-03', '2026-04-06'],
});
const at = (iso: string) => new Date(iso);

describe('business calendars', () => {
  it('names the day and interval of overlapping hours', () => {
    expect(() =>
      defineBusinessCalendar({
        timeZone: 'Europe/London',
        weeklyHours: {
          monday: [
            { start: '09:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        },
      }),
    ).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.InvalidCalendar,
        details: { issues: [{ path: ['weeklyHours', 'monday', 1], message: 'overlaps the hours at weeklyHours.monday.0 on monday' }] },
      }),
    );
  });

  it('names an interval ending before it starts, a bad time, a bad zone, a bad holiday, an empty week', () => {
    const paths = (input: Parameters<typeof defineBusinessCalendar>[0]) => {
      try {
        defineBusinessCalendar(input);
      } catch (error) {
        return (error as { details: { issues: { path: unknown[] }[] } }).details.issues.map((issue) => issue.path.join('.'));
      }
      return [];
    };
    expect(paths({ timeZone: 'UTC', weeklyHours: { friday: [{ start: '17:00', end: '09:00' }] } })).toEqual(['weeklyHours.friday.0.end']);
    expect(paths({ timeZone: 'UTC', weeklyHours: { friday: [{ start: '9:00', end: '25:00' }] } })).toEqual([
      'weeklyHours.friday.0.start',
      'weeklyHours.friday.0.end',
    ]);
    expect(paths({ timeZone: 'Nowhere/Town', weeklyHours: { friday: nineToFive } })).toEqual(['timeZone']);
    expect(paths({ timeZone: 'UTC', weeklyHours: { friday: nineToFive }, holidays: ['2026-02-30'] })).toEqual(['holidays.0']);
    expect(paths({ timeZone: 'UTC', weeklyHours: {} })).toEqual(['weeklyHours']);
  });

  it('accepts adjacent intervals and hours to midnight', () => {
    const calendar = defineBusinessCalendar({
      timeZone: 'UTC',
      weeklyHours: {
        saturday: [
          { start: '12:00', end: '24:00' },
          { start: '08:00', end: '12:00' },
        ],
      },
    });
    expect(calendar.weeklyHours.saturday).toEqual([
      [480, 720],
      [720, 1440],
    ]);
    expect(workingMinutesBetween(calendar, at('2026-05-02T00:00:00Z'), at('2026-05-03T00:00:00Z'))).toBe(16 * 60);
  });
});

describe('adding and measuring business time (hand-computed)', () => {
  it('across a weekend and the spring DST change: Fri 16:00 GMT + 120 min → Mon 10:00 BST', () => {
    // 60 min on Friday 27 March (16–17 GMT), then Monday 30 March 09:00 BST = 08:00Z, + 60.
    expect(addWorkingMinutes(london, at('2026-03-27T16:00:00Z'), 120).toISOString()).toBe('2026-03-30T09:00:00.000Z');
    expect(workingMinutesBetween(london, at('2026-03-27T16:00:00Z'), at('2026-03-30T09:00:00Z'))).toBe(120);
  });

  it('across the Easter holidays: Thu 16:30 BST + 60 min → Tue 09:30 BST', () => {
    // 30 min on Thursday 2 April; Good Friday, the weekend and Easter Monday are closed.
    expect(addWorkingMinutes(london, at('2026-04-02T15:30:00Z'), 60).toISOString()).toBe('2026-04-07T08:30:00.000Z');
  });

  it('starting before opening and ending exactly at closing', () => {
    expect(addWorkingMinutes(london, at('2026-06-01T05:00:00Z'), 480).toISOString()).toBe('2026-06-01T16:00:00.000Z');
    // A whole week of business time is 5 × 8 h.
    expect(workingMinutesBetween(london, at('2026-06-01T00:00:00Z'), at('2026-06-08T00:00:00Z'))).toBe(2400);
  });

  it('a day of the clock change is as long as its wall-clock hours: 00:00–04:00 is 3 h in March, 5 h in October', () => {
    const sundays = defineBusinessCalendar({ timeZone: 'Europe/London', weeklyHours: { sunday: [{ start: '00:00', end: '04:00' }] } });
    // 29 March: 00:00 GMT → 04:00 BST (03:00Z). 25 October: 00:00 BST (24 Oct 23:00Z) → 04:00 GMT.
    expect(workingMinutesBetween(sundays, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'))).toBe(180);
    expect(workingMinutesBetween(sundays, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toBe(300);
    expect(addWorkingMinutes(sundays, at('2026-10-24T12:00:00Z'), 300).toISOString()).toBe('2026-10-25T04:00:00.000Z');
    // A normal Sunday is 4 h.
    expect(workingMinutesBetween(sundays, at('2026-05-02T12:00:00Z'), at('2026-05-03T12:00:00Z'))).toBe(240);
  });

  it('business hours follow local time after the autumn change: Fri 16:00 BST + 120 → Mon 10:00 GMT', () => {
    // Friday 23 October 16:00 BST = 15:00Z; Monday 26 October 09:00 GMT = 09:00Z.
    expect(addWorkingMinutes(london, at('2026-10-23T15:00:00Z'), 120).toISOString()).toBe('2026-10-26T10:00:00.000Z');
  });

  it('calendar hours are elapsed time, DST or not', () => {
    expect(addWorkingMinutes(calendarHours, at('2026-03-28T12:00:00Z'), 24 * 60).toISOString()).toBe('2026-03-29T12:00:00.000Z');
    expect(workingMinutesBetween(calendarHours, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:30:00Z'))).toBe(24.5 * 60);
  });

  it('zero minutes is the start itself; b before a measures 0; negative minutes is a typed error', () => {
    expect(addWorkingMinutes(london, at('2026-03-28T12:00:00Z'), 0).toISOString()).toBe('2026-03-28T12:00:00.000Z');
    expect(workingMinutesBetween(london, at('2026-06-02T12:00:00Z'), at('2026-06-01T12:00:00Z'))).toBe(0);
    expect(() => addWorkingMinutes(london, at('2026-03-28T12:00:00Z'), -1)).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.InvalidSlaPolicy,
        details: { issues: [expect.objectContaining({ path: ['minutes'] })] },
      }),
    );
  });
});

describe('pauses', () => {
  it('pending on the customer stops the clock: Mon 09:00 BST + 240 with a pause Mon 10:00 → Tue 11:00 → Tue 14:00 BST', () => {
    const pauses: Pause[] = [{ from: at('2026-03-30T09:00:00Z'), to: at('2026-03-31T10:00:00Z') }];
    expect(dueAfter(london, at('2026-03-30T08:00:00Z'), 240, pauses)?.toISOString()).toBe('2026-03-31T13:00:00.000Z');
    expect(elapsedWorkingMinutes(london, at('2026-03-30T08:00:00Z'), at('2026-03-31T13:00:00Z'), pauses)).toBe(240);
  });

  it('an open pause leaves the due time unknown unless it was due before the pause', () => {
    expect(dueAfter(london, at('2026-03-30T08:00:00Z'), 240, [{ from: at('2026-03-30T09:00:00Z') }])).toBeNull();
    expect(dueAfter(london, at('2026-03-30T08:00:00Z'), 30, [{ from: at('2026-03-30T09:00:00Z'), to: null }])?.toISOString()).toBe(
      '2026-03-30T08:30:00.000Z',
    );
  });

  it('overlapping pauses count once, a pause outside business hours changes nothing', () => {
    const start = at('2026-06-01T08:00:00Z'); // Monday 09:00 BST
    const plain = dueAfter(london, start, 120);
    expect(dueAfter(london, start, 120, [{ from: at('2026-06-01T18:00:00Z'), to: at('2026-06-01T20:00:00Z') }])).toEqual(plain);
    const overlapping = dueAfter(london, start, 120, [
      { from: at('2026-06-01T09:00:00Z'), to: at('2026-06-01T10:00:00Z') },
      { from: at('2026-06-01T09:30:00Z'), to: at('2026-06-01T10:30:00Z') },
    ]);
    expect(overlapping?.toISOString()).toBe('2026-06-01T11:30:00.000Z');
    expect(() => dueAfter(london, start, 1, [{ from: at('2026-06-02T00:00:00Z'), to: at('2026-06-01T00:00:00Z') }])).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['pauses', 0] })] } }),
    );
  });
});

describe('properties', () => {
  // Instants across 2026, both DST changes included, to the minute.
  const instant = fc
    .integer({ min: Date.UTC(2026, 0, 1) / 60_000, max: Date.UTC(2027, 0, 1) / 60_000 })
    .map((minute) => new Date(minute * 60_000));
  const times = fc.constantFrom(london, calendarHours);
  const pauses = fc.array(fc.tuple(fc.integer({ min: -2_000, max: 20_000 }), fc.integer({ min: 0, max: 5_000 }), fc.boolean()), {
    maxLength: 4,
  });

  it('adding then measuring business time round-trips', () => {
    fc.assert(
      fc.property(times, instant, fc.integer({ min: 0, max: 10_000 }), (time, start, minutes) => {
        expect(workingMinutesBetween(time, start, addWorkingMinutes(time, start, minutes))).toBe(minutes);
      }),
      { numRuns: 200 },
    );
  });

  it('the due time is monotone in the target', () => {
    fc.assert(
      fc.property(times, instant, fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 5_000 }), (time, start, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(addWorkingMinutes(time, start, low).getTime()).toBeLessThanOrEqual(addWorkingMinutes(time, start, high).getTime());
      }),
      { numRuns: 200 },
    );
  });

  it('pauses never shorten a due time, and the elapsed time at the due time is the target', () => {
    fc.assert(
      fc.property(times, instant, fc.integer({ min: 0, max: 5_000 }), pauses, (time, start, minutes, spans) => {
        const list: Pause[] = spans.map(([offset, length, open]) => ({
          from: new Date(start.getTime() + offset * 60_000),
          to: open ? null : new Date(start.getTime() + (offset + length) * 60_000),
        }));
        const plain = addWorkingMinutes(time, start, minutes);
        const paused = dueAfter(time, start, minutes, list);
        if (paused === null) return;
        expect(paused.getTime()).toBeGreaterThanOrEqual(plain.getTime());
        expect(elapsedWorkingMinutes(time, start, paused, list)).toBe(minutes);
      }),
      { numRuns: 200 },
    );
  });
});
