import type { ConsentRepository } from '../../contracts/storage.js';
import { CoreErrorCode } from '../../errors/codes.js';
import { ConflictError } from '../../errors/error-classes.js';
import type { ConsentRecord } from '../../model/consent.js';
import { copy, type MemoryContext } from './memory-state.js';

/** The consent ledger of one tenant in a memory storage. */
export class MemoryConsentRepository implements ConsentRepository {
  constructor(private readonly ctx: MemoryContext) {}

  append(record: ConsentRecord): Promise<void> {
    return this.ctx.exec((state) => {
      const tenant = state.consents.filter((stored) => stored.tenantId === this.ctx.tenantId);
      // Append-only: an id or a confirmed request already in the ledger is never overwritten.
      if (tenant.some((stored) => stored.id === record.id || (record.requestId !== null && stored.requestId === record.requestId))) {
        throw new ConflictError(
          CoreErrorCode.ConsentRecordExists,
          `consent record "${record.id}" or its request is already in the ledger`,
          {
            id: record.id,
            requestId: record.requestId,
          },
        );
      }
      state.consents.push({ ...copy(record), tenantId: this.ctx.tenantId });
    });
  }

  history(customerId: string, filter: { purpose?: string } = {}): Promise<ConsentRecord[]> {
    return this.ctx.exec((state) =>
      state.consents
        .filter((record) => record.tenantId === this.ctx.tenantId && record.customerId === customerId)
        .filter((record) => filter.purpose === undefined || record.purpose === filter.purpose)
        .sort(byOccurrence)
        .map(copy),
    );
  }

  historyMany(customerIds: readonly string[], filter: { purpose?: string } = {}): Promise<Map<string, ConsentRecord[]>> {
    const wanted = new Set(customerIds);
    return this.ctx.exec((state) => {
      const byCustomer = new Map<string, ConsentRecord[]>(customerIds.map((id) => [id, []]));
      const records = state.consents
        .filter((record) => record.tenantId === this.ctx.tenantId && wanted.has(record.customerId))
        .filter((record) => filter.purpose === undefined || record.purpose === filter.purpose)
        .sort(byOccurrence);
      for (const record of records) byCustomer.get(record.customerId)?.push(copy(record));
      return byCustomer;
    });
  }

  reassignCustomer(fromId: string, toId: string): Promise<number> {
    return this.ctx.exec((state) => {
      let moved = 0;
      for (const record of state.consents) {
        if (record.tenantId === this.ctx.tenantId && record.customerId === fromId) {
          record.customerId = toId;
          moved++;
        }
      }
      return moved;
    });
  }
}

/** Ledger order: by when it happened, then when it was recorded, then id. */
export function byOccurrence(a: ConsentRecord, b: ConsentRecord): number {
  return (
    a.occurredAt.getTime() - b.occurredAt.getTime() ||
    a.recordedAt.getTime() - b.recordedAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
