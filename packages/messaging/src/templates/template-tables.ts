import { column, defineTable, type RowOf } from '@rapport/core/plugin';

/**
 * One row per saved template version, never updated: saving writes version n+1 for the key,
 * channel and locale, so a message that records the version it used can always be explained.
 */
export const templatesTable = defineTable('templates', {
  columns: {
    templateKey: column.text({ maxLength: 128 }),
    channel: column.text({ maxLength: 64 }),
    locale: column.text({ maxLength: 35 }),
    version: column.integer(),
    /** The key's default locale as of this version: the fallback when neither the exact locale nor its language exists. */
    defaultLocale: column.text({ maxLength: 35 }),
    subject: column.text({ maxLength: 2_000 }).nullable(),
    text: column.text({ maxLength: 100_000 }).nullable(),
    html: column.text({ maxLength: 500_000 }).nullable(),
    data: column.json<Record<string, unknown>>().nullable(),
    maxSegments: column.integer().nullable(),
    createdAt: column.timestamp(),
  },
  primaryKey: ['templateKey', 'channel', 'locale', 'version'],
});

/** One stored template version. */
export type TemplateRow = RowOf<typeof templatesTable>;
