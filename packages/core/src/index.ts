/**
 * The app developer's API: `createCrm`, the customer model and its schemas, the services a
 * `Crm` exposes, events, jobs, errors and `memoryStorage()`. Plugin authors add
 * `@rapport/core/plugin`; storage authors add `@rapport/core/storage` (see docs/packaging.md).
 *
 * @packageDocumentation
 */
import './di/reflect.js';

export type { AccessOptions, ResolvedAccessConfig } from './access/access-config.js';
export { type Actor, type ActorKind, DEFAULT_ACTOR, type ResolvedActor, SYSTEM_ACTOR } from './access/actor.js';
export { ForbiddenError } from './access/forbidden-error.js';
export { maskIdentityValue, maskValue } from './access/masking.js';
export { CORE_PERMISSION_MAP, type PermissionMap, type PermissionRule, type PropertyRules } from './access/permission-map.js';
export { CORE_PERMISSIONS, type Permission, type RapportPermissions } from './access/permissions.js';
export { type AuditEntry, type AuditListQuery, AuditLog, type AuditVerification } from './audit/audit-log.js';
export type { AuditDraft } from './audit/audit-writer.js';
export type { WrittenSubjects } from './audit/audited-store.js';
export { ChannelErrorCode, ChannelRequestError, type ChannelRequestErrorDetails } from './contracts/channel-errors.js';
export type { Clock } from './contracts/clock.js';
export { systemClock } from './contracts/clock.js';
export type { IdGenerator } from './contracts/id-generator.js';
export { uuidV7Ids } from './contracts/id-generator.js';
export type {
  ForCustomerOptions,
  RecommendationContext,
  RecommendationNotice,
  RecommendationResult,
  RecommendationStrategy,
  RecommendedItem,
  Recommender,
  TopKOptions,
} from './contracts/recommender.js';
export type { Storage, StorageCapabilities } from './contracts/storage.js';
export type { CrmOptions, ResolvedCrmConfig } from './crm/config.js';
export type { ConsentOptions, ResolvedConsentConfig } from './crm/consent-options.js';
export { createCrm, type PropsOf, type TraitsOf } from './crm/create-crm.js';
export type { Crm, CrmCore } from './crm/crm.js';
export { CoreErrorCode } from './errors/codes.js';
export {
  type ConsentRequiredDetails,
  ConsentRequiredError,
  ConsentTokenError,
  type ConsentTokenFailure,
} from './errors/consent-errors.js';
export {
  ConflictError,
  type NotFoundDetails,
  NotFoundError,
  PluginError,
  UnavailableError,
  type ValidationDetails,
  ValidationError,
  type ValidationIssue,
} from './errors/error-classes.js';
export type { ErrorDetailsOf, ErrorKindOf, RapportErrorCode, RapportErrorCodes } from './errors/error-code-registry.js';
export type { RapportErrorOf } from './errors/rapport-error.js';
export { type ErrorKind, isRapportError, RapportError, type RapportErrorOptions } from './errors/rapport-error.js';
export { EventBus, type EventListener, type ListenerErrorHandler } from './events/event-bus.js';
export type { RapportEventName, RapportEvents } from './events/event-map.js';
export { HookChangeError, HookFailedError, HookVetoError } from './hooks/hook-errors.js';
export type { HookContext, HookHandler, HookHandlers, HookResult } from './hooks/hook-handler.js';
export type { HookInput, HookName, RapportHooks } from './hooks/hook-map.js';
export {
  type EnqueueJobInput,
  EnqueueJobInputSchema,
  JOB_STATUSES,
  type Job,
  type JobListFilter,
  type JobListQuery,
  JobListQuerySchema,
  type JobSchedule,
  type JobStatus,
  type ScheduleInput,
  ScheduleInputSchema,
} from './jobs/job.js';
export type { BatchJobHandler, BatchJobResult, JobBatch } from './jobs/job-batch.js';
export type { JobContext, JobDefinition, JobHandler, JobResult } from './jobs/job-handler.js';
export { type EnqueueManyOutcome, type EnqueueOptions, JobService, MAX_ENQUEUE_BATCH } from './jobs/job-service.js';
export { JobWorkers, type WorkerHost, type WorkerOptions } from './jobs/job-workers.js';
export {
  ALL_CHANNELS,
  CONSENT_PURPOSES,
  type ConsentChangeInput,
  ConsentChangeInputSchema,
  type ConsentCheckInput,
  ConsentCheckInputSchema,
  type ConsentDecideInput,
  ConsentDecideInputSchema,
  ConsentHistoryFilterSchema,
  ConsentPurposeSchema,
  type ConsentRecord,
  type ConsentRecordStatus,
  type ConsentStateFilter,
  ConsentStateFilterSchema,
  DEFAULT_CONSENT_ACTOR,
} from './model/consent.js';
export {
  type ConsentDecision,
  type ConsentQuestion,
  type ConsentReason,
  type ConsentStatus,
  consentStates,
  decideConsent,
} from './model/consent-decision.js';
export {
  type ConsentNotice,
  type ConsentNoticeInput,
  ConsentNoticeSchema,
  type ConsentPolicy,
  type ConsentRules,
  consentRules,
  DEFAULT_CONSENT_RULES,
  DEFAULT_OPT_OUT_PURPOSES,
} from './model/consent-rules.js';
export {
  CreateCustomerInputSchema,
  type Customer,
  type CustomerListFilter,
  type CustomerListQuery,
  CustomerListQuerySchema,
  CustomerSchema,
  LIFECYCLE_STAGES,
  LifecycleStageSchema,
  MAX_TAGS_PER_CALL,
  TagListSchema,
  TagSchema,
  UpdateCustomerInputSchema,
  UpsertCustomerInputSchema,
} from './model/customer.js';
export { DateInputSchema } from './model/date-input.js';
export {
  IDENTITY_TYPES,
  type Identity,
  IdentityFormatError,
  type IdentityInput,
  IdentityInputSchema,
  IdentitySchema,
  type IdentityType,
  identityKey,
  type NormalizeOptions,
  normalizeEmail,
  normalizeIdentity,
  normalizePhone,
  sameIdentity,
} from './model/identity.js';
export {
  DIRECTIONS,
  type Direction,
  DUPLICATE_FIELDS,
  type DuplicateField,
  type DuplicateOutcome,
  type Interaction,
  MAX_FILTER_VALUES,
  type RecordInteractionInput,
  RecordInteractionInputSchema,
  type RecordManyResult,
  type RecordOutcome,
  type TimelineFilter,
  type TimelineQuery,
  TimelineQuerySchema,
} from './model/interaction.js';
export {
  type CustomerMetrics,
  CustomerMetricsSchema,
  DATE_METRIC_FIELDS,
  METRIC_FIELDS,
  type MetricField,
} from './model/metrics.js';
export type { Page } from './model/page.js';
export {
  COUNT_OPERATORS,
  ConsentConditionSchema,
  defineSegment,
  EventsConditionSchema,
  FIELD_OPERATORS,
  type FieldOperator,
  IdentityConditionSchema,
  LifecycleConditionSchema,
  METRIC_OPERATORS,
  MetricConditionSchema,
  type RelativeTime,
  RelativeTimeSchema,
  type Scalar,
  ScalarSchema,
  type Segment,
  type SegmentCondition,
  type SegmentConditionInput,
  SegmentConditionSchema,
  type SegmentDefinition,
  type SegmentDefinitionInput,
  SegmentDefinitionSchema,
  TagConditionSchema,
  TraitConditionSchema,
  TraitPathSchema,
} from './model/segment-definition.js';
export { AddressSchema, type AnyObjectSchema, buildTraitsSchema, type StandardTraits, StandardTraitsSchema } from './model/traits.js';
export type { Contributed, ContributionPoints, ContributionRegistry, ProfileSectionContribution } from './plugins/contributions.js';
export type { RapportPlugin } from './plugins/define-plugin.js';
export type { ApiOf, PluginApis } from './plugins/plugin-api.js';
export {
  ANONYMIZED_SOURCE,
  type CoreErasureCounts,
  type ErasureMode,
  type PersonalDataRepository,
} from './privacy/personal-data-repository.js';
export { type PrivacyArchive, PrivacyArchiveSchema, privacyArchiveJsonSchema } from './privacy/privacy-archive.js';
export type { ErasureSummary } from './privacy/privacy-erasure.js';
export {
  DEFAULT_SUPPRESSION_KEY,
  type PrivacyOptions,
  type ResolvedPrivacyConfig,
  type RetentionRule,
} from './privacy/privacy-options.js';
export {
  type EraseOptions,
  type ErasureResult,
  type PrivacyRequestQuery,
  PrivacyService,
  type PrivacyServiceParts,
} from './privacy/privacy-service.js';
export { PRIVACY_TABLE_OWNER, PRIVACY_TABLES, privacyRequestsTable, suppressionsTable } from './privacy/privacy-tables.js';
export type { PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus } from './privacy/request-log.js';
export { RETENTION_JOB_TYPE, RETENTION_SCHEDULE_NAME, type RetentionOutcome, type RetentionReport } from './privacy/retention.js';
export { PRIVACY_GUARD_OWNER } from './privacy/suppression-guard.js';
export { type ConsentRequest, ConsentService } from './services/consent-service.js';
export {
  type CreateCustomerInput,
  CustomerService,
  type MergeOptions,
  type UpdateCustomerInput,
  type UpsertCustomerInput,
  type UpsertOptions,
  type UpsertResult,
} from './services/customer-service.js';
export type { ConflictingMatch, ConflictingMatchPolicy } from './services/identity-match.js';
export { InteractionService, MAX_AMOUNT, MAX_BATCH_SIZE } from './services/interaction-service.js';
export type { ProfileOptions } from './services/profile-sections.js';
export { type CustomerProfile, ProfileService } from './services/profile-service.js';
export { type SegmentDeclaration, type SegmentPatch, SegmentService } from './services/segment-service.js';
export type { TraitSurvivorship } from './services/survivorship.js';
export { memoryStorage } from './storage/memory/memory-storage.js';
export { MAX_ENTRIES, MAX_INPUT_DEPTH, MAX_JSON_DEPTH, MAX_JSON_SIZE } from './util/storable.js';
