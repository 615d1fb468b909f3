import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { TenantStore } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { isRapportError, RapportError } from '../errors/rapport-error.js';
import { TableErrorCode } from '../tables/table-error-codes.js';
import { type AuditEntryContent, auditEntryHash, auditSubjectDigest, GENESIS_HASH } from './audit-chain.js';
import { auditEntriesTable, auditHeadsTable } from './audit-tables.js';

/** What an operation says about itself; the writer numbers, dates and chains it. */
export interface AuditDraft {
  actorId: string;
  actorKind: string;
  operation: string;
  outcome: 'ok' | 'forbidden';
  customerId: string | null;
  /** Never personal data: a permission name, a count. */
  detail?: string | null;
}

/** The single chain each tenant has. */
export const MAIN_CHAIN = 'main';

/**
 * Appends entries to the tenant's chain through `tx`, a transaction's store, so they commit
 * with the operation or not at all. It locks the chain's head row first (an update, which
 * PostgreSQL and MariaDB hold until commit; SQLite and memory run one writer at a time), then
 * reads the head as it now is: every writer extends the chain after the last committed one.
 * Called last in a transaction, so the lock is held only for the commit.
 */
export async function appendAuditEntries(
  tx: TenantStore,
  drafts: readonly AuditDraft[],
  parts: { clock: Clock; ids: IdGenerator },
): Promise<void> {
  if (drafts.length === 0) return;
  const heads = tx.table(auditHeadsTable);
  const locked = await heads.update({ chain: MAIN_CHAIN }, { token: parts.ids.next() });
  if (!locked.applied || !locked.row) {
    throw new RapportError({
      code: CoreErrorCode.Internal,
      kind: 'internal',
      message: `the audit chain head of tenant "${tx.tenantId}" is missing`,
      details: {},
    });
  }
  let { seq, hash } = locked.row;
  const at = parts.clock.now();
  const rows = drafts.map((draft) => {
    seq += 1;
    const id = parts.ids.next();
    const content: AuditEntryContent = {
      seq,
      id,
      at,
      actorId: draft.actorId,
      actorKind: draft.actorKind,
      operation: draft.operation,
      outcome: draft.outcome,
      subjectDigest: draft.customerId === null ? null : auditSubjectDigest(tx.tenantId, id, draft.customerId),
      detail: draft.detail ?? null,
    };
    hash = auditEntryHash(hash, content);
    return { ...content, subject: draft.customerId, hash };
  });
  await tx.table(auditEntriesTable).insertMany(rows);
  await heads.update({ chain: MAIN_CHAIN }, { seq, hash });
}

/**
 * Makes sure the tenant's chain has its head row, outside any transaction (a lost race to
 * create it is fine: the other writer made it).
 */
export async function ensureAuditHead(store: TenantStore): Promise<void> {
  const heads = store.table(auditHeadsTable);
  if (await heads.get({ chain: MAIN_CHAIN })) return;
  try {
    await heads.insert({ chain: MAIN_CHAIN, seq: 0, hash: GENESIS_HASH, token: '' });
  } catch (error) {
    if (!isRapportError(error, TableErrorCode.UniqueViolation) && !isRapportError(error, CoreErrorCode.StorageConflict)) throw error;
  }
}
