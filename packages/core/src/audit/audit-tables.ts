import { definePlugin } from '../plugins/define-plugin.js';
import { column } from '../tables/column.js';
import { defineTable } from '../tables/define-table.js';

/**
 * One row per audited operation and customer, numbered per tenant (`seq`) and hash-chained:
 * `hash` covers the previous entry's hash and this entry's canonical content (see
 * `auditEntryHash`). `subject` is the customer's id, kept outside the hash so erasure can
 * clear it; the hash covers `subjectDigest`, a salted digest of it, instead.
 */
export const auditEntriesTable = defineTable('entries', {
  columns: {
    seq: column.integer(),
    id: column.text({ maxLength: 64 }),
    at: column.timestamp(),
    actorId: column.text({ maxLength: 128 }),
    actorKind: column.text({ maxLength: 16 }),
    operation: column.text({ maxLength: 128 }),
    outcome: column.text({ maxLength: 16 }),
    subject: column.text({ maxLength: 64 }).nullable(),
    subjectDigest: column.text({ maxLength: 64 }).nullable(),
    detail: column.text({ maxLength: 255 }).nullable(),
    hash: column.text({ maxLength: 64 }),
  },
  primaryKey: ['seq'],
  // By customer and by actor; a time range alone is read in chain order (times follow it).
  indexes: [
    ['subject', 'seq'],
    ['actorId', 'seq'],
  ],
});

/**
 * The head of a tenant's chain: the last entry's number and hash. Each append locks this row
 * (an update) for the end of its transaction, so concurrent writers — in one process or many
 * — extend one chain one after the other.
 */
export const auditHeadsTable = defineTable('heads', {
  columns: {
    chain: column.text({ maxLength: 32 }),
    seq: column.integer(),
    hash: column.text({ maxLength: 64 }),
    token: column.text({ maxLength: 64 }),
  },
  primaryKey: ['chain'],
});

/** The owner the audit tables are declared under (their physical names are `pt_rapport_audit__*`). */
export const AUDIT_TABLES_OWNER = '@rapport/audit';

/** The audit log's tables, declared like a plugin's so they exist on every storage. */
export const auditTablesPlugin = definePlugin({ name: AUDIT_TABLES_OWNER, tables: [auditEntriesTable, auditHeadsTable] });
