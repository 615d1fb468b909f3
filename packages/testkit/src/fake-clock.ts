import type { Clock } from '@rapport/core';

/** A duration for {@link FakeClock.advance}. */
export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  ms?: number;
}

/**
 * A clock the test controls: it stands still until told to move, so time-window segments
 * and SLAs are tested without waiting.
 */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Jumps to a point in time. */
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }

  /** Moves forward (or back, with negative amounts). */
  advance(by: Duration): Date {
    this.current +=
      (by.days ?? 0) * 86_400_000 + (by.hours ?? 0) * 3_600_000 + (by.minutes ?? 0) * 60_000 + (by.seconds ?? 0) * 1000 + (by.ms ?? 0);
    return this.now();
  }
}
