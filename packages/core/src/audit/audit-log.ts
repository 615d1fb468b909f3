import { z } from 'zod';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { TenantStore } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { RapportError } from '../errors/rapport-error.js';
import { DateInputSchema } from '../model/date-input.js';
import type { Page } from '../model/page.js';
import type { RowOf, TableWhere } from '../tables/table-types.js';
import { parseInput } from '../util/parse.js';
import { auditEntryHash, auditSubjectDigest, GENESIS_HASH } from './audit-chain.js';
import { auditEntriesTable, auditHeadsTable } from './audit-tables.js';
import { type AuditDraft, appendAuditEntries, ensureAuditHead, MAIN_CHAIN } from './audit-writer.js';
import { innerStore, type WrittenSubjects } from './audited-store.js';

/** One entry of the audit log: who did what, when, to which customer, with what outcome. No personal data. */
export interface AuditEntry {
  /** Position in the tenant's chain, from 1. */
  seq: number;
  id: string;
  at: Date;
  actorId: string;
  actorKind: string;
  /** The Crm method, e.g. `customers.update`, or the store write when no method was named. */
  operation: string;
  /** `ok`, or `forbidden` for a refused call. */
  outcome: string;
  /** The customer's id; null for an operation on no customer, and after the customer was erased. */
  customerId: string | null;
  /** A permission name for a refused call; never personal data. */
  detail: string | null;
  /** SHA-256 over the previous entry's hash and this entry's content. */
  hash: string;
}

/** Filters of {@link AuditLog.list}. */
export interface AuditListQuery {
  customerId?: string;
  actorId?: string;
  /** From this time on (inclusive). */
  from?: Date | string;
  /** Before this time (exclusive). */
  to?: Date | string;
  /** 1-1000. @defaultValue 50 */
  limit?: number;
  cursor?: string;
}

/** What {@link AuditLog.verify} found: an intact chain, or the first entry that breaks it. */
export type AuditVerification =
  | { ok: true; entries: number }
  | {
      ok: false;
      /** Entries checked before the break. */
      entries: number;
      /** The `seq` of the first entry that fails (or that is missing). */
      brokenAt: number;
      reason: 'missing' | 'hash' | 'subject' | 'head';
    };

const ListQuerySchema = z
  .object({
    customerId: z.string().min(1).max(64).optional(),
    actorId: z.string().min(1).max(128).optional(),
    from: DateInputSchema.optional(),
    to: DateInputSchema.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: z.string().optional(),
  })
  .strict();

/** The tenant's audit log (`crm.audit`): append-only, hash-chained, queryable by customer, actor and time. */
export class AuditLog {
  private headReady = false;

  constructor(
    private readonly store: TenantStore,
    private readonly parts: { clock: Clock; ids: IdGenerator; enabled: boolean },
  ) {}

  /** Entries in chain order, filtered by customer, actor and time. */
  async list(query: AuditListQuery = {}): Promise<Page<AuditEntry>> {
    this.assertEnabled();
    const parsed = parseInput(ListQuerySchema, query, 'query');
    const where: TableWhere<typeof auditEntriesTable> = {};
    if (parsed.customerId !== undefined) where.subject = parsed.customerId;
    if (parsed.actorId !== undefined) where.actorId = parsed.actorId;
    if (parsed.from !== undefined || parsed.to !== undefined) {
      where.at = { ...(parsed.from ? { gte: parsed.from } : {}), ...(parsed.to ? { lt: parsed.to } : {}) };
    }
    const page = await this.entries().find({
      where,
      orderBy: [{ column: 'seq' }],
      limit: parsed.limit ?? 50,
      ...(parsed.cursor === undefined ? {} : { cursor: parsed.cursor }),
    });
    return { items: page.items.map(toEntry), nextCursor: page.nextCursor };
  }

