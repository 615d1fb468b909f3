import type { TenantStore } from '../contracts/storage.js';
import type { Page } from '../model/page.js';
import { privacyRequestsTable } from './privacy-tables.js';

/** What a request asked for: a copy of the data (access/portability) or its erasure. */
export type PrivacyRequestKind = 'access' | 'erasure';
/** Where a request stands. `failed` requests can be made again (erasure is idempotent). */
export type PrivacyRequestStatus = 'received' | 'completed' | 'refused' | 'failed';

/** One entry of the request log. It holds no personal data: the person is a keyed hash of their customer id. */
export interface PrivacyRequest {
  id: string;
  kind: PrivacyRequestKind;
  status: PrivacyRequestStatus;
  /** The erasure mode; null for access requests. */
  mode: 'delete' | 'anonymize' | null;
  /** HMAC of the tenant and customer id (see `crm.privacy.requests({ customerId })`). */
  subjectHash: string;
  receivedAt: Date;
  completedAt: Date | null;
  /** Why the request was refused (the legal basis), or why it failed. */
  refusalBasis: string | null;
  /** What was exported or erased, by kind of record. */
  summary: Record<string, number> | null;
}

/** Reads and writes the request log of one tenant (core's `privacy_requests` table). */
export class RequestLog {
  constructor(private readonly store: TenantStore) {}

  /** Records a request as received (or, with a status, as already settled). */
  async open(entry: Omit<PrivacyRequest, 'completedAt' | 'summary' | 'refusalBasis'> & Partial<PrivacyRequest>): Promise<PrivacyRequest> {
    const row: PrivacyRequest = { completedAt: null, summary: null, refusalBasis: null, ...entry };
    await this.store.table(privacyRequestsTable).insert(row);
    return row;
  }

  /** Settles a request: completed with its summary, or failed/refused with the reason. */
  async settle(
    id: string,
    outcome: { status: PrivacyRequestStatus; at: Date; summary?: Record<string, number>; refusalBasis?: string },
  ): Promise<void> {
    await this.store.table(privacyRequestsTable).update(
      { id },
      {
        status: outcome.status,
        completedAt: outcome.at,
        summary: outcome.summary ?? null,
        refusalBasis: outcome.refusalBasis === undefined ? null : outcome.refusalBasis.slice(0, 500),
      },
    );
  }

  /** Entries newest first, optionally of one kind or one person (by their subject hash). */
  async list(filter: { kind?: PrivacyRequestKind; subjectHash?: string; limit: number; cursor?: string }): Promise<Page<PrivacyRequest>> {
    const page = await this.store.table(privacyRequestsTable).find({
      where: {
        ...(filter.kind ? { kind: filter.kind } : {}),
        ...(filter.subjectHash ? { subjectHash: filter.subjectHash } : {}),
      },
      orderBy: [{ column: 'receivedAt', direction: 'desc' }],
      limit: filter.limit,
      ...(filter.cursor ? { cursor: filter.cursor } : {}),
    });
    return { items: page.items as PrivacyRequest[], nextCursor: page.nextCursor };
  }

  /**
   * Settles the person's earlier requests of `kind` still `received` (their process died
   * mid-way: a crash rolls their transaction back) as `failed`, naming the request that
   * finished the job, so no entry is left open. Returns how many.
   */
  async supersede(subjectHash: string, kind: PrivacyRequestKind, finishedBy: string, at: Date): Promise<number> {
    const table = this.store.table(privacyRequestsTable);
    const open = await table.find({ where: { subjectHash, kind, status: 'received', id: { neq: finishedBy } }, limit: 1000 });
    for (const row of open.items)
      await this.settle(row.id, { status: 'failed', at, refusalBasis: `interrupted before completion; finished by request ${finishedBy}` });
    return open.items.length;
  }

  /** Removes entries received before `before`; returns how many. */
  async purge(before: Date): Promise<number> {
    const table = this.store.table(privacyRequestsTable);
    let removed = 0;
    for (;;) {
      const page = await table.find({ where: { receivedAt: { lt: before } }, limit: 500 });
      for (const row of page.items) if (await table.delete({ id: row.id })) removed++;
      if (page.nextCursor === null) return removed;
    }
  }
}
