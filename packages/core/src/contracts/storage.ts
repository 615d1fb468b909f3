import type { ConsentRecord } from '../model/consent.js';
import type { Customer, CustomerListFilter } from '../model/customer.js';
import type { Identity } from '../model/identity.js';
import type { Interaction, TimelineFilter } from '../model/interaction.js';
import type { CustomerMetrics, MetricsDelta } from '../model/metrics.js';
import type { Page } from '../model/page.js';
import type { Segment, SegmentCondition } from '../model/segment-definition.js';
import type { PersonalDataRepository } from '../privacy/personal-data-repository.js';
import type { AnyTableDeclaration } from '../tables/define-table.js';
import type { TableBinding } from '../tables/table-binding.js';
import type { TableRepository } from '../tables/table-repository.js';
import type { JobQueue, JobRepository } from './job-store.js';
import type { ProfileReader } from './profile-reader.js';

/**
 * What a storage can do beyond the contract. Shared code branches on these, never on the
 * storage's name.
 */
export interface StorageCapabilities {
  /** Writes inside `transaction` are all-or-nothing. */
  readonly transactions: boolean;
  /** Segment conditions run inside the storage (SQL) rather than in the process. */
  readonly segmentPushdown: boolean;
  /**
   * Text cannot contain NUL (U+0000), as in PostgreSQL. Services then reject such input
   * before writing, naming the field, so one bad item in a batch does not fail the rest.
   */
  readonly rejectsNul?: boolean | undefined;
}

/**
 * Migrations a plugin ships for its own tables. A storage runs the sets whose `storage`
 * matches its `kind` (`'sql'` for `@rapport/storage-sql`) and ignores the rest.
 */
export interface StorageMigrationSet {
  /** Storage kind these migrations are written for, e.g. `'sql'`. */
  readonly storage: string;
  /** Prefix for the plugin's migration names and tables, e.g. `feedback`. */
  readonly namespace: string;
  /** Migrations by name; names sort into the order they run. The value's shape is the storage's. */
  readonly migrations: Readonly<Record<string, unknown>>;
}

/**
 * A storage: where a Crm keeps its records. Every storage passes the conformance suite in
 * `@rapport/testkit`.
 */
export interface Storage {
  /** A human name, e.g. `sqlite` or `memory`. */
  readonly name: string;
  /** Which plugin migrations apply to it (see {@link StorageMigrationSet}). */
  readonly kind: string;
  readonly capabilities: StorageCapabilities;
  /**
   * Brings the schema up to date, including the plugins' migrations and their declared tables
   * (checked and bound by `createCrm`, see `bindPluginTables`): a new table is created, an
   * added column, unique constraint or index is added, and any other change to a table fails
   * with `TABLE_MIGRATION_REQUIRED`. Safe to call again, and from several processes at once.
   */
  migrate(extensions?: readonly StorageMigrationSet[], tables?: readonly TableBinding[]): Promise<void>;
  /** The repositories of one tenant; nothing reached through them can see another tenant. */
  forTenant(tenantId: string): TenantStore;
  /** The durable job queue across tenants that workers claim from. */
  readonly jobs: JobQueue;
  /** Releases connections. The storage is unusable afterwards. */
  close(): Promise<void>;
}

/** The repositories of one tenant. */
export interface TenantStore {
  readonly tenantId: string;
  readonly customers: CustomerRepository;
  readonly interactions: InteractionRepository;
  readonly consents: ConsentRepository;
  readonly segments: SegmentRepository;
  /** The tenant's durable jobs and schedules; enqueued inside a transaction, a job commits with it. */
  readonly jobs: JobRepository;
  /**
   * Reads the 360° view's data at once, where the storage can do better than one read per
   * repository (see {@link ProfileReader}); optional.
   */
  readonly profiles?: ProfileReader | undefined;
  /**
   * Merged-away records, bulk erasure and retention sweeps for `crm.privacy`; a storage
   * without it cannot export merged-away records or erase (`PRIVACY_UNSUPPORTED`).
   */
  readonly privacy?: PersonalDataRepository | undefined;
  /**
   * The tenant's rows of a plugin table that was migrated with this storage (else
   * `TABLE_NOT_REGISTERED`). From the store a transaction passes to its work, the repository
   * joins that transaction.
   */
  table<T extends AnyTableDeclaration>(declaration: T): TableRepository<T>;
  /**
   * Re-points every plugin table row whose customer reference (`customerRef()` column) holds
   * `fromId` to `toId` (for merges, inside the merge's transaction). Returns how many rows moved;
   * a row that would clash with a unique constraint fails with `TABLE_UNIQUE_VIOLATION`.
   */
  reassignTableRows(fromId: string, toId: string): Promise<number>;
  /**
   * Runs `work` in one transaction: all its writes land, or none. A transaction started
   * inside `work` joins the outer one.
   */
  transaction<T>(work: (store: TenantStore) => Promise<T>): Promise<T>;
}

