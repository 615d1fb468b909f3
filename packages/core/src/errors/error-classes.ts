import { registeredErrorCode } from './define-error-codes.js';
import type { ErrorDetailsOf, RapportErrorCode } from './error-code-registry.js';
import { type ErrorKind, RapportError } from './rapport-error.js';

/** One problem found while validating input. */
export interface ValidationIssue {
  /** Path to the bad field, e.g. `['traits', 'birthday']`. */
  path: (string | number)[];
  /** Why the value was rejected. */
  message: string;
}

/** Details carried by a {@link ValidationError}. */
export interface ValidationDetails extends Record<string, unknown> {
  issues: ValidationIssue[];
}

/** Details carried by a {@link NotFoundError}. */
export interface NotFoundDetails extends Record<string, unknown> {
  /** What was looked for: `customer`, `segment`, `identity`, `job`. */
  entity: string;
  id: string;
}

/** Input failed validation; `details.issues` names every bad field and the reason. */
export class ValidationError extends RapportError<ValidationDetails> {
  constructor(code: RapportErrorCode, issues: ValidationIssue[], cause?: unknown) {
    const summary = issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`).join('; ');
    super({ code, kind: 'invalid_input', message: `Invalid input — ${summary}`, details: { issues }, cause });
    this.name = 'ValidationError';
  }

  /** The issues, for convenience. */
  get issues(): ValidationIssue[] {
    return this.details.issues;
  }
}

/** A record that was asked for by id or key does not exist (in this tenant). */
export class NotFoundError extends RapportError<NotFoundDetails> {
  constructor(code: RapportErrorCode, entity: string, id: string) {
    super({ code, kind: 'not_found', message: `${entity} "${id}" was not found`, details: { entity, id } });
    this.name = 'NotFoundError';
  }
}

/** The change clashes with the stored state: a version mismatch or a uniqueness rule. */
export class ConflictError<C extends RapportErrorCode = RapportErrorCode> extends RapportError<ErrorDetailsOf<C>> {
  constructor(code: C, message: string, details: ErrorDetailsOf<C> = {} as ErrorDetailsOf<C>, cause?: unknown) {
    super({ code, kind: 'conflict', message, details, cause });
    this.name = 'ConflictError';
  }
}

/**
 * A plugin is misconfigured, duplicated, missing a dependency, or failed to start. Its kind
 * is the one registered for the code (`internal`, but `invalid_input` for
 * `PLUGIN_INVALID_OPTIONS`) unless given.
 */
export class PluginError extends RapportError<{ plugin: string } & Record<string, unknown>> {
  constructor(
    code: RapportErrorCode,
    plugin: string,
    message: string,
    details: Record<string, unknown> = {},
    cause?: unknown,
    kind: ErrorKind = registeredErrorCode(code)?.kind ?? 'internal',
  ) {
    super({ code, kind, message: `[${plugin}] ${message}`, details: { plugin, ...details }, cause });
    this.name = 'PluginError';
  }
}

/** A storage or network dependency failed; the operation may be retried. */
export class UnavailableError<C extends RapportErrorCode = RapportErrorCode> extends RapportError<ErrorDetailsOf<C>> {
  constructor(code: C, message: string, cause?: unknown, details: ErrorDetailsOf<C> = {} as ErrorDetailsOf<C>) {
    super({ code, kind: 'unavailable', message, details, cause });
    this.name = 'UnavailableError';
  }
}
