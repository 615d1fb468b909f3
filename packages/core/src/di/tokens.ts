import type { InjectionToken } from 'tsyringe';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { Storage, TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import type { EventBus } from '../events/event-bus.js';
import type { HookRunner } from '../hooks/hook-runner.js';
import type { JobRegistry } from '../jobs/job-registry.js';

/** The Crm's storage. */
export const STORAGE: InjectionToken<Storage> = Symbol.for('rapport:storage');
/** The repositories of the tenant a container serves (registered in each tenant's child container). */
export const TENANT_STORE: InjectionToken<TenantStore> = Symbol.for('rapport:tenant-store');
/** The id of the tenant a container serves. */
export const TENANT_ID: InjectionToken<string> = Symbol.for('rapport:tenant-id');
/** The clock every service reads the time from. */
export const CLOCK: InjectionToken<Clock> = Symbol.for('rapport:clock');
/** Where record ids come from. */
export const ID_GENERATOR: InjectionToken<IdGenerator> = Symbol.for('rapport:id-generator');
/** The Crm's event bus. */
export const EVENT_BUS: InjectionToken<EventBus> = Symbol.for('rapport:event-bus');
/** The Crm's resolved configuration (schemas, identity and metrics rules). */
export const CRM_CONFIG: InjectionToken<ResolvedCrmConfig> = Symbol.for('rapport:crm-config');
/** The job types the Crm knows, with their handlers. */
export const JOB_REGISTRY: InjectionToken<JobRegistry> = Symbol.for('rapport:job-registry');
/** The Crm's hook runner: runs core's hook points and the ones plugins declare. */
export const HOOK_RUNNER: InjectionToken<HookRunner> = Symbol.for('rapport:hook-runner');
