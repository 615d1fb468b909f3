import type { ErrorDetailsOf, ErrorKindOf, RapportErrorCode } from './error-code-registry.js';

/**
 * What kind of failure an error is. Callers branch on the kind (retry `unavailable`, show
 * `invalid_input` to the user) without knowing every code.
 */
export type ErrorKind = 'invalid_input' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable' | 'internal';

/** Options accepted by {@link RapportError}. */
export interface RapportErrorOptions<TDetails> {
  /** A registered code (see `RapportErrorCodes`), e.g. `CUSTOMER_NOT_FOUND`. */
  code: RapportErrorCode;
  kind: ErrorKind;
  message: string;
  details?: TDetails;
  cause?: unknown;
}

const RAPPORT_ERROR_MARK = Symbol.for('rapport:error');

/**
 * The one error type Rapport throws. `code` is stable across releases and safe to branch
 * on; `message` is for humans and may change.
 */
export class RapportError<TDetails = Record<string, unknown>> extends Error {
  /** Stable code, one of the registered ones (`RapportErrorCodes`), e.g. `CUSTOMER_NOT_FOUND`. */
  readonly code: RapportErrorCode;
  /** The broad category of the failure. */
  readonly kind: ErrorKind;
  /** Structured facts about the failure, typed per code. */
  readonly details: TDetails;
  /** Marks Rapport errors so that {@link isRapportError} works across package copies. */
  readonly [RAPPORT_ERROR_MARK] = true;

  constructor(options: RapportErrorOptions<TDetails>) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RapportError';
    this.code = options.code;
    this.kind = options.kind;
    this.details = options.details ?? ({} as TDetails);
  }

  /** A JSON-safe view (for HTTP responses and logs); the cause is left out on purpose. */
  toJSON(): { name: string; code: RapportErrorCode; kind: ErrorKind; message: string; details: TDetails } {
    return {
      name: this.name,
      code: this.code,
      kind: this.kind,
      message: this.message,
      details: this.details,
    };
  }
}

/** A Rapport error with code `C`: its kind and details are the ones registered for `C`. */
export type RapportErrorOf<C extends RapportErrorCode> = RapportError<ErrorDetailsOf<C>> & {
  readonly code: C;
  readonly kind: ErrorKindOf<C>;
};

/**
 * True when `error` is a Rapport error (optionally with the given code, which then narrows
 * `details` to that code's type). Checks a marker and the code rather than `instanceof`, so
 * it also works when an app loads both the ESM and the CJS build of a package.
 */
export function isRapportError<C extends RapportErrorCode>(error: unknown, code: C): error is RapportErrorOf<C>;
export function isRapportError(error: unknown): error is RapportError;
export function isRapportError(error: unknown, code?: RapportErrorCode): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const marked = (error as Record<symbol, unknown>)[RAPPORT_ERROR_MARK] === true;
  if (!marked) return false;
  return code === undefined || (error as RapportError).code === code;
}
