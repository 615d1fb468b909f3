import type { Job, JobSchedule } from '../../jobs/job.js';
import type { ConsentRecord } from '../../model/consent.js';
import type { Customer } from '../../model/customer.js';
import type { Interaction } from '../../model/interaction.js';
import type { Segment } from '../../model/segment-definition.js';
import type { TableSnapshot } from '../../tables/table-binding.js';
import type { TableRow } from '../../tables/table-values.js';

/** A stored customer plus the merge pointer that the public type leaves out. */
export interface StoredCustomer extends Customer {
  mergedInto: string | null;
}

/** Everything a memory storage holds, for all tenants. Cloned whole to roll back. */
export interface MemoryState {
  /** `tenant \0 customerId` → customer (ids are unique per tenant, as in SQL). */
  customers: Map<string, StoredCustomer>;
  /** `tenant \0 identityKey` → customer id. */
  identityOwners: Map<string, string>;
  /** `tenant \0 interactionId` → interaction. */
  interactions: Map<string, Interaction>;
  /** `tenant \0 idempotencyKey` → interaction id. */
  idempotencyKeys: Map<string, string>;
  consents: ConsentRecord[];
  /** `tenant \0 segmentKey` → segment. */
  segments: Map<string, Segment>;
  /** `tenant \0 segmentKey` → customer id → entered at. */
  memberships: Map<string, Map<string, Date>>;
  /** `tenant \0 jobId` → job and the token of its current lease. */
  jobs: Map<string, { job: Job; leaseToken: string | null }>;
  /** `tenant \0 idempotencyKey` → job id. */
  jobKeys: Map<string, string>;
  /** `tenant \0 name` → schedule. */
  schedules: Map<string, JobSchedule>;
  /** Plugin table (physical name) → `tenant \0 key` → row. */
  tables: Map<string, Map<string, TableRow>>;
  /** Plugin table (physical name) → the snapshot it was migrated to. */
  tableSnapshots: Map<string, TableSnapshot>;
}

/** A fresh, empty state. */
export function emptyMemoryState(): MemoryState {
  return {
    customers: new Map(),
    identityOwners: new Map(),
    interactions: new Map(),
    idempotencyKeys: new Map(),
    consents: [],
    segments: new Map(),
    memberships: new Map(),
    jobs: new Map(),
    jobKeys: new Map(),
    schedules: new Map(),
    tables: new Map(),
    tableSnapshots: new Map(),
  };
}

/** Builds the composite key used by the tenant-scoped maps. */
export function tenantKey(tenantId: string, key: string): string {
  return `${tenantId}\u0000${key}`;
}

/** Copies a value so that callers never hold a reference into the state. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Serialises access to the state, the memory storage's stand-in for a database's
 * isolation: one operation or transaction at a time.
 */
export class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** The shared parts every memory repository needs. */
export interface MemoryContext {
  readonly tenantId: string;
  /** Runs one operation under the lock (or directly inside a transaction). */
  exec<T>(work: (state: MemoryState) => T | Promise<T>): Promise<T>;
}
