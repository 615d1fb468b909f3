import type { ErrorKind } from './rapport-error.js';

/** Carries a details type at compile time only; see {@link errorDetails}. */
export interface ErrorDetailsMarker<TDetails> {
  /** Never set: the type parameter is what matters. */
  readonly __details?: TDetails;
}

/** One error code as a package declares it: the code, its kind and (as a type) its details. */
export interface ErrorCodeSpec<TCode extends string = string, TKind extends ErrorKind = ErrorKind, TDetails = unknown> {
  /** Stable, UPPER_SNAKE code, prefixed per package (`STORAGE_UNAVAILABLE`). */
  readonly code: TCode;
  /** The kind every error with this code has. */
  readonly kind: TKind;
  /** The details type of this code, given with {@link errorDetails}. */
  readonly details: ErrorDetailsMarker<TDetails>;
}

/**
 * Names a code's details type in a {@link defineErrorCodes} map: `details: errorDetails<{ id: string }>()`.
 * Returns an empty marker; the type is only read by the compiler.
 */
export function errorDetails<TDetails = Record<string, never>>(): ErrorDetailsMarker<TDetails> {
  return {};
}

/**
 * The registry entries of a {@link defineErrorCodes} map, keyed by code, in the shape
 * `RapportErrorCodes` is extended with:
 *
 * ```ts
 * declare module '@rapport/core' {
 *   interface RapportErrorCodes extends ErrorCodeEntries<typeof feedbackErrorCodes> {}
 * }
 * ```
 */
export type ErrorCodeEntries<TMap extends Record<string, ErrorCodeSpec>> = {
  [K in keyof TMap as TMap[K]['code']]: {
    kind: TMap[K]['kind'];
    details: TMap[K]['details'] extends ErrorDetailsMarker<infer D> ? D : never;
  };
};

/** The constants of a {@link defineErrorCodes} map: constant name → code, as `CoreErrorCode.X` reads. */
export type ErrorCodeConstants<TMap extends Record<string, ErrorCodeSpec>> = { readonly [K in keyof TMap]: TMap[K]['code'] };

const REGISTRY_KEY = Symbol.for('rapport:error-code-registry');
type RuntimeRegistry = Map<string, { kind: ErrorKind; owner: string }>;

/** Shared through a global symbol, so the ESM and the CJS copy of core see one registry. */
function runtimeRegistry(): RuntimeRegistry {
  const holder = globalThis as unknown as Record<symbol, RuntimeRegistry | undefined>;
  holder[REGISTRY_KEY] ??= new Map();
  return holder[REGISTRY_KEY];
}

const CODE_PATTERN = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * Declares a package's error codes in one typed map (constant name → code, kind and details
 * type) and registers them, so every code is known by the type system (through
 * `RapportErrorCodes`, extended by declaration merging) and at run time
 * ({@link registeredErrorCode}). Returns the constants (`CoreErrorCode.CustomerNotFound` is
 * `'CUSTOMER_NOT_FOUND'`). A code registered twice with another kind, or not UPPER_SNAKE,
 * fails at once.
 *
 * @example
 * ```ts
 * export const feedbackErrorCodes = defineErrorCodes('@rapport/feedback', {
 *   SurveyClosed: { code: 'FEEDBACK_SURVEY_CLOSED', kind: 'conflict', details: errorDetails<{ surveyId: string }>() },
 * });
 * ```
 */
export function defineErrorCodes<const TMap extends Record<string, ErrorCodeSpec>>(owner: string, map: TMap): ErrorCodeConstants<TMap> {
  const registry = runtimeRegistry();
  const constants: Record<string, string> = {};
  for (const [name, spec] of Object.entries(map)) {
    if (!CODE_PATTERN.test(spec.code)) {
      throw new TypeError(`${owner}: error code "${spec.code}" (${name}) must be UPPER_SNAKE, e.g. FEEDBACK_SURVEY_CLOSED`);
    }
    const known = registry.get(spec.code);
    if (known && known.kind !== spec.kind) {
      throw new TypeError(`${owner}: error code "${spec.code}" is already registered by ${known.owner} with kind "${known.kind}"`);
    }
    registry.set(spec.code, { kind: spec.kind, owner: known?.owner ?? owner });
    constants[name] = spec.code;
  }
  return Object.freeze(constants) as ErrorCodeConstants<TMap>;
}

/** The kind and declaring package of a registered code, or undefined for a code no package declared. */
export function registeredErrorCode(code: string): { kind: ErrorKind; owner: string } | undefined {
  return runtimeRegistry().get(code);
}

/** Every code registered so far (by the packages loaded), sorted. */
export function registeredErrorCodes(): string[] {
  return [...runtimeRegistry().keys()].sort();
}