/** A metrics increment for one customer. */
export interface MetricsIncrement {
  customerId: string;
  delta: MetricsDelta;
}

/** Persistence of customer records and their identities. */
export interface CustomerRepository {
  /** Stores a new customer with its identities. Throws `IDENTITY_TAKEN` if one belongs to another customer. */
  insert(customer: Customer): Promise<void>;
  /** A live (not merged-away) customer, or null. */
  get(id: string): Promise<Customer | null>;
  /** Live customers among `ids`, in no particular order. */
  getMany(ids: readonly string[]): Promise<Customer[]>;
  /**
   * Locks the live customers among `ids` until the open transaction ends, and returns which
   * of them are live. Every write that attaches records to a customer (interactions,
   * identities, consents) or rewrites its figures (a merge) locks it first, so a merge and a
   * write touching the same customer run one after the other instead of interleaving: nothing
   * lands on a customer that a merge has just retired, and no merge combines figures that a
   * concurrent write is still changing. Rows are locked in id order, so lockers cannot
   * deadlock each other. A storage that runs write transactions one at a time (SQLite, memory)
   * only reads. A locked id that is no longer live was merged meanwhile: resolve it again.
   */
  lockLive(ids: readonly string[]): Promise<Set<string>>;
  /** Follows merges: the id of the live customer `id` now is, or null if unknown. */
  resolveId(id: string): Promise<string | null>;
  /** {@link CustomerRepository.resolveId} for many ids at once: known ids → live ids; unknown ids are left out. */
  resolveIds(ids: readonly string[]): Promise<Map<string, string>>;
  /** The customer owning an identity, or null. */
  findByIdentity(identity: Identity): Promise<Customer | null>;
  /** Which customers own any of `identities` (only the owned ones are returned). */
  findOwners(identities: readonly Identity[]): Promise<{ identity: Identity; customerId: string }[]>;
  /**
   * Writes the profile fields (traits, tags, lifecycleStage, updatedAt, version) if the
   * stored version is `expectedVersion`. Returns false when it is not (a lost update).
   */
  update(customer: Customer, expectedVersion: number): Promise<boolean>;
  /** Adds an identity. Throws `IDENTITY_TAKEN` if another customer owns it; no-op if this one does. */
  addIdentity(customerId: string, identity: Identity): Promise<void>;
  /**
   * Removes an identity; false if the customer did not have it. Throws the `ConflictError`
   * `CUSTOMER_LAST_IDENTITY` instead of removing the customer's only identity, decided
   * atomically: two concurrent removals of a customer's last two identities leave one.
   */
  removeIdentity(customerId: string, identity: Identity): Promise<boolean>;
  /** Moves every identity of `fromId` to `toId` (for merges). */
  moveIdentities(fromId: string, toId: string): Promise<void>;
  /**
   * Applies increments from stored interactions atomically (min/max/sum), one per customer.
   * Unknown or merged-away customers are skipped.
   */
  applyMetrics(entries: readonly MetricsIncrement[]): Promise<void>;
  /** Overwrites metrics (for merges, where the merged figures are computed by the caller). */
  replaceMetrics(customerId: string, metrics: CustomerMetrics): Promise<void>;
  /** Marks `mergedId` as merged into `survivorId`; earlier aliases of `mergedId` follow. */
  markMerged(mergedId: string, survivorId: string, at: Date): Promise<void>;
  /** Live customers, ordered by id, filtered and paginated. */
  list(filter: CustomerListFilter): Promise<Page<Customer>>;
}

