import { ValidationError } from '@rapport/core';
import { FeedbackErrorCode } from '../error-codes.js';
import type { WorkingTime } from './business-calendar.js';
import { addWorkingMinutes, toMs, workingMsBetween } from './business-time.js';

/** A span in which an SLA clock does not run (pending on the customer, or resolved); `to` absent while it lasts. */
export interface Pause {
  /** When the clock stopped. */
  from: Date;
  /** When it started again; absent or `null` while still paused. */
  to?: Date | null;
}

/** Sorted, merged pauses as epoch ms; an open pause has `to` = Infinity. */
function mergePauses(pauses: readonly Pause[]): [number, number][] {
  const spans = pauses.map((pause, index): [number, number] => {
    const from = pause.from.getTime();
    const to = pause.to == null ? Number.POSITIVE_INFINITY : pause.to.getTime();
    if (Number.isNaN(from) || Number.isNaN(to) || to < from) {
      throw new ValidationError(FeedbackErrorCode.InvalidSlaPolicy, [
        { path: ['pauses', index], message: 'must be valid dates with to ≥ from' },
      ]);
    }
    return [from, to];
  });
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

/**
 * When `minutes` of working time have run on a clock started at `start`, not counting the
 * pauses. `null` when a pause still open stops the clock first (the due time is unknown
 * until the clock resumes). Pauses never make a due time earlier.
 */
export function dueAfter(time: WorkingTime, start: Date, minutes: number, pauses: readonly Pause[] = []): Date | null {
  let remaining = toMs(minutes, 'minutes');
  let cursor = start.getTime();
  for (const [from, to] of mergePauses(pauses)) {
    if (to <= cursor) continue;
    const available = workingMsBetween(time, cursor, Math.max(cursor, from));
    if (available >= remaining) return addWorkingMinutes(time, new Date(cursor), remaining / 60_000);
    remaining -= available;
    if (to === Number.POSITIVE_INFINITY) return null;
    cursor = Math.max(cursor, to);
  }
  return addWorkingMinutes(time, new Date(cursor), remaining / 60_000);
}

/** The working minutes a clock started at `start` has run by `now`, not counting the pauses. */
export function elapsedWorkingMinutes(time: WorkingTime, start: Date, now: Date, pauses: readonly Pause[] = []): number {
  let cursor = start.getTime();
  const end = now.getTime();
  let total = 0;
  for (const [from, to] of mergePauses(pauses)) {
    if (cursor >= end) break;
    if (to <= cursor) continue;
    total += workingMsBetween(time, cursor, Math.min(end, Math.max(cursor, from)));
    cursor = Math.max(cursor, to);
  }
  if (cursor < end) total += workingMsBetween(time, cursor, end);
  return total / 60_000;
}
