import { column, defineTable } from '@rapport/core/plugin';

/**
 * The checkpoint of each re-encryption run, per tenant: which table it is in, the primary key
 * of the last row done, and how much it did. A batch's updates and its checkpoint commit in
 * one transaction, so a run stopped anywhere resumes at the first batch not committed.
 */
export const reencryptionRuns = defineTable('reencryption_runs', {
  columns: {
    id: column.text({ maxLength: 64 }),
    /** Index of the table being walked in the fixed table order. */
    target: column.integer(),
    /** Key of the last row done in that table (null: from the start). */
    after: column.json<unknown[]>().nullable(),
    done: column.boolean(),
    /** Rows re-encrypted so far. */
    reencrypted: column.integer(),
    /** Rows left as they were because a concurrent write had changed them first. */
    skipped: column.integer(),
    batches: column.integer(),
    updatedAt: column.timestamp(),
  },
  primaryKey: ['id'],
});
