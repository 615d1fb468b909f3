import { DateTime } from 'luxon';
import type { QuietHours } from '../options.js';

const minutesOf = (time: string): number => {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours as number) * 60 + (minutes as number);
};

/** A valid IANA zone from a trait, or the fallback. */
export function customerTimeZone(trait: unknown, fallback: string): string {
  if (typeof trait !== 'string' || trait.length === 0) return fallback;
  return DateTime.now().setZone(trait).isValid ? trait : fallback;
}

/**
 * The first instant at or after `at` outside quiet hours in `zone`: `at` itself when it is
 * outside them, else the local `end` time that closes them. Local times are resolved by
 * luxon in the zone, so across a daylight-saving change "08:00" is still 08:00 on the wall
 * clock (an end inside a spring-forward gap moves to the first valid time after it).
 */
export function nextAllowedTime(at: Date, zone: string, hours: Pick<QuietHours, 'start' | 'end'>): Date {
  const local = DateTime.fromJSDate(at, { zone });
  const now = local.hour * 60 + local.minute;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  const overnight = start > end;
  const quiet = overnight ? now >= start || now < end : now >= start && now < end;
  if (!quiet) return at;
  // Overnight hours entered before midnight end tomorrow; otherwise they end today.
  const day = overnight && now >= start ? local.plus({ days: 1 }) : local;
  const endTime = day.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  return endTime.toJSDate();
}
