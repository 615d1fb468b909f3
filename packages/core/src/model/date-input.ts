import { z } from 'zod';

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const MESSAGE = 'must be a valid Date or an ISO-8601 string such as "2026-01-31" or "2026-01-31T12:00:00Z"';

/**
 * A point in time as the app passes it in: a valid `Date`, or an ISO-8601 string (a date,
 * or a date-time with `Z` or an offset). Nothing else is coerced: `null`, booleans, numbers,
 * arrays and invalid dates are rejected rather than read as 1970 or 2020.
 */
export const DateInputSchema = z
  .custom<Date | string>(() => true)
  .transform((value, ctx): Date => {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
    if (typeof value === 'string' && (isoDateTime.safeParse(value).success || isoDate.safeParse(value).success)) {
      const date = new Date(value);
      if (isoDate.safeParse(value.slice(0, 10)).success && !Number.isNaN(date.getTime())) return date;
    }
    ctx.addIssue({ code: 'custom', message: MESSAGE });
    return z.NEVER;
  });
