import { column } from '../tables/column.js';
import { defineTable } from '../tables/define-table.js';

/** The owner name core's own privacy tables are declared under (physical names `pt_rapport_core__…`). */
export const PRIVACY_TABLE_OWNER = '@rapport/core';

/**
 * One suppressed identity: the keyed hash of an erased person's normalised identity (never
 * the value), so a later import, upsert or inbound message does not re-create them.
 */
export const suppressionsTable = defineTable('suppressions', {
  columns: {
    hash: column.text({ maxLength: 64 }),
    identityType: column.text({ maxLength: 32 }),
    requestId: column.text({ maxLength: 64 }).nullable(),
    createdAt: column.timestamp(),
  },
  primaryKey: ['hash'],
});

/** One access or erasure request, without personal data (the subject is a keyed hash of the customer id). */
export const privacyRequestsTable = defineTable('privacy_requests', {
  columns: {
    id: column.text({ maxLength: 64 }),
    kind: column.text({ maxLength: 16 }),
    status: column.text({ maxLength: 16 }),
    mode: column.text({ maxLength: 16 }).nullable(),
    subjectHash: column.text({ maxLength: 64 }),
    receivedAt: column.timestamp(),
    completedAt: column.timestamp().nullable(),
    refusalBasis: column.text({ maxLength: 500 }).nullable(),
    summary: column.json<Record<string, number>>().nullable(),
  },
  primaryKey: ['id'],
  indexes: [['receivedAt'], ['subjectHash']],
});

/** Core's privacy tables, migrated on every storage like a plugin's. */
export const PRIVACY_TABLES = [suppressionsTable, privacyRequestsTable] as const;
