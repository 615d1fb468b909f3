/**
 * The stable error codes raised by `@rapport/core`. Plugins define their own, prefixed with
 * their domain (`EMAIL_SEND_FAILED`, `STORAGE_UNAVAILABLE`).
 */
export const CoreErrorCode = {
  InvalidInput: 'INVALID_INPUT',
  InvalidOptions: 'INVALID_OPTIONS',
  CustomerNotFound: 'CUSTOMER_NOT_FOUND',
  SegmentNotFound: 'SEGMENT_NOT_FOUND',
  SegmentExists: 'SEGMENT_EXISTS',
  IdentityTaken: 'IDENTITY_TAKEN',
  IdentityNotFound: 'IDENTITY_NOT_FOUND',
  /** `removeIdentity` would leave the customer with no identity (a `ConflictError`). */
  LastIdentity: 'CUSTOMER_LAST_IDENTITY',
  /**
   * `upsert` matched customers only through shared identities (a phone) while the input holds
   * a personal identity they already have with another value, and the policy is `reject`.
   */
  ConflictingMatch: 'CUSTOMER_CONFLICTING_MATCH',
  VersionConflict: 'CUSTOMER_VERSION_CONFLICT',
  MergeSelf: 'CUSTOMER_MERGE_SELF',
  /** The customer was merged into another while a write to it ran; retried internally. */
  CustomerMerged: 'CUSTOMER_MERGED',
  PluginDuplicate: 'PLUGIN_DUPLICATE',
  PluginDependencyMissing: 'PLUGIN_DEPENDENCY_MISSING',
  PluginDependencyCycle: 'PLUGIN_DEPENDENCY_CYCLE',
  PluginStartFailed: 'PLUGIN_START_FAILED',
  PluginInvalidOptions: 'PLUGIN_INVALID_OPTIONS',
  /** Two plugins add the same Crm property, or a plugin adds one the Crm already has. */
  PluginApiConflict: 'PLUGIN_API_CONFLICT',
  /** Two plugins contribute the same route or command. */
  PluginContributionConflict: 'PLUGIN_CONTRIBUTION_CONFLICT',
  /** Nothing in the Crm's container provides the token being resolved. */
  DiNotProvided: 'DI_NOT_PROVIDED',
  CrmClosed: 'CRM_CLOSED',
  InvalidCursor: 'INVALID_CURSOR',
  /** A job was enqueued or scheduled for a type no handler is registered for. */
  JobUnknownType: 'JOB_UNKNOWN_TYPE',
  JobNotFound: 'JOB_NOT_FOUND',
  /** The storage cannot hold a value (a NUL character on PostgreSQL); the field is named. */
  UnsupportedValue: 'STORAGE_UNSUPPORTED_VALUE',
  /** The consent gate refused: the purpose is not allowed on the channel (a `ConsentRequiredError`). */
  ConsentRequired: 'CONSENT_REQUIRED',
  /** A double opt-in token is expired, tampered with, malformed, for another tenant or already used (a `ConsentTokenError`). */
  ConsentTokenInvalid: 'CONSENT_TOKEN_INVALID',
  /** A consent record with this id, or a confirmation of this request, is already in the ledger (append-only). */
  ConsentRecordExists: 'CONSENT_RECORD_EXISTS',
} as const;

/** One of the codes in {@link CoreErrorCode}. */
export type CoreErrorCode = (typeof CoreErrorCode)[keyof typeof CoreErrorCode];
