import { ValidationError } from '@rapport/core';
import { DateTime } from 'luxon';
import { FeedbackErrorCode } from '../error-codes.js';
import { type BusinessCalendar, WEEKDAYS, type WorkingTime } from './business-calendar.js';

const MINUTE = 60_000;
/** How far a walk through a calendar may go before it is taken as a mistake (ten years). */
const MAX_DAYS = 3_660;

/** One local day of a calendar: its bounds and open intervals as instants (epoch ms). */
interface CalendarDay {
  /** The local ISO date. */
  date: string;
  /** The next local ISO date. */
  next: string;
  /** Local midnight, as an instant. */
  start: number;
  /** The next local midnight, as an instant. */
  end: number;
  /** The open intervals, sorted and disjoint. */
  open: [number, number][];
}

/**
 * Days already worked out, per calendar. Building a day through Luxon costs far more than
 * the arithmetic on it, and SLA timers of many tickets walk the same few weeks again and
 * again; a calendar is immutable, so its days never change (a few thousand at most).
 */
const days = new WeakMap<BusinessCalendar, Map<string, CalendarDay>>();
/** The same days, sorted by start, for finding the day of an instant without Luxon. */
const ordered = new WeakMap<BusinessCalendar, CalendarDay[]>();

/**
 * One local day of `calendar`. Local times go through Luxon, so a day on which the clocks
 * change is as long as its wall-clock hours really are: an hour skipped in spring is not
 * counted, one repeated in autumn is counted twice.
 */
function calendarDay(calendar: BusinessCalendar, date: string): CalendarDay {
  let known = days.get(calendar);
  if (!known) {
    known = new Map();
    days.set(calendar, known);
  }
  const cached = known.get(date);
  if (cached) return cached;
  const local = DateTime.fromISO(date, { zone: calendar.timeZone }).startOf('day');
  const following = local.plus({ days: 1 }).startOf('day');
  const weekday = WEEKDAYS[local.weekday - 1];
  const hours = calendar.holidays.has(date) || !weekday ? [] : calendar.weeklyHours[weekday];
  const at = (minute: number) =>
    minute >= 1_440
      ? following.toMillis()
      : DateTime.fromObject(
          { year: local.year, month: local.month, day: local.day, hour: Math.floor(minute / 60), minute: minute % 60 },
          { zone: calendar.timeZone },
        ).toMillis();
  const open = hours.map(([start, end]): [number, number] => {
    const from = at(start);
    return [from, Math.max(from, at(end))];
  });
  const day = { date, next: following.toISODate() ?? '', start: local.toMillis(), end: following.toMillis(), open };
  known.set(date, day);
  let sorted = ordered.get(calendar);
  if (!sorted) {
    sorted = [];
    ordered.set(calendar, sorted);
  }
  const index = sorted.findIndex((other) => other.start > day.start);
  sorted.splice(index === -1 ? sorted.length : index, 0, day);
  return day;
}

/** The local day of `calendar` that holds the instant `at`: a binary search of the days known, else Luxon. */
function dayAt(calendar: BusinessCalendar, at: number): CalendarDay {
  const known = ordered.get(calendar) ?? [];
  let low = 0;
  let high = known.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const day = known[middle] as CalendarDay;
    if (at < day.start) high = middle - 1;
    else if (at >= day.end) low = middle + 1;
    else return day;
  }
  return calendarDay(calendar, DateTime.fromMillis(at, { zone: calendar.timeZone }).toISODate() ?? '');
}

/**
 * The instant `minutes` of working time after `start`: in calendar hours simply later; in
 * business hours counting only open hours (weekends, holidays and nights skipped). Zero
 * minutes gives `start` itself. Throws `FEEDBACK_INVALID_SLA_POLICY` for negative or
 * non-finite minutes.
 */
export function addWorkingMinutes(time: WorkingTime, start: Date, minutes: number): Date {
  let remaining = toMs(minutes, 'minutes');
  const from = start.getTime();
  if (time.kind === 'calendar' || remaining === 0) return new Date(from + remaining);
  let day = dayAt(time, from);
  for (let walked = 0; walked < MAX_DAYS; walked++, day = calendarDay(time, day.next)) {
    for (const [open, close] of day.open) {
      if (close <= from) continue;
      const begin = Math.max(open, from);
      const available = close - begin;
      if (available >= remaining) return new Date(begin + remaining);
      remaining -= available;
    }
  }
  throw tooFar();
}

/**
 * The working minutes in `[a, b)`: in calendar hours the plain difference, in business hours
 * only the open hours. 0 when `b` is not after `a`.
 */
export function workingMinutesBetween(time: WorkingTime, a: Date, b: Date): number {
  return workingMsBetween(time, a.getTime(), b.getTime()) / MINUTE;
}

/** {@link workingMinutesBetween} in milliseconds, on epoch instants. */
export function workingMsBetween(time: WorkingTime, from: number, to: number): number {
  if (to <= from) return 0;
  if (time.kind === 'calendar') return to - from;
  let total = 0;
  let day = dayAt(time, from);
  for (let walked = 0; day.start < to; walked++, day = calendarDay(time, day.next)) {
    if (walked > MAX_DAYS * 10) throw tooFar();
    for (const [open, close] of day.open) {
      total += Math.max(0, Math.min(close, to) - Math.max(open, from));
    }
  }
  return total;
}

/** Minutes as whole milliseconds, or a typed error naming `field`. */
export function toMs(minutes: number, field: string): number {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new ValidationError(FeedbackErrorCode.InvalidSlaPolicy, [
      { path: [field], message: `${minutes} is not a finite number of minutes ≥ 0` },
    ]);
  }
  return Math.round(minutes * MINUTE);
}

function tooFar(): ValidationError {
  return new ValidationError(FeedbackErrorCode.InvalidSlaPolicy, [
    { path: ['calendar'], message: 'has no open hours within ten years (holidays cover every open day?)' },
  ]);
}
