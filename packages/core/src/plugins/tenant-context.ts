import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import type { Crm } from '../crm/crm.js';
import type { Resolvable } from '../di/rapport-container.js';
import type { EventBus } from '../events/event-bus.js';
import type { JobService } from '../jobs/job-service.js';

/**
 * Everything a plugin's service needs for one tenant, in one object: inject
 * `TENANT_CONTEXT` (or take it in a `perTenant` factory or an `api` factory) instead of one
 * constructor parameter per part.
 */
export interface TenantContext {
  /** The tenant this context serves. */
  readonly tenantId: string;
  /**
   * The tenant's repositories. Inside `store.transaction(work)`, use the store `work`
   * receives, so the plugin's writes commit with the core's or not at all.
   */
  readonly store: TenantStore;
  /** The clock to read the time from (a fake one in tests). */
  readonly clock: Clock;
  /** Where new record ids come from. */
  readonly ids: IdGenerator;
  /** The Crm's event bus (shared by all tenants; payloads carry the tenant id). */
  readonly events: EventBus;
  /** The Crm's resolved configuration. */
  readonly config: ResolvedCrmConfig;
  /** This tenant's durable jobs: enqueue with `{ in: store }` inside a transaction. */
  readonly jobs: JobService;
  /**
   * This tenant's Crm (customers, interactions, consent, segments, profile, and the APIs of
   * the other plugins at run time). Read it when the operation runs, not while the Crm is
   * being built.
   */
  readonly crm: Crm;
  /** Resolves another service of this tenant from the Crm's container. */
  resolve<T>(token: Resolvable<T>): T;
}
