import type { Identity } from '../model/identity.js';
import type { ConflictingMatch } from '../services/identity-match.js';
import { defineErrorCodes, type ErrorCodeEntries, errorDetails } from './define-error-codes.js';
import type { NotFoundDetails, ValidationDetails } from './error-classes.js';

/** Details of every `PluginError`: the plugin, and what else the code names. */
export type PluginErrorDetails<TExtra = Record<string, unknown>> = { plugin: string } & TExtra;

/**
 * The error codes of `@rapport/core`, each with its kind and details type: the one list
 * core's codes come from. Plugins declare theirs the same way (see {@link defineErrorCodes}).
 */
export const coreErrorCodes = {
  InvalidInput: { code: 'INVALID_INPUT', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  InvalidOptions: { code: 'INVALID_OPTIONS', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  CustomerNotFound: { code: 'CUSTOMER_NOT_FOUND', kind: 'not_found', details: errorDetails<NotFoundDetails>() },
  /** A customer with this id is already stored (an id generator handed one out twice). */
  CustomerExists: { code: 'CUSTOMER_EXISTS', kind: 'conflict', details: errorDetails<{ id: string }>() },
  SegmentNotFound: { code: 'SEGMENT_NOT_FOUND', kind: 'not_found', details: errorDetails<NotFoundDetails>() },
  SegmentExists: { code: 'SEGMENT_EXISTS', kind: 'conflict', details: errorDetails<{ key: string }>() },
  IdentityTaken: {
    code: 'IDENTITY_TAKEN',
    kind: 'conflict',
    details: errorDetails<{ identity: Identity; ownerId: string | null | undefined }>(),
  },
  IdentityNotFound: { code: 'IDENTITY_NOT_FOUND', kind: 'not_found', details: errorDetails<NotFoundDetails>() },
  /** `removeIdentity` would leave the customer with no identity (a `ConflictError`). */
  LastIdentity: { code: 'CUSTOMER_LAST_IDENTITY', kind: 'conflict', details: errorDetails<{ customerId: string; identity: Identity }>() },
  /**
   * `upsert` matched customers only through shared identities (a phone) while the input holds
   * a personal identity they already have with another value, and the policy is `reject`.
   */
  ConflictingMatch: { code: 'CUSTOMER_CONFLICTING_MATCH', kind: 'conflict', details: errorDetails<{ conflicts: ConflictingMatch[] }>() },
  VersionConflict: {
    code: 'CUSTOMER_VERSION_CONFLICT',
    kind: 'conflict',
    details: errorDetails<{ id: string; expectedVersion: number | undefined; actualVersion: number | undefined }>(),
  },
  MergeSelf: { code: 'CUSTOMER_MERGE_SELF', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** The customer was merged into another while a write to it ran; retried internally. */
  CustomerMerged: { code: 'CUSTOMER_MERGED', kind: 'conflict', details: errorDetails<{ id: string }>() },
  PluginDuplicate: { code: 'PLUGIN_DUPLICATE', kind: 'internal', details: errorDetails<PluginErrorDetails>() },
  PluginDependencyMissing: {
    code: 'PLUGIN_DEPENDENCY_MISSING',
    kind: 'internal',
    details: errorDetails<PluginErrorDetails<{ dependency: string }>>(),
  },
  PluginDependencyCycle: {
    code: 'PLUGIN_DEPENDENCY_CYCLE',
    kind: 'internal',
    details: errorDetails<PluginErrorDetails<{ cycle: string[] }>>(),
  },
  PluginStartFailed: { code: 'PLUGIN_START_FAILED', kind: 'internal', details: errorDetails<PluginErrorDetails<{ step: string }>>() },
  PluginInvalidOptions: {
    code: 'PLUGIN_INVALID_OPTIONS',
    kind: 'invalid_input',
    details: errorDetails<PluginErrorDetails<Partial<ValidationDetails>>>(),
  },
  /** Two plugins add the same Crm property, or a plugin adds one the Crm already has. */
  PluginApiConflict: {
    code: 'PLUGIN_API_CONFLICT',
    kind: 'internal',
    details: errorDetails<PluginErrorDetails<{ key: string; other: string }>>(),
  },
  /** Two contributions of one kind share a key: a route, a command, a channel id or a name. */
  PluginContributionConflict: {
    code: 'PLUGIN_CONTRIBUTION_CONFLICT',
    kind: 'internal',
    details: errorDetails<PluginErrorDetails<{ kind: string; key: string; other: string }>>(),
  },
  /** Nothing in the Crm's container provides the token being resolved. */
  DiNotProvided: { code: 'DI_NOT_PROVIDED', kind: 'internal', details: errorDetails<{ token: string }>() },
  CrmClosed: { code: 'CRM_CLOSED', kind: 'unavailable', details: errorDetails() },
  InvalidCursor: { code: 'INVALID_CURSOR', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** A job was enqueued or scheduled for a type no handler is registered for. */
  JobUnknownType: { code: 'JOB_UNKNOWN_TYPE', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  JobNotFound: { code: 'JOB_NOT_FOUND', kind: 'not_found', details: errorDetails<NotFoundDetails>() },
  /** The storage cannot hold a value (a NUL character on PostgreSQL); the field is named. */
  UnsupportedValue: { code: 'STORAGE_UNSUPPORTED_VALUE', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /**
   * A write collided with a concurrent one (a deadlock, a serialization failure); retry it.
   * Declared by core because core's services retry on it, whichever storage raised it.
   */
  StorageConflict: { code: 'STORAGE_CONFLICT', kind: 'conflict', details: errorDetails<{ operation: string }>() },
  /** A hook vetoed the operation; nothing was written. */
  HookVetoed: {
    code: 'HOOK_VETOED',
    kind: 'forbidden',
    details: errorDetails<{ hook: string; plugin: string; reason: string } & Record<string, unknown>>(),
  },
  /** A hook threw something other than a veto; nothing was written. */
  HookFailed: { code: 'HOOK_FAILED', kind: 'internal', details: errorDetails<{ hook: string; plugin: string; reason: string }>() },
  /** A hook returned a change that fails the operation's schema or touches a field it may not change. */
  HookInvalidChange: {
    code: 'HOOK_INVALID_CHANGE',
    kind: 'invalid_input',
    details: errorDetails<ValidationDetails & { hook: string; plugin: string }>(),
  },
  /** A `@service()` class has a constructor parameter without `@inject(TOKEN)`. */
  DiParameterWithoutToken: {
    code: 'DI_PARAMETER_WITHOUT_TOKEN',
    kind: 'internal',
    details: errorDetails<{ className: string; parameters: number[] }>(),
  },
  /** A broken internal invariant: a bug in Rapport or a plugin, never bad input. */
  Internal: { code: 'INTERNAL', kind: 'internal', details: errorDetails<Record<string, unknown>>() },
  /** The consent gate refused: the purpose is not allowed on the channel (a `ConsentRequiredError`). */
  ConsentRequired: {
    code: 'CONSENT_REQUIRED',
    kind: 'forbidden',
    details: errorDetails<{ customerId: string; purpose: string; channel: string; reason: string; recordId: string | null }>(),
  },
  /**
   * A double opt-in token is expired, tampered with, malformed, for another tenant or already
   * used (a `ConsentTokenError`; `details.reason` says which).
   */
  ConsentTokenInvalid: {
    code: 'CONSENT_TOKEN_INVALID',
    kind: 'invalid_input',
    details: errorDetails<{ reason: string; tokenId: string | null }>(),
  },
  /** A consent record with this id, or a confirmation of this request, is already in the ledger (append-only). */
  ConsentRecordExists: { code: 'CONSENT_RECORD_EXISTS', kind: 'conflict', details: errorDetails<Record<string, unknown>>() },
  /** The actor lacks the permission an operation needs (a `ForbiddenError`); nothing was done. */
  Forbidden: {
    code: 'ACCESS_FORBIDDEN',
    kind: 'forbidden',
    details: errorDetails<{ actorId: string; operation: string; permission: string }>(),
  },
  /** A role or actor names a permission that neither core nor an installed plugin declares. */
  UnknownPermission: { code: 'ACCESS_UNKNOWN_PERMISSION', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** An actor given to `crm.as(actor)` is malformed (no id, an unknown kind or role). */
  InvalidActor: { code: 'ACCESS_INVALID_ACTOR', kind: 'invalid_input', details: errorDetails<ValidationDetails>() },
  /** `crm.audit` was used on a Crm made without `createCrm({ audit: true })`. */
  AuditDisabled: { code: 'AUDIT_DISABLED', kind: 'unavailable', details: errorDetails() },
  /** The storage has no personal-data repository (`TenantStore.privacy`), so it cannot erase or export fully. */
  PrivacyUnsupported: { code: 'PRIVACY_UNSUPPORTED', kind: 'unavailable', details: errorDetails<{ storage: string }>() },
  /**
   * A creation was refused because an identity is on the suppression list (the person was
   * erased). Raised as the `HookVetoError` of core's privacy guard, whose `details.reason` is this code.
   */
  CustomerSuppressed: { code: 'CUSTOMER_SUPPRESSED', kind: 'forbidden', details: errorDetails<{ identityType: string }>() },
  /** A plugin's privacy contributor failed during an export or erasure; nothing of the core was erased. */
  PrivacyContributorFailed: {
    code: 'PRIVACY_CONTRIBUTOR_FAILED',
    kind: 'unavailable',
    details: errorDetails<{ plugin: string; contributor: string; step: 'export' | 'erase' }>(),
  },
} as const;

/**
 * The stable error codes raised by `@rapport/core`, by constant name
 * (`CoreErrorCode.CustomerNotFound` is `'CUSTOMER_NOT_FOUND'`). Plugins define their own with
 * {@link defineErrorCodes}, prefixed with their domain (`EMAIL_SEND_FAILED`, `STORAGE_UNAVAILABLE`).
 */
export const CoreErrorCode = defineErrorCodes('@rapport/core', coreErrorCodes);

/** One of the codes in {@link CoreErrorCode}. */
export type CoreErrorCode = (typeof CoreErrorCode)[keyof typeof CoreErrorCode];

/** Core's entries in the error-code registry (`RapportErrorCodes`), keyed by code. */
export type CoreErrorCodeEntries = ErrorCodeEntries<typeof coreErrorCodes>;
