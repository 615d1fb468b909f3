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

export type { Clock } from './contracts/clock.js';
export type { IdGenerator } from './contracts/id-generator.js';
export type { TenantStore } from './contracts/storage.js';
export { type AnyClass, parametersWithoutToken, service, serviceClasses } from './di/service.js';
export { CLOCK, CRM_CONFIG, EVENT_BUS, ID_GENERATOR, JOB_REGISTRY, STORAGE, TENANT_ID, TENANT_STORE } from './di/tokens.js';
export { CoreErrorCode } from './errors/codes.js';
export { ConflictError, NotFoundError, PluginError, UnavailableError, ValidationError } from './errors/error-classes.js';
export { isRapportError, RapportError } from './errors/rapport-error.js';
export { EventBus, type EventListener, type ListenerErrorHandler } from './events/event-bus.js';
export type { JobContext, JobDefinition, JobHandler, JobResult } from './jobs/job-handler.js';
export { DEFAULT_JOB_POLICY, JobRegistry, type ResolvedJobDefinition } from './jobs/job-registry.js';
export {
  definePlugin,
  type PluginContext,
  type PluginStartContext,
  parsePluginOptions,
  type RapportPlugin,
} from './plugins/define-plugin.js';
export { orderPlugins } from './plugins/plugin-order.js';
export { SEGMENT_CATALOG_TTL_MS, SegmentCatalog } from './services/segment-catalog.js';
export { parseInput, toValidationIssues } from './util/parse.js';
