/**
 * What a storage author needs to implement `Storage` (and what `@rapport/storage-sql` is built
 * on): the repository, job queue and profile reader contracts, and the helpers that keep every
 * storage giving the same answers as `memoryStorage()` — metrics arithmetic, cursors, the
 * in-memory segment evaluator, identity matching, storable-value checks and job timing.
 *
 * A storage is a plugin too, so its author also imports `@rapport/core/plugin` (option parsing,
 * errors). The conformance suite that proves a storage is in `@rapport/testkit`. See
 * docs/packaging.md.
 *
 * @packageDocumentation
 */
import './di/reflect.js';

export { type AuditEntryContent, auditEntryHash, auditSubjectDigest, GENESIS_HASH } from './audit/audit-chain.js';
export { AUDIT_TABLES_OWNER, auditEntriesTable, auditHeadsTable } from './audit/audit-tables.js';
export { INNER_STORE, innerStore } from './audit/audited-store.js';
export type { AttemptOutcome, ClaimRequest, EnqueueOutcome, JobQueue, JobRepository } from './contracts/job-store.js';
export type { ProfileReader, ProfileRequest, ProfileSnapshot } from './contracts/profile-reader.js';
export type {
  ConsentRepository,
  CustomerRepository,
  InsertStatus,
  InteractionRepository,
  MembershipChanges,
  MetricsIncrement,
  SegmentRepository,
  Storage,
  StorageCapabilities,
  StorageMigrationSet,
  TenantStore,
} from './contracts/storage.js';
export { type DecryptFailureDetails, EncryptionErrorCode } from './encryption/encryption-error-codes.js';
export { ENVELOPE_PREFIX, FieldCipher, type FieldLocation } from './encryption/field-cipher.js';
export type { EncryptionKeyMaterial, KeyProvider, KeySet } from './encryption/key-provider.js';
export {
  type EnvKeyProviderOptions,
  envKeyProvider,
  fileKeyProvider,
  staticKeyProvider,
  type WrappedKeyProviderOptions,
  wrappedKeyProvider,
} from './encryption/key-providers.js';
export { checkKeySet, KEY_BYTES, KEY_ID_PATTERN, type KeySetText, MIN_BLIND_INDEX_KEY_BYTES, parseKeySet } from './encryption/key-set.js';
export { DEFAULT_PERSONAL_TRAITS } from './encryption/personal-traits.js';
export { retryDelayMs } from './jobs/backoff.js';
export { nextOccurrence } from './jobs/cron.js';
export type { ClaimedJob } from './jobs/job.js';
export { applyMetricsDelta, combineMetrics, emptyMetrics, type MetricsDelta, roundMoney } from './model/metrics.js';
export {
  type CursorPosition,
  decodeCursor,
  decodeIdCursor,
  decodeTimeCursor,
  encodeCursor,
  type IdCursor,
  type TimeCursor,
} from './model/page.js';
export {
  ANONYMIZED_SOURCE,
  type CoreErasureCounts,
  type ErasureMode,
  type PersonalDataRepository,
} from './privacy/personal-data-repository.js';
export { compareCodePoints, compareScalars } from './segments/compare.js';
export {
  type CountedSubject,
  type EvaluationSubject,
  type EventsCondition,
  evaluateCondition,
  evaluateCounted,
  eventsTerms,
  resolveTimeValue,
  windowStart,
} from './segments/evaluate.js';
export { isSharedIdentity, matchUpsert, SHARED_IDENTITY_TYPES, type UpsertMatch } from './services/identity-match.js';
export { metricsDeltas, type PurchaseRules } from './services/metrics-delta.js';
export { composeProfileSnapshot, readProfileSnapshot } from './services/profile-snapshot.js';
export { inspectMemoryState } from './storage/memory/memory-storage.js';
export { physicalColumnName, physicalTableName, pluginSlug, TENANT_COLUMN } from './tables/physical-names.js';
export {
  type CheckedUpdate,
  checkGetOptions,
  checkRowList,
  checkUpdate,
  checkUpdateList,
  checkUpdateOptions,
  type UpdateCondition,
} from './tables/repository-input.js';
export { compareColumnValues, compareRows, isAfter, matchesPredicate } from './tables/row-matching.js';
export { diffTableSnapshots, type TableChanges } from './tables/snapshot-diff.js';
export { bindAllTables, bindPluginTables, type TableBinding, type TableSnapshot } from './tables/table-binding.js';
export {
  type CompareOp,
  checkFind,
  checkOrder,
  checkWhere,
  encodeTableCursor,
  type OrderStep,
  type Predicate,
  type TableQuery,
} from './tables/table-query.js';
export { TableRegistry } from './tables/table-registry.js';
export {
  checkInsertRow,
  checkKey,
  checkPatch,
  copyValue,
  IssueList,
  keyOf,
  type TableRow,
  type ValueProblem,
  valueProblem,
} from './tables/table-values.js';
export { compareKeys } from './util/key-order.js';
export { isWellFormed, type StorableOptions, type StorablePath, storableIssues } from './util/storable.js';
