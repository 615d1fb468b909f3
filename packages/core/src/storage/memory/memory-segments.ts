import type { MembershipChanges, SegmentRepository } from '../../contracts/storage.js';
import { CoreErrorCode } from '../../errors/codes.js';
import { ConflictError } from '../../errors/error-classes.js';
import { decodeIdCursor, encodeCursor, type Page } from '../../model/page.js';
import type { Segment, SegmentCondition } from '../../model/segment-definition.js';
import { type EvaluationSubject, evaluateCondition } from '../../segments/evaluate.js';
import { copy, type MemoryContext, type MemoryState, tenantKey } from './memory-state.js';

/** Segments of one tenant in a memory storage, evaluated in the process. */
export class MemorySegmentRepository implements SegmentRepository {
  constructor(private readonly ctx: MemoryContext) {}

  insert(segment: Segment): Promise<void> {
    return this.ctx.exec((state) => {
      const key = tenantKey(this.ctx.tenantId, segment.key);
      if (state.segments.has(key)) {
        throw new ConflictError(CoreErrorCode.SegmentExists, `segment "${segment.key}" already exists`, { key: segment.key });
      }
      state.segments.set(key, { ...copy(segment), tenantId: this.ctx.tenantId });
    });
  }

  update(segment: Segment): Promise<void> {
    return this.ctx.exec((state) => {
      const key = tenantKey(this.ctx.tenantId, segment.key);
      const stored = state.segments.get(key);
      if (!stored) return;
      state.segments.set(key, { ...copy(segment), id: stored.id, tenantId: this.ctx.tenantId, createdAt: stored.createdAt });
    });
  }

  get(key: string): Promise<Segment | null> {
    return this.ctx.exec((state) => {
      const stored = state.segments.get(tenantKey(this.ctx.tenantId, key));
      return stored ? copy(stored) : null;
    });
  }

  list(): Promise<Segment[]> {
    return this.ctx.exec((state) =>
      [...state.segments.values()]
        .filter((segment) => segment.tenantId === this.ctx.tenantId)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map(copy),
    );
  }

  remove(key: string): Promise<boolean> {
    return this.ctx.exec((state) => {
      const composite = tenantKey(this.ctx.tenantId, key);
      state.memberships.delete(composite);
      return state.segments.delete(composite);
    });
  }

  count(condition: SegmentCondition, now: Date): Promise<number> {
    return this.ctx.exec((state) => this.matchingIds(state, condition, now).length);
  }

  members(condition: SegmentCondition, now: Date, page: { limit: number; cursor?: string | undefined }): Promise<Page<string>> {
    return this.ctx.exec((state) => {
      const after = page.cursor ? decodeIdCursor(page.cursor).id : '';
      const ids = this.matchingIds(state, condition, now).filter((id) => id > after);
      const items = ids.slice(0, page.limit);
      const last = items.at(-1);
      return { items, nextCursor: ids.length > page.limit && last ? encodeCursor({ id: last }) : null };
    });
  }

  matches(customerId: string, condition: SegmentCondition, now: Date): Promise<boolean> {
    return this.ctx.exec((state) => {
      const subject = this.subject(state, customerId);
      return subject !== null && evaluateCondition(condition, subject, now);
    });
  }

  refresh(segment: Segment, now: Date): Promise<MembershipChanges> {
    return this.ctx.exec((state) => {
      if (!state.segments.has(tenantKey(this.ctx.tenantId, segment.key))) return { entered: [], exited: [] };
      const members = this.membershipMap(state, segment.key);
      const matching = new Set(this.matchingIds(state, segment.condition, now));
      const entered = [...matching].filter((id) => !members.has(id)).sort();
      const exited = [...members.keys()].filter((id) => !matching.has(id)).sort();
      for (const id of entered) members.set(id, new Date(now));
      for (const id of exited) members.delete(id);
      return { entered, exited };
    });
  }

  refreshCustomer(customerId: string, segments: readonly Segment[], now: Date): Promise<MembershipChanges> {
    return this.ctx.exec((state) => {
      const subject = this.subject(state, customerId);
      const changes: MembershipChanges = { entered: [], exited: [] };
      for (const segment of segments) {
        if (!state.segments.has(tenantKey(this.ctx.tenantId, segment.key))) continue;
        const members = this.membershipMap(state, segment.key);
        const isMember = subject !== null && evaluateCondition(segment.condition, subject, now);
        if (isMember && !members.has(customerId)) {
          members.set(customerId, new Date(now));
          changes.entered.push(segment.key);
        } else if (!isMember && members.has(customerId)) {
          members.delete(customerId);
          changes.exited.push(segment.key);
        }
      }
      return changes;
    });
  }

  membershipsOf(customerId: string): Promise<{ segmentKey: string; enteredAt: Date }[]> {
    return this.ctx.exec((state) => {
      const found: { segmentKey: string; enteredAt: Date }[] = [];
      for (const segment of state.segments.values()) {
        if (segment.tenantId !== this.ctx.tenantId) continue;
        const enteredAt = state.memberships.get(tenantKey(this.ctx.tenantId, segment.key))?.get(customerId);
        if (enteredAt) found.push({ segmentKey: segment.key, enteredAt: new Date(enteredAt) });
      }
      return found.sort((a, b) => (a.segmentKey < b.segmentKey ? -1 : 1));
    });
  }

  clearMemberships(customerId: string): Promise<void> {
    return this.ctx.exec((state) => {
      for (const [key, members] of state.memberships) {
        if (key.startsWith(tenantKey(this.ctx.tenantId, ''))) members.delete(customerId);
      }
    });
  }

  private membershipMap(state: MemoryState, segmentKey: string): Map<string, Date> {
    const key = tenantKey(this.ctx.tenantId, segmentKey);
    let members = state.memberships.get(key);
    if (!members) {
      members = new Map();
      state.memberships.set(key, members);
    }
    return members;
  }

  private matchingIds(state: MemoryState, condition: SegmentCondition, now: Date): string[] {
    const interactions = groupByCustomer([...state.interactions.values()], this.ctx.tenantId);
    const consents = groupByCustomer(state.consents, this.ctx.tenantId);
    const ids: string[] = [];
    for (const customer of state.customers.values()) {
      if (customer.tenantId !== this.ctx.tenantId || customer.mergedInto !== null) continue;
      const subject = {
        customer,
        interactions: interactions.get(customer.id) ?? [],
        consents: consents.get(customer.id) ?? [],
      };
      if (evaluateCondition(condition, subject, now)) ids.push(customer.id);
    }
    return ids.sort();
  }

  private subject(state: MemoryState, customerId: string): EvaluationSubject | null {
    const customer = state.customers.get(tenantKey(this.ctx.tenantId, customerId));
    if (!customer || customer.tenantId !== this.ctx.tenantId || customer.mergedInto !== null) return null;
    const interactions = [...state.interactions.values()].filter(
      (item) => item.tenantId === this.ctx.tenantId && item.customerId === customerId,
    );
    const consents = state.consents.filter((record) => record.tenantId === this.ctx.tenantId && record.customerId === customerId);
    return { customer, interactions, consents };
  }
}

/** Groups a tenant's records by customer in one pass, so evaluation stays linear. */
function groupByCustomer<T extends { tenantId: string; customerId: string }>(records: readonly T[], tenantId: string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const record of records) {
    if (record.tenantId !== tenantId) continue;
    const group = groups.get(record.customerId);
    if (group) group.push(record);
    else groups.set(record.customerId, [record]);
  }
  return groups;
}
