import type { InsertStatus, InteractionRepository } from '../../contracts/storage.js';
import type { Interaction, TimelineFilter } from '../../model/interaction.js';
import { decodeTimeCursor, encodeCursor, type Page } from '../../model/page.js';
import { copy, type MemoryContext, tenantKey } from './memory-state.js';

/** The interaction log of one tenant in a memory storage. */
export class MemoryInteractionRepository implements InteractionRepository {
  constructor(private readonly ctx: MemoryContext) {}

  insertMany(interactions: readonly Interaction[]): Promise<InsertStatus[]> {
    return this.ctx.exec((state) =>
      interactions.map((interaction): InsertStatus => {
        if (interaction.idempotencyKey !== null) {
          const key = tenantKey(this.ctx.tenantId, interaction.idempotencyKey);
          if (state.idempotencyKeys.has(key)) return 'duplicate';
          state.idempotencyKeys.set(key, interaction.id);
        }
        state.interactions.set(tenantKey(this.ctx.tenantId, interaction.id), { ...copy(interaction), tenantId: this.ctx.tenantId });
        return 'stored';
      }),
    );
  }

  findByIdempotencyKeys(keys: readonly string[]): Promise<Interaction[]> {
    return this.ctx.exec((state) =>
      [...new Set(keys)].flatMap((key) => {
        const id = state.idempotencyKeys.get(tenantKey(this.ctx.tenantId, key));
        const found = id === undefined ? undefined : state.interactions.get(tenantKey(this.ctx.tenantId, id));
        return found ? [copy(found)] : [];
      }),
    );
  }

  timeline(customerId: string, filter: TimelineFilter): Promise<Page<Interaction>> {
    return this.ctx.exec((state) => {
      const position = filter.cursor ? decodeTimeCursor(filter.cursor) : null;
      const matching = [...state.interactions.values()]
        .filter((item) => item.tenantId === this.ctx.tenantId && item.customerId === customerId)
        .filter((item) => !filter.types || filter.types.includes(item.type))
        .filter((item) => !filter.channels || filter.channels.includes(item.channel))
        .filter((item) => !filter.since || item.occurredAt >= filter.since)
        .filter((item) => !filter.until || item.occurredAt < filter.until)
        .filter((item) => !position || isBefore(item, position.t, position.id))
        .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      const items = matching.slice(0, filter.limit).map(copy);
      const last = items.at(-1);
      const nextCursor = matching.length > filter.limit && last ? encodeCursor({ t: last.occurredAt.getTime(), id: last.id }) : null;
      return { items, nextCursor };
    });
  }

  reassignCustomer(fromId: string, toId: string): Promise<number> {
    return this.ctx.exec((state) => {
      let moved = 0;
      for (const item of state.interactions.values()) {
        if (item.tenantId === this.ctx.tenantId && item.customerId === fromId) {
          item.customerId = toId;
          moved++;
        }
      }
      return moved;
    });
  }
}

/** True when `item` sorts after the cursor position in newest-first order. */
function isBefore(item: Interaction, time: number, id: string): boolean {
  const at = item.occurredAt.getTime();
  return at < time || (at === time && item.id < id);
}
