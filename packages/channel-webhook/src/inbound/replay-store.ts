/**
 * Remembers the webhook ids already accepted, so a replayed delivery is reported as a
 * duplicate. Implement it over a shared store (Redis `SET NX PX`, a unique key in SQL) when
 * several processes receive webhooks.
 */
export interface ReplayStore {
  /**
   * Records `id` until `expiresAt` and says whether it was already recorded — in one step, so
   * two deliveries of one id at once see exactly one `false`.
   */
  markSeen(id: string, expiresAt: Date, now: Date): Promise<boolean>;
}

/**
 * The in-process {@link ReplayStore}: a map of id → expiry, swept as it is used. An id
 * only has to be kept while its timestamp is inside the tolerance window; after that the
 * timestamp check refuses it anyway.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #seen = new Map<string, number>();
  #nextSweep = 0;

  async markSeen(id: string, expiresAt: Date, now: Date): Promise<boolean> {
    const time = now.getTime();
    if (time >= this.#nextSweep) this.#sweep(time);
    const expiry = this.#seen.get(id);
    if (expiry !== undefined && expiry > time) return true;
    this.#seen.set(id, expiresAt.getTime());
    return false;
  }

  /** How many ids are remembered (for tests and metrics). */
  get size(): number {
    return this.#seen.size;
  }

  #sweep(time: number): void {
    for (const [id, expiry] of this.#seen) if (expiry <= time) this.#seen.delete(id);
    this.#nextSweep = time + 60_000;
  }
}
