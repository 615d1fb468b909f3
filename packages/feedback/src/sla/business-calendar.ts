import { ValidationError, type ValidationIssue } from '@rapport/core';
import { parseInput } from '@rapport/core/plugin';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';

/** The days of a week, as business calendars name them. */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** A day of the week. */
export type Weekday = (typeof WEEKDAYS)[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a local time HH:mm (00:00–24:00)');

/** The zod schema of a {@link BusinessCalendarInput}. */
export const BusinessCalendarSchema = z.object({
  timeZone: z.string().min(1),
  weeklyHours: z.partialRecord(z.enum(WEEKDAYS), z.array(z.object({ start: clock, end: clock })).max(24)),
  holidays: z.array(z.iso.date()).max(10_000).default([]),
});

/** A calendar as written: the time zone, open hours per weekday (local time), and holidays. */
export interface BusinessCalendarInput {
  /** IANA time zone the hours and holidays are in, e.g. `Europe/London`. */
  timeZone: string;
  /** Open hours per weekday as local `HH:mm` (end `24:00` for midnight); a day left out is closed. */
  weeklyHours: Partial<Record<Weekday, readonly { start: string; end: string }[]>>;
  /** Closed days as local ISO dates (`2026-12-25`). */
  holidays?: readonly string[];
}

/**
 * A checked business calendar (from {@link defineBusinessCalendar}): hours as minutes after
 * local midnight, sorted and disjoint. Frozen, and never to be changed: the arithmetic caches
 * each calendar's days; define a new calendar instead.
 */
export interface BusinessCalendar {
  /** Tells business calendars from {@link CalendarHours}. */
  readonly kind: 'business';
  /** IANA time zone. */
  readonly timeZone: string;
  /** Open intervals per weekday, `[startMinute, endMinute)` after local midnight. */
  readonly weeklyHours: Readonly<Record<Weekday, readonly (readonly [number, number])[]>>;
  /** Closed local dates. */
  readonly holidays: ReadonlySet<string>;
}

/** Round-the-clock time: SLA targets counted in calendar hours. */
export interface CalendarHours {
  /** Tells calendar hours from a {@link BusinessCalendar}. */
  readonly kind: 'calendar';
}

/** Calendar hours: every minute counts (24/7). */
export const calendarHours: CalendarHours = Object.freeze({ kind: 'calendar' as const });

/** What SLA time is counted in: business hours from a calendar, or calendar hours. */
export type WorkingTime = BusinessCalendar | CalendarHours;

const minutesOf = (text: string): number => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

/**
 * Checks a business calendar. Throws a `ValidationError` (`FEEDBACK_INVALID_CALENDAR`)
 * naming the field: an unknown time zone (`timeZone`), an interval that ends before it
 * starts or overlaps another on the same day (`weeklyHours.monday.1`), a bad holiday date,
 * or a week without any open hours (SLA time would never pass).
 */
export function defineBusinessCalendar(input: BusinessCalendarInput): BusinessCalendar {
  const parsed = parseInput(BusinessCalendarSchema, input, [], FeedbackErrorCode.InvalidCalendar);
  const issues: ValidationIssue[] = [];
  if (!DateTime.now().setZone(parsed.timeZone).isValid)
    issues.push({ path: ['timeZone'], message: `"${parsed.timeZone}" is not an IANA time zone` });
  const weeklyHours = {} as Record<Weekday, (readonly [number, number])[]>;
  let open = 0;
  for (const day of WEEKDAYS) {
    const intervals = (parsed.weeklyHours[day] ?? []).map((interval, index) => ({
      index,
      start: minutesOf(interval.start),
      end: minutesOf(interval.end),
    }));
    for (const interval of intervals) {
      if (interval.end <= interval.start)
        issues.push({ path: ['weeklyHours', day, interval.index, 'end'], message: 'must be after start' });
    }
    const sorted = [...intervals].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1];
      const current = sorted[i];
      if (previous && current && current.start < previous.end) {
        issues.push({
          path: ['weeklyHours', day, current.index],
          message: `overlaps the hours at weeklyHours.${day}.${previous.index} on ${day}`,
        });
      }
    }
    weeklyHours[day] = Object.freeze(sorted.map((interval) => Object.freeze([interval.start, interval.end] as const))) as (readonly [
      number,
      number,
    ])[];
    open += sorted.reduce((sum, interval) => sum + Math.max(0, interval.end - interval.start), 0);
  }
  if (open === 0 && issues.length === 0) issues.push({ path: ['weeklyHours'], message: 'has no open hours in the week' });
  if (issues.length > 0) throw new ValidationError(FeedbackErrorCode.InvalidCalendar, issues);
  // Frozen: the arithmetic caches each calendar's days, so a calendar must never change.
  return Object.freeze({
    kind: 'business',
    timeZone: parsed.timeZone,
    weeklyHours: Object.freeze(weeklyHours),
    holidays: new Set(parsed.holidays),
  });
}
