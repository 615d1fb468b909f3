import { inject } from 'tsyringe';
import type { Clock } from '../contracts/clock.js';
import type { TenantStore } from '../contracts/storage.js';
import { service } from '../di/service.js';
import { CLOCK, TENANT_STORE } from '../di/tokens.js';
import type { Segment } from '../model/segment-definition.js';

/** How long another process's segment changes may take to show in profiles, in ms. */
export const SEGMENT_CATALOG_TTL_MS = 5000;

/**
 * The tenant's segment definitions, kept for a few seconds: they change rarely, and reading
 * them before every profile would add a round trip to each. This process's own changes
 * (through `crm.segments`) clear it at once.
 */
@service()
export class SegmentCatalog {
  private cached: { segments: Segment[]; at: number } | null = null;

  constructor(
    @inject(TENANT_STORE) private readonly store: TenantStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The definitions, from the cache when it is fresh. */
  async list(): Promise<Segment[]> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < SEGMENT_CATALOG_TTL_MS && now >= this.cached.at) return this.cached.segments;
    const segments = await this.store.segments.list();
    this.cached = { segments, at: now };
    return segments;
  }

  /** Forgets the cached definitions (after a define, update or remove). */
  invalidate(): void {
    this.cached = null;
  }
}
