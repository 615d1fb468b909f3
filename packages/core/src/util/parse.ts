import type { z } from 'zod';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError, type ValidationIssue } from '../errors/error-classes.js';
import type { RapportErrorCode } from '../errors/error-code-registry.js';

/** Turns zod issues into Rapport issues, prefixing each path with where the value came from. */
export function toValidationIssues(error: z.ZodError, prefix: (string | number)[] = []): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))],
    message: issue.message,
  }));
}

/**
 * Parses `input` with `schema`, or throws a {@link ValidationError} that names each bad
 * field under `prefix` (the argument's name), so callers see `identity.value: …`.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: string | (string | number)[] = [],
  code: RapportErrorCode = CoreErrorCode.InvalidInput,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const path = typeof prefix === 'string' ? [prefix] : prefix;
  throw new ValidationError(code, toValidationIssues(result.error, path), result.error);
}
