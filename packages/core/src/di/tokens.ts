import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { Storage, TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import type { EventBus } from '../events/event-bus.js';
import type { HookRunner } from '../hooks/hook-runner.js';
import type { JobRegistry } from '../jobs/job-registry.js';
import type { TenantContext } from '../plugins/tenant-context.js';
import { defineToken, type Token } from './token.js';

/** The Crm's storage. */
export const STORAGE: Token<Storage> = defineToken('rapport:storage');
/** The repositories of the tenant a container serves (registered in each tenant's child container). */
export const TENANT_STORE: Token<TenantStore> = defineToken('rapport:tenant-store');
/** The id of the tenant a container serves. */
export const TENANT_ID: Token<string> = defineToken('rapport:tenant-id');
/** The clock every service reads the time from. */
export const CLOCK: Token<Clock> = defineToken('rapport:clock');
/** Where record ids come from. */
export const ID_GENERATOR: Token<IdGenerator> = defineToken('rapport:id-generator');
/** The Crm's event bus. */
export const EVENT_BUS: Token<EventBus> = defineToken('rapport:event-bus');
/** The Crm's resolved configuration (schemas, identity and metrics rules). */
export const CRM_CONFIG: Token<ResolvedCrmConfig> = defineToken('rapport:crm-config');
/** The job types the Crm knows, with their handlers. */
export const JOB_REGISTRY: Token<JobRegistry> = defineToken('rapport:job-registry');
/**
 * The context of the tenant a container serves: its store, clock, ids, events, config, jobs
 * and core services. A plugin service injects this one token instead of a line per part.
 */
export const TENANT_CONTEXT: Token<TenantContext> = defineToken('rapport:tenant-context');
/** The Crm's hook runner: runs core's hook points and the ones plugins declare. */
export const HOOK_RUNNER: Token<HookRunner> = defineToken('rapport:hook-runner');
