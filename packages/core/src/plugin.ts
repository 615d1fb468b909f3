/**
 * What a plugin author needs beyond the app API: `definePlugin` and its context, option
 * parsing, the DI tokens and `service` helpers, the job registry, input parsing, and — so a
 * plugin file needs one import for its contract — the event bus, the error classes a plugin
 * raises and the job handler types, which `@rapport/core` exports as well.
 *
 * Storage plugins also import `@rapport/core/storage`. See docs/packaging.md.
 *
 * @packageDocumentation
 */
import './di/reflect.js';

export type {
  Channel,
  ChannelAddress,
  ChannelCapability,
  ChannelContribution,
  DeliveryReceipt,
  InboundMessage,
  MessageThreading,
  OutboundMessage,
  ReceiptStatus,
  SendErrorClass,
  SendFailed,
  SendFailedBase,
  SendFailedPermanently,
  SendFailedTransiently,
  SendOptions,
  SendResult,
  SendSucceeded,
  SendThrottled,
} from './contracts/channel.js';
export { CHANNEL_CAPABILITIES, RECEIPT_STATUSES } from './contracts/channel.js';
export { ChannelErrorCode, ChannelRequestError, type ChannelRequestErrorDetails } from './contracts/channel-errors.js';
export { headerValue, type InboundRequest, inboundRequestFromFetch } from './contracts/channel-request.js';
export {
  classifyHttpFailure,
  classifyThrown,
  type HttpFailureOptions,
  isSent,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
} from './contracts/channel-results.js';
export type { Clock } from './contracts/clock.js';
export type { IdGenerator } from './contracts/id-generator.js';
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
export type { TenantStore } from './contracts/storage.js';
export { type RapportContainer, type Resolvable, rapportContainer } from './di/rapport-container.js';
export { type AnyClass, inject, parametersWithoutToken, service, serviceClasses } from './di/service.js';
export { defineToken, type Token } from './di/token.js';
export {
  CLOCK,
  CRM_CONFIG,
  EVENT_BUS,
  HOOK_RUNNER,
  ID_GENERATOR,
  JOB_REGISTRY,
  STORAGE,
  TENANT_CONTEXT,
  TENANT_ID,
  TENANT_STORE,
} from './di/tokens.js';
export { CoreErrorCode, type CoreErrorCodeEntries, coreErrorCodes, type PluginErrorDetails } from './errors/codes.js';
export {
  defineErrorCodes,
  type ErrorCodeConstants,
  type ErrorCodeEntries,
  type ErrorCodeSpec,
  type ErrorDetailsMarker,
  errorDetails,
  registeredErrorCode,
  registeredErrorCodes,
} from './errors/define-error-codes.js';
export { ConflictError, NotFoundError, PluginError, UnavailableError, ValidationError } from './errors/error-classes.js';
export { isRapportError, RapportError } from './errors/rapport-error.js';
export { EventBus, type EventListener, type ListenerErrorHandler } from './events/event-bus.js';
export { HookChangeError, HookFailedError, HookVetoError } from './hooks/hook-errors.js';
export type { HookContext, HookHandler, HookHandlers, HookResult } from './hooks/hook-handler.js';
export type { HookFacts, HookInput, HookName, HookPoint, RapportHooks } from './hooks/hook-map.js';
export { APP_HOOK_OWNER, type HookRegistration, HookRunner, type RunHookOptions } from './hooks/hook-runner.js';
export type { BatchJobHandler, BatchJobResult, JobBatch } from './jobs/job-batch.js';
export type { JobContext, JobDefinition, JobHandler, JobResult } from './jobs/job-handler.js';
export { DEFAULT_JOB_POLICY, JobRegistry, type ResolvedJobDefinition } from './jobs/job-registry.js';
export { collectContributions } from './plugins/contribution-registry.js';
export type {
  CommandContribution,
  Contributed,
  ContributionPoints,
  ContributionRegistry,
  Contributions,
  PrivacyContribution,
  ProfileSectionContribution,
  RouteContribution,
} from './plugins/contributions.js';
export type { KnownHooks } from './plugins/define-plugin.js';
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
export { SEGMENT_CATALOG_TTL_MS, SegmentCatalog } from './services/segment-catalog.js';
export {
  type AnyColumn,
  COLUMN_KINDS,
  Column,
  type ColumnKind,
  type ColumnSpec,
  column,
  TEXT_DEFAULT_MAX_LENGTH,
  TEXT_MAX_LENGTH_LIMIT,
  type TextColumnOptions,
} from './tables/column.js';
export {
  type AnyTableDeclaration,
  type ColumnName,
  defineTable,
  type TableColumns,
  type TableDeclaration,
  type TableSpec,
} from './tables/define-table.js';
export { TableErrorCode } from './tables/table-error-codes.js';
export type { TableRepository } from './tables/table-repository.js';
export type {
  ColumnCondition,
  ColumnsOf,
  FindOptions,
  GetOptions,
  InsertOf,
  IsOptional,
  KeyOf,
  OrderTerm,
  PatchOf,
  RowOf,
  Simplify,
  TableUpdate,
  TableWhere,
  UpdateOptions,
  UpdateResult,
  ValueOf,
} from './tables/table-types.js';
export { parseInput, toValidationIssues } from './util/parse.js';