  /**
   * Walks the whole chain and checks it: numbers without gaps, each hash over the previous
   * one and the entry's content, each remaining customer id matching its digest, and the
   * head row naming the last entry. An edited, inserted or deleted entry breaks it; the
   * first broken entry is reported.
   */
  async verify(): Promise<AuditVerification> {
    this.assertEnabled();
    let previous = GENESIS_HASH;
    let expected = 1;
    let cursor: string | undefined;
    do {
      const page = await this.entries().find({ orderBy: [{ column: 'seq' }], limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const row of page.items) {
        const checked = expected - 1;
        if (row.seq !== expected) return { ok: false, entries: checked, brokenAt: expected, reason: 'missing' };
        const { subject, hash, ...content } = row;
        if (auditEntryHash(previous, content) !== hash) return { ok: false, entries: checked, brokenAt: row.seq, reason: 'hash' };
        if (
          subject !== null &&
          (content.subjectDigest === null || auditSubjectDigest(this.store.tenantId, row.id, subject) !== content.subjectDigest)
        ) {
          return { ok: false, entries: checked, brokenAt: row.seq, reason: 'subject' };
        }
        previous = hash;
        expected += 1;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const count = expected - 1;
    const head = await this.store.table(auditHeadsTable).get({ chain: MAIN_CHAIN });
    const headSeq = head?.seq ?? 0;
    if (headSeq !== count || (head?.hash ?? GENESIS_HASH) !== previous) {
      return { ok: false, entries: count, brokenAt: Math.min(headSeq, count) + 1, reason: 'head' };
    }
    return { ok: true, entries: count };
  }

  /**
   * Removes a customer's id from their entries (for erasure), inside `options.in` when given
   * so it commits with the erasure. The chain still verifies: it covers a salted digest of the
   * id, not the id. Returns how many entries were changed.
   */
  async forget(customerId: string, options: { in?: TenantStore } = {}): Promise<number> {
    if (!this.parts.enabled) return 0;
    parseInput(z.string().min(1).max(64), customerId, 'customerId');
    const entries = (options.in ? innerStore(options.in) : innerStore(this.store)).table(auditEntriesTable);
    let changed = 0;
    for (;;) {
      const page = await entries.find({ where: { subject: customerId }, limit: 1000 });
      for (const row of page.items) if ((await entries.update({ seq: row.seq }, { subject: null })).applied) changed += 1;
      if (page.nextCursor === null) return changed;
    }
  }

  /** Appends entries in a transaction of their own (reads and refused calls, which write nothing else). */
  async record(drafts: readonly AuditDraft[]): Promise<void> {
    if (!this.parts.enabled || drafts.length === 0) return;
    await this.prepare(this.store);
    await this.store.transaction((tx) => appendAuditEntries(tx, drafts, this.parts));
  }

  /** Creates the chain's head on first use (outside any transaction). */
  async prepare(store: TenantStore): Promise<void> {
    if (this.headReady) return;
    await ensureAuditHead(innerStore(store));
    this.headReady = true;
  }

  /** Writes the entries of what a transaction wrote, for the operation running now. */
  flush(tx: TenantStore, written: WrittenSubjects, draftFor: (customerId: string | null) => AuditDraft): Promise<void> {
    if (written.size === 0) return Promise.resolve();
    const customers = [...written].filter((subject): subject is string => subject !== null);
    const drafts = customers.length > 0 ? customers.sort().map(draftFor) : [draftFor(null)];
    return appendAuditEntries(tx, drafts, this.parts);
  }

  private entries() {
    return this.store.table(auditEntriesTable);
  }

  private assertEnabled(): void {
    if (this.parts.enabled) return;
    throw new RapportError({
      code: CoreErrorCode.AuditDisabled,
      kind: 'unavailable',
      message: 'the audit log is off: create the Crm with createCrm({ audit: true })',
      details: {},
    });
  }
}

function toEntry(row: RowOf<typeof auditEntriesTable>): AuditEntry {
  const { subject, subjectDigest: _digest, ...rest } = row;
  return { ...rest, customerId: subject };
}
