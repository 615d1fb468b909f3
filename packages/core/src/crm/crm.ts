import type { Actor } from '../access/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Storage } from '../contracts/storage.js';
import type { RapportContainer } from '../di/rapport-container.js';
import type { EventBus } from '../events/event-bus.js';
import type { JobService } from '../jobs/job-service.js';
import type { JobWorkers, WorkerOptions } from '../jobs/job-workers.js';
import type { ContributionRegistry } from '../plugins/contributions.js';
import type { PrivacyService } from '../privacy/privacy-service.js';
import type { ConsentService } from '../services/consent-service.js';
import type { CustomerService } from '../services/customer-service.js';
import type { InteractionService } from '../services/interaction-service.js';
import type { ProfileOptions } from '../services/profile-sections.js';
import type { CustomerProfile } from '../services/profile-service.js';
import type { SegmentService } from '../services/segment-service.js';

/**
 * A CRM serving one tenant. `TTraits` and `TProps` follow the schemas given to `createCrm`,
 * so reads are typed with the app's own fields; `TApis` is what the installed plugins add
 * (`crm.feedback`, `crm.messages`), inferred from the plugin list.
 */
export type Crm<TTraits = Record<string, unknown>, TProps = Record<string, unknown>, TApis = unknown> = CrmCore<TTraits, TProps, TApis> &
  TApis;

/** The part of a {@link Crm} that core provides, whatever plugins are installed. */
export interface CrmCore<TTraits = Record<string, unknown>, TProps = Record<string, unknown>, TApis = unknown> {
  /** The tenant this view reads and writes. */
  readonly tenantId: string;
  readonly customers: CustomerService<TTraits>;
  readonly interactions: InteractionService<TProps>;
  readonly consent: ConsentService;
  readonly segments: SegmentService;
  /** Durable jobs and recurring schedules of this tenant; run by {@link Crm.startWorkers}. */
  readonly jobs: JobService;
  /** Typed domain events, emitted after each change is committed (shared by all tenants). */
  readonly events: EventBus;
  readonly storage: Storage;
  /** This tenant's container. Plugins' APIs are on the Crm itself; this is for what they do not expose. */
  readonly container: RapportContainer;
  /** What the installed plugins contribute (routes, commands, privacy contributors), by kind. */
  readonly contributions: ContributionRegistry;
  /** Export, erasure, suppression, the request log and retention (docs/privacy.md). */
  readonly privacy: PrivacyService;
  /** The 360° view: customer, recent timeline, consent state and segments. */
  profile(customerId: string, options?: ProfileOptions): Promise<CustomerProfile<TTraits, TProps>>;
  /**
   * The same Crm for another tenant. Nothing reached through it can read or change the
   * data of any other tenant.
   */
  forTenant(tenantId: string): Crm<TTraits, TProps, TApis>;
  /**
   * Starts workers in this process that run due jobs of every tenant (and fire schedules).
   * Start them where the app wants background work done; `stop()` them, or `close()` the Crm,
   * to finish or give back what they hold.
   */
  startWorkers(options?: WorkerOptions): JobWorkers;
  /**
   * Workers as {@link Crm.startWorkers} makes them, not started: `drain()` runs what is due
   * now and returns (tests with a fake clock, scripts, cron-driven serverless functions).
   */
  workers(options?: WorkerOptions): JobWorkers;
  /** Stops plugins and closes storage. */
  close(): Promise<void>;
  /**
   * The same Crm, plugin APIs and `forTenant` included, with every call made as `actor`:
   * checked against its permissions (a `ForbiddenError` otherwise), personal fields masked
   * unless it holds `pii:read`, and named in the audit log. See docs/access-control.md.
   */
  as(actor: Actor): Crm<TTraits, TProps, TApis>;
  /** The tenant's hash-chained audit log (with `createCrm({ audit: true })`). */
  readonly audit: AuditLog;
}