/** Outcome of inserting one interaction. */
export type InsertStatus = 'stored' | 'duplicate';

/** Persistence of the append-only interaction log. */
export interface InteractionRepository {
  /**
   * Appends interactions. An item whose idempotency key is already stored (or appears
   * earlier in the same call) is a duplicate and is not written. Returns one status per item.
   */
  insertMany(interactions: readonly Interaction[]): Promise<InsertStatus[]>;
  /**
   * The stored interactions holding any of these idempotency keys, in no particular order
   * (unknown keys are left out). Used to describe duplicates, so it is only called for keys
   * that were just reported `duplicate`.
   */
  findByIdempotencyKeys(keys: readonly string[]): Promise<Interaction[]>;
  /** A customer's interactions, newest first (ties by id, descending). */
  timeline(customerId: string, filter: TimelineFilter): Promise<Page<Interaction>>;
  /** Re-points every interaction of `fromId` to `toId` (for merges). Returns how many moved. */
  reassignCustomer(fromId: string, toId: string): Promise<number>;
}

/**
 * Persistence of the consent ledger. It is append-only: the contract has no way to change or
 * remove a record, and a storage never overwrites one. The one exception is a merge, which
 * re-points records to the surviving customer without touching their contents.
 */
export interface ConsentRepository {
  /**
   * Appends a record with every field as given. Throws the `ConflictError`
   * `CONSENT_RECORD_EXISTS` when a record with its id is already stored, or when its
   * `requestId` is not null and another record of the tenant already confirms that request
   * (so one double opt-in grants once, even under concurrent confirmations).
   */
  append(record: ConsentRecord): Promise<void>;
  /** A customer's records, oldest first, optionally for one purpose. */
  history(customerId: string, filter?: { purpose?: string }): Promise<ConsentRecord[]>;
  /**
   * The records of several customers in one read, each customer's oldest first as in
   * `history`; a customer without records maps to an empty list. For callers deciding for a
   * batch (a dispatch worker's consent gate).
   */
  historyMany(customerIds: readonly string[], filter?: { purpose?: string }): Promise<Map<string, ConsentRecord[]>>;
  /** Re-points every record of `fromId` to `toId` (for merges). */
  reassignCustomer(fromId: string, toId: string): Promise<number>;
}

/** Membership changes found by a refresh. */
export interface MembershipChanges {
  entered: string[];
  exited: string[];
}

/** Persistence and evaluation of segments. */
export interface SegmentRepository {
  /** Stores a new segment. Throws `SEGMENT_EXISTS` when the key is taken. */
  insert(segment: Segment): Promise<void>;
  /** Replaces a segment's name, description, condition and updatedAt. */
  update(segment: Segment): Promise<void>;
  get(key: string): Promise<Segment | null>;
  /** Every segment, ordered by key. */
  list(): Promise<Segment[]>;
  /** Deletes a segment and its memberships; false if there was none. */
  remove(key: string): Promise<boolean>;
  /** How many live customers match `condition` at `now`. */
  count(condition: SegmentCondition, now: Date): Promise<number>;
  /** Ids of live customers matching `condition` at `now`, ordered by id, paginated. */
  members(condition: SegmentCondition, now: Date, page: { limit: number; cursor?: string | undefined }): Promise<Page<string>>;
  /** Whether one customer matches `condition` at `now`. */
  matches(customerId: string, condition: SegmentCondition, now: Date): Promise<boolean>;
  /**
   * Re-evaluates a segment for every customer and stores the result, returning customer ids
   * that entered and exited since the last refresh.
   */
  refresh(segment: Segment, now: Date): Promise<MembershipChanges>;
  /**
   * Re-evaluates one customer against `segments` and stores the result, returning segment
   * keys entered and exited.
   */
  refreshCustomer(customerId: string, segments: readonly Segment[], now: Date): Promise<MembershipChanges>;
  /** The stored memberships of a customer (as of the last refresh). */
  membershipsOf(customerId: string): Promise<{ segmentKey: string; enteredAt: Date }[]>;
  /** Drops every stored membership of a customer (for merges). */
  clearMemberships(customerId: string): Promise<void>;
}
