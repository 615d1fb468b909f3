import { column, defineTable } from '@rapport/core/plugin';

/** The item catalogue: one row per item, as {@link CatalogueItemSchema} validated it. */
export const itemsTable = defineTable('items', {
  columns: {
    id: column.text({ maxLength: 256 }),
    title: column.text({ maxLength: 512 }),
    categoryPath: column.json<string[]>(),
    price: column.number(),
    attributes: column.json<Record<string, string | number | boolean>>(),
    availability: column.text({ maxLength: 32 }),
    updatedAt: column.timestamp(),
  },
  primaryKey: ['id'],
  indexes: [['updatedAt']],
});

/**
 * Feedback as interactions bring it, written by a hook in the interaction's own transaction:
 * what training reads, and what a Crm replays after loading a model (so nothing recorded
 * since the model was trained is missing). Keyed by interaction and item, so a retried write
 * is stored once.
 */
export const feedbackTable = defineTable('feedback', {
  columns: {
    id: column.text({ maxLength: 64 }),
    customerId: column.text({ maxLength: 128 }).customerRef(),
    itemId: column.text({ maxLength: 256 }),
    type: column.text({ maxLength: 64 }),
    weight: column.number(),
    occurredAt: column.timestamp(),
    basketId: column.text({ maxLength: 256 }).nullable(),
    storeId: column.text({ maxLength: 256 }).nullable(),
    /** The clock when the hook wrote the row: the replay cursor. */
    recordedAt: column.timestamp(),
  },
  primaryKey: ['id'],
  indexes: [['recordedAt'], ['customerId']],
});

/** One row per saved model version; `ready` once every chunk is written. */
export const modelVersionsTable = defineTable('model_versions', {
  columns: {
    name: column.text({ maxLength: 64 }),
    version: column.integer(),
    ready: column.boolean(),
    chunks: column.integer(),
    /** Length of the model's JSON text, checked when it is read back. */
    length: column.integer(),
    savedAt: column.timestamp(),
  },
  primaryKey: ['name', 'version'],
});

/** A model's JSON text in slices (a large model is more than one statement can carry). */
export const modelChunksTable = defineTable('model_chunks', {
  columns: {
    name: column.text({ maxLength: 64 }),
    version: column.integer(),
    seq: column.integer(),
    // Text, not JSON: a JSON column holds at most 64 KiB, a text column a million characters.
    data: column.text({ maxLength: 1_000_000 }),
  },
  primaryKey: ['name', 'version', 'seq'],
});

/** The version each model name serves: switched in one transaction after the version is complete. */
export const activeModelsTable = defineTable('active_models', {
  columns: {
    name: column.text({ maxLength: 64 }),
    version: column.integer(),
    activatedAt: column.timestamp(),
  },
  primaryKey: ['name'],
});

/** Every table of the plugin. */
export const recommendTables = [itemsTable, feedbackTable, modelVersionsTable, modelChunksTable, activeModelsTable] as const;
