import type { Customer } from '../../model/customer.js';
import { identityKey } from '../../model/identity.js';
import type { Interaction } from '../../model/interaction.js';
import {
  ANONYMIZED_SOURCE,
  type CoreErasureCounts,
  type ErasureMode,
  type PersonalDataRepository,
} from '../../privacy/personal-data-repository.js';
import { copy, type MemoryContext, type MemoryState, tenantKey } from './memory-state.js';

/** The interaction as anonymisation leaves it: no payload but the amount, no source or key. */
function scrubbed(interaction: Interaction, amountProperty: string): Interaction {
  const amount = interaction.properties[amountProperty];
  return {
    ...interaction,
    properties: typeof amount === 'number' ? { [amountProperty]: amount } : {},
    source: ANONYMIZED_SOURCE,
    idempotencyKey: null,
  };
}

/** The memory storage's personal-data repository (see {@link PersonalDataRepository}). */
export class MemoryPersonalDataRepository implements PersonalDataRepository {
  constructor(private readonly ctx: MemoryContext) {}

  mergedAway(customerId: string): Promise<string[]> {
    return this.ctx.exec((state) =>
      [...state.customers.values()]
        .filter((stored) => stored.tenantId === this.ctx.tenantId && stored.mergedInto === customerId)
        .map((stored) => stored.id)
        .sort(),
    );
  }

  mergedRecords(ids: readonly string[]): Promise<Customer[]> {
    return this.ctx.exec((state) =>
      ids.flatMap((id) => {
        const stored = state.customers.get(tenantKey(this.ctx.tenantId, id));
        if (!stored || stored.mergedInto === null) return [];
        const { mergedInto: _mergedInto, ...customer } = copy(stored);
        return [customer];
      }),
    );
  }

  erase(ids: readonly string[], mode: ErasureMode, options: { amountProperty: string; now: Date }): Promise<CoreErasureCounts> {
    return this.ctx.exec((state) => {
      const wanted = new Set(ids);
      const counts: CoreErasureCounts = { customers: 0, identities: 0, interactions: 0, consents: 0, memberships: 0 };
      for (const id of ids) {
        const key = tenantKey(this.ctx.tenantId, id);
        const stored = state.customers.get(key);
        if (!stored) continue;
        counts.customers++;
        for (const identity of stored.identities) {
          if (state.identityOwners.delete(tenantKey(this.ctx.tenantId, identityKey(identity)))) counts.identities++;
        }
        if (mode === 'delete') state.customers.delete(key);
        else {
          stored.identities = [];
          stored.traits = {};
          stored.tags = [];
          stored.updatedAt = options.now;
          stored.version++;
        }
      }
      counts.interactions = this.eraseInteractions(state, (item) => wanted.has(item.customerId), mode, options.amountProperty);
      const before = state.consents.length;
      state.consents = state.consents.filter((record) => record.tenantId !== this.ctx.tenantId || !wanted.has(record.customerId));
      counts.consents = before - state.consents.length;
      for (const [segment, members] of state.memberships) {
        if (!segment.startsWith(`${this.ctx.tenantId}\u0000`)) continue;
        for (const id of ids) if (members.delete(id)) counts.memberships++;
      }
      return counts;
    });
  }

  retainInteractions(before: Date, mode: ErasureMode, options: { amountProperty: string; limit: number }): Promise<number> {
    return this.ctx.exec((state) => {
      let budget = options.limit;
      return this.eraseInteractions(
        state,
        (item) => {
          if (budget <= 0 || item.occurredAt >= before || (mode === 'anonymize' && item.source === ANONYMIZED_SOURCE)) return false;
          budget--;
          return true;
        },
        mode,
        options.amountProperty,
      );
    });
  }

  inactiveCustomers(before: Date, options: { limit: number; afterId?: string | undefined }): Promise<string[]> {
    return this.ctx.exec((state) =>
      [...state.customers.values()]
        .filter(
          (stored) =>
            stored.tenantId === this.ctx.tenantId &&
            stored.mergedInto === null &&
            stored.identities.length > 0 &&
            (options.afterId === undefined || stored.id > options.afterId) &&
            (stored.metrics.lastSeenAt ?? stored.createdAt) < before,
        )
        .map((stored) => stored.id)
        .sort()
        .slice(0, options.limit),
    );
  }

  /** Deletes or scrubs the tenant's interactions that `pick` chooses; returns how many. */
  private eraseInteractions(state: MemoryState, pick: (item: Interaction) => boolean, mode: ErasureMode, amountProperty: string): number {
    let count = 0;
    for (const [key, item] of state.interactions) {
      if (item.tenantId !== this.ctx.tenantId || !pick(item)) continue;
      count++;
      if (item.idempotencyKey !== null) state.idempotencyKeys.delete(tenantKey(this.ctx.tenantId, item.idempotencyKey));
      if (mode === 'delete') state.interactions.delete(key);
      else state.interactions.set(key, scrubbed(item, amountProperty));
    }
    return count;
  }
}
