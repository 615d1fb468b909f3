import { Cron } from 'croner';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';

/**
 * The first occurrence of `expression` in `timezone` strictly after `after` (croner: five or
 * six fields, `L`, `W`, `#`, nicknames such as `@daily`). A malformed expression or an
 * unknown time zone is a `ValidationError` naming the field.
 */
export function nextOccurrence(expression: string, timezone: string, after: Date): Date {
  let cron: Cron;
  try {
    Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['timezone'], message: `"${timezone}" is not an IANA time zone` }]);
  }
  try {
    cron = new Cron(expression, { timezone, paused: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['cron'], message: `is not a cron expression: ${reason}` }]);
  }
  const next = cron.nextRun(after);
  if (!next) throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['cron'], message: 'has no future occurrence' }]);
  return next;
}
