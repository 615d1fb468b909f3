import './di/reflect.js';

export type { Clock } from './contracts/clock.js';
export { systemClock } from './contracts/clock.js';
export type { IdGenerator } from './contracts/id-generator.js';
export { uuidV7Ids } from './contracts/id-generator.js';
export type { AttemptOutcome, ClaimRequest, EnqueueOutcome, JobQueue, JobRepository } from './contracts/job-store.js';
export type { ProfileReader, ProfileRequest, ProfileSnapshot } from './contracts/profile-reader.js';
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
export type { CrmOptions, ResolvedCrmConfig } from './crm/config.js';
export { createCrm, type PropsOf, type TraitsOf } from './crm/create-crm.js';
export type { Crm, CrmCore } from './crm/crm.js';
export { type RapportContainer, type Resolvable, rapportContainer } from './di/rapport-container.js';
export { type AnyClass, parametersWithoutToken, service, serviceClasses } from './di/service.js';
export { defineToken, type Token } from './di/token.js';
export {
  CLOCK,
  CRM_CONFIG,
  EVENT_BUS,
  ID_GENERATOR,
  JOB_REGISTRY,
  STORAGE,
  TENANT_CONTEXT,
  TENANT_ID,
  TENANT_STORE,
} from './di/tokens.js';
export { CoreErrorCode } from './errors/codes.js';
export {
  ConflictError,
  NotFoundError,
  PluginError,
  UnavailableError,
  type ValidationDetails,
  ValidationError,
  type ValidationIssue,
} from './errors/error-classes.js';
export { type ErrorKind, isRapportError, RapportError, type RapportErrorOptions } from './errors/rapport-error.js';
export { EventBus, type EventListener, type ListenerErrorHandler } from './events/event-bus.js';
export type { RapportEventName, RapportEvents } from './events/event-map.js';
export { retryDelayMs } from './jobs/backoff.js';
export { nextOccurrence } from './jobs/cron.js';
export {
  type ClaimedJob,
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
export type { JobContext, JobDefinition, JobHandler, JobResult } from './jobs/job-handler.js';
export { DEFAULT_JOB_POLICY, JobRegistry, type ResolvedJobDefinition } from './jobs/job-registry.js';
export { type EnqueueManyOutcome, type EnqueueOptions, JobService, MAX_ENQUEUE_BATCH } from './jobs/job-service.js';
export { JobWorkers, type WorkerHost, type WorkerOptions } from './jobs/job-workers.js';
export {
  ALL_CHANNELS,
  CONSENT_PURPOSES,
  type ConsentChangeInput,
  ConsentChangeInputSchema,
  type ConsentCheckInput,
  ConsentCheckInputSchema,
  type ConsentDecision,
  ConsentHistoryFilterSchema,
  type ConsentRecord,
  type ConsentStatus,
  consentStates,
  decideConsent,
} from './model/consent.js';
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
  applyMetricsDelta,
  type CustomerMetrics,
  CustomerMetricsSchema,
  combineMetrics,
  DATE_METRIC_FIELDS,
  emptyMetrics,
  METRIC_FIELDS,
  type MetricField,
  type MetricsDelta,
  roundMoney,
} from './model/metrics.js';
export {
  type CursorPosition,
  decodeCursor,
  decodeIdCursor,
  decodeTimeCursor,
  encodeCursor,
  type IdCursor,
  type Page,
  type TimeCursor,
} from './model/page.js';
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
export { collectContributions } from './plugins/contribution-registry.js';
export type {
  CommandContribution,
  Contributed,
  ContributionPoints,
  ContributionRegistry,
  Contributions,
  PrivacyContribution,
  RouteContribution,
} from './plugins/contributions.js';
export {
  definePlugin,
  type PluginContext,
  type PluginStartContext,
  parsePluginOptions,
  type RapportPlugin,
} from './plugins/define-plugin.js';
export type { ApiOf, PluginApiFactories, PluginApis } from './plugins/plugin-api.js';
export { orderPlugins } from './plugins/plugin-order.js';
export type { TenantContext } from './plugins/tenant-context.js';
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
export { ConsentService } from './services/consent-service.js';
export {
  type CreateCustomerInput,
  CustomerService,
  type MergeOptions,
  type UpdateCustomerInput,
  type UpsertCustomerInput,
  type UpsertOptions,
  type UpsertResult,
} from './services/customer-service.js';
export {
  type ConflictingMatch,
  type ConflictingMatchPolicy,
  isSharedIdentity,
  matchUpsert,
  SHARED_IDENTITY_TYPES,
  type UpsertMatch,
} from './services/identity-match.js';
export { InteractionService, MAX_AMOUNT, MAX_BATCH_SIZE } from './services/interaction-service.js';
export { metricsDeltas, type PurchaseRules } from './services/metrics-delta.js';
export { type CustomerProfile, ProfileService } from './services/profile-service.js';
export { composeProfileSnapshot, readProfileSnapshot } from './services/profile-snapshot.js';
export { SEGMENT_CATALOG_TTL_MS, SegmentCatalog } from './services/segment-catalog.js';
export { type SegmentDeclaration, type SegmentPatch, SegmentService } from './services/segment-service.js';
export type { TraitSurvivorship } from './services/survivorship.js';
export { memoryStorage } from './storage/memory/memory-storage.js';
export { parseInput, toValidationIssues } from './util/parse.js';
export {
  isWellFormed,
  MAX_ENTRIES,
  MAX_INPUT_DEPTH,
  MAX_JSON_DEPTH,
  MAX_JSON_SIZE,
  type StorableOptions,
  type StorablePath,
  storableIssues,
} from './util/storable.js';
