import { createHash } from 'node:crypto';

/** The hash the first entry of a chain follows. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry's hash covers besides the previous hash: everything but the erasable subject. */
export interface AuditEntryContent {
  seq: number;
  id: string;
  at: Date;
  actorId: string;
  actorKind: string;
  operation: string;
  outcome: string;
  subjectDigest: string | null;
  detail: string | null;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The digest the chain holds in place of the customer id: salted with the tenant and the
 * entry's id, so equal customers give unrelated digests and erasing `subject` leaves
 * nothing that names the person, while a `subject` edited in place no longer matches.
 */
export function auditSubjectDigest(tenantId: string, entryId: string, customerId: string): string {
  return sha256(`rapport:audit-subject\u0000${tenantId}\u0000${entryId}\u0000${customerId}`);
}

/**
 * The hash of an entry: SHA-256 over the previous entry's hash and this entry's canonical
 * content — a JSON array of its fields in a fixed order, so no key order or storage's JSON
 * rendering can change it.
 */
export function auditEntryHash(previousHash: string, content: AuditEntryContent): string {
  const canonical = JSON.stringify([
    content.seq,
    content.id,
    content.at.toISOString(),
    content.actorId,
    content.actorKind,
    content.operation,
    content.outcome,
    content.subjectDigest,
    content.detail,
  ]);
  return sha256(`${previousHash}\u0000${canonical}`);
}
