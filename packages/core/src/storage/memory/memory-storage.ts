import type { Storage, StorageCapabilities, TenantStore } from '../../contracts/storage.js';
import { MemoryConsentRepository } from './memory-consents.js';
import { MemoryCustomerRepository } from './memory-customers.js';
import { MemoryInteractionRepository } from './memory-interactions.js';
import { MemoryJobQueue, MemoryJobRepository } from './memory-jobs.js';
import { MemorySegmentRepository } from './memory-segments.js';
import { AsyncLock, copy, emptyMemoryState, type MemoryContext, type MemoryState } from './memory-state.js';

/** The shared, mutable heart of a memory storage: its state and its lock. */
interface MemoryCore {
  state: MemoryState;
  readonly lock: AsyncLock;
  closed: boolean;
}

class MemoryTenantStore implements TenantStore {
  readonly customers: MemoryCustomerRepository;
  readonly interactions: MemoryInteractionRepository;
  readonly consents: MemoryConsentRepository;
  readonly segments: MemorySegmentRepository;
  readonly jobs: MemoryJobRepository;

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

/**
 * A storage that keeps everything in the process: for tests, prototypes and examples. It
 * implements every repository contract (segments are evaluated in memory) and passes the
 * conformance suite; transactions roll back by restoring a snapshot. Data is lost when the
 * process ends.
 */
export function memoryStorage(): Storage {
  const core: MemoryCore = { state: emptyMemoryState(), lock: new AsyncLock(), closed: false };
  const capabilities: StorageCapabilities = { transactions: true, segmentPushdown: false };
  return {
    name: 'memory',
    kind: 'memory',
    capabilities,
    migrate: async () => undefined,
    forTenant: (tenantId) => new MemoryTenantStore(core, tenantId, false),
    jobs: new MemoryJobQueue((work) => core.lock.run(async () => work(core.state))),
    close: async () => {
      core.closed = true;
    },
  };
}
