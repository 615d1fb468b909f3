import type { Storage, StorageCapabilities, StorageMigrationSet, TenantStore } from '../../contracts/storage.js';
import type { AnyTableDeclaration } from '../../tables/define-table.js';
import { diffTableSnapshots } from '../../tables/snapshot-diff.js';
import type { TableBinding } from '../../tables/table-binding.js';
import { TableRegistry } from '../../tables/table-registry.js';
import type { TableRepository } from '../../tables/table-repository.js';
import { MemoryConsentRepository } from './memory-consents.js';
import { MemoryCustomerRepository } from './memory-customers.js';
import { MemoryInteractionRepository } from './memory-interactions.js';
import { MemoryJobQueue, MemoryJobRepository } from './memory-jobs.js';
import { MemoryPersonalDataRepository } from './memory-privacy.js';
import { MemorySegmentRepository } from './memory-segments.js';
import { AsyncLock, copy, emptyMemoryState, type MemoryContext, type MemoryState } from './memory-state.js';
import { MemoryTableRepository } from './memory-tables.js';

/** The shared, mutable heart of a memory storage: its state, its lock and its plugin tables. */
interface MemoryCore {
  state: MemoryState;
  readonly lock: AsyncLock;
  readonly tables: TableRegistry;
  closed: boolean;
}

class MemoryTenantStore implements TenantStore {
  readonly customers: MemoryCustomerRepository;
  readonly interactions: MemoryInteractionRepository;
  readonly consents: MemoryConsentRepository;
  readonly segments: MemorySegmentRepository;
  readonly jobs: MemoryJobRepository;
  readonly privacy: MemoryPersonalDataRepository;
  private readonly ctx: MemoryContext;

  constructor(
    private readonly core: MemoryCore,
    readonly tenantId: string,
    private readonly inTransaction: boolean,
  ) {
    const ctx: MemoryContext = {
      tenantId,
      exec: (work) => (inTransaction ? Promise.resolve().then(() => work(core.state)) : core.lock.run(async () => work(core.state))),
    };
    this.customers = new MemoryCustomerRepository(ctx);
    this.interactions = new MemoryInteractionRepository(ctx);
    this.consents = new MemoryConsentRepository(ctx);
    this.segments = new MemorySegmentRepository(ctx);
    this.jobs = new MemoryJobRepository(ctx);
    this.privacy = new MemoryPersonalDataRepository(ctx);
    this.ctx = ctx;
  }

  table<T extends AnyTableDeclaration>(declaration: T): TableRepository<T> {
    return new MemoryTableRepository<T>(this.ctx, this.core.tables.resolve(declaration));
  }

  async reassignTableRows(fromId: string, toId: string): Promise<number> {
    let moved = 0;
    for (const binding of this.core.tables.all())
      moved += await new MemoryTableRepository(this.ctx, binding).reassignCustomer(fromId, toId);
    return moved;
  }

  transaction<T>(work: (store: TenantStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    return this.core.lock.run(async () => {
      const snapshot = copy(this.core.state);
      try {
        return await work(new MemoryTenantStore(this.core, this.tenantId, true));
      } catch (error) {
        this.core.state = snapshot;
        throw error;
      }
    });
  }
}

/** The cores of the memory storages made in this process, for {@link inspectMemoryState}. */
const memoryCores = new WeakMap<Storage, MemoryCore>();

/**
 * A copy of everything a memory storage holds, for tests that must see the whole state (the
 * privacy canary scan); null for any other storage.
 */
export function inspectMemoryState(storage: Storage): Readonly<Record<string, unknown>> | null {
  const core = memoryCores.get(storage);
  return core ? (copy(core.state) as unknown as Record<string, unknown>) : null;
}

/**
 * A storage that keeps everything in the process: for tests, prototypes and examples. It
 * implements every repository contract (segments are evaluated in memory) and passes the
 * conformance suite; transactions roll back by restoring a snapshot. Data is lost when the
 * process ends.
 */
export function memoryStorage(): Storage {
  const core: MemoryCore = { state: emptyMemoryState(), lock: new AsyncLock(), tables: new TableRegistry(), closed: false };
  const capabilities: StorageCapabilities = { transactions: true, segmentPushdown: false };
  const storage: Storage = {
    name: 'memory',
    kind: 'memory',
    capabilities,
    migrate: (_extensions?: readonly StorageMigrationSet[], tables: readonly TableBinding[] = []) =>
      core.lock.run(async () => migrateTables(core, tables)),
    forTenant: (tenantId) => new MemoryTenantStore(core, tenantId, false),
    jobs: new MemoryJobQueue((work) => core.lock.run(async () => work(core.state))),
    close: async () => {
      core.closed = true;
    },
  };
  memoryCores.set(storage, core);
  return storage;
}

/** The memory storage's derived table migrations: the same diff rules as SQL's, applied to the rows. */
function migrateTables(core: MemoryCore, tables: readonly TableBinding[]): void {
  for (const binding of tables) {
    const recorded = core.state.tableSnapshots.get(binding.physicalName);
    if (recorded) {
      const { addedColumns } = diffTableSnapshots(binding, recorded);
      for (const row of core.state.tables.get(binding.physicalName)?.values() ?? []) {
        for (const column of addedColumns)
          row[column] = copy(binding.specs[column]?.hasDefault ? binding.specs[column]?.defaultValue : null);
      }
    }
    core.state.tableSnapshots.set(binding.physicalName, copy(binding.snapshot));
  }
  core.tables.add(tables);
}
