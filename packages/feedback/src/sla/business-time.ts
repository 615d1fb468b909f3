import { ValidationError } from '@rapport/core';
import { DateTime } from 'luxon';
import { FeedbackErrorCode } from '../error-codes.js';
import { type BusinessCalendar, WEEKDAYS, type WorkingTime } from './business-calendar.js';

const MINUTE = 60_000;
/** How far a walk through a calendar may go before it is taken as a mistake (ten years). */
const MAX_DAYS = 3_660;

/**
 * The open intervals of one local day as instants (epoch ms). Local times go through Luxon,
 * so a day on which the clocks change is as long as its wall-clock hours really are: an
 * hour skipped in spring is not counted, one repeated in autumn is counted twice.
 */
export function openIntervals(calendar: BusinessCalendar, day: DateTime): [number, number][] {
  const local = day.setZone(calendar.timeZone).startOf('day');
  const date = local.toISODate() ?? '';
  if (calendar.holidays.has(date)) return [];
  const weekday = WEEKDAYS[local.weekday - 1];
  const hours = weekday ? calendar.weeklyHours[weekday] : [];
  const at = (minute: number) =>
    minute >= 1_440
      ? local.plus({ days: 1 }).startOf('day').toMillis()
      : DateTime.fromObject(
          { year: local.year, month: local.month, day: local.day, hour: Math.floor(minute / 60), minute: minute % 60 },
          { zone: calendar.timeZone },
        ).toMillis();
  return hours.map(([start, end]) => {
    const from = at(start);
    return [from, Math.max(from, at(end))];
  });
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
  let day = DateTime.fromMillis(from, { zone: time.timeZone }).startOf('day');
  for (let walked = 0; walked < MAX_DAYS; walked++, day = day.plus({ days: 1 })) {
    for (const [open, close] of openIntervals(time, day)) {
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
  let day = DateTime.fromMillis(from, { zone: time.timeZone }).startOf('day');
  for (let walked = 0; day.toMillis() < to; walked++, day = day.plus({ days: 1 })) {
    if (walked > MAX_DAYS * 10) throw tooFar();
    for (const [open, close] of openIntervals(time, day)) {
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
