import type { Crm } from '@rapport/core';
import type { Channel } from '@rapport/core/plugin';

/** The installed channels, found through the plugins' `channels` contributions (no channel package is imported). */
export class ChannelDirectory {
  private cache: Map<string, Channel> | null = null;

  /** Reads the contributions of `crm()` on first use (the Crm is complete by then). */
  constructor(private readonly crm: () => Crm) {}

  /** Every installed channel by id, in plugin order. */
  all(): ReadonlyMap<string, Channel> {
    if (!this.cache) {
      const crm = this.crm();
      this.cache = new Map(crm.contributions.of('channels').map(({ value }) => [value.id, crm.container.resolve(value.token)]));
    }
    return this.cache;
  }

  /** The installed channel with this id, if any. */
  get(id: string): Channel | undefined {
    return this.all().get(id);
  }
}
