import { column, defineTable, type RowOf } from '@rapport/core/plugin';
import { bindPluginTables, type TableBinding } from '@rapport/core/storage';

/** The plugin name the conformance tables are declared under. */
export const TABLES_PLUGIN = '@rapport/conformance-tables';

/** A table with a column of every kind, a unique column, an index and a version. */
export const ticketsTable = defineTable('tickets', {
  columns: {
    id: column.text({ maxLength: 64 }),
    customerId: column.text({ maxLength: 64 }).customerRef().nullable(),
    subject: column.text({ maxLength: 2000 }).personal(),
    priority: column.integer(),
    score: column.number(),
    open: column.boolean(),
    openedAt: column.timestamp(),
    number: column.integer().nullable(),
    meta: column.json<unknown>().nullable(),
    version: column.integer().default(1),
  },
  primaryKey: ['id'],
  unique: [['number']],
  indexes: [['customerId', 'openedAt'], ['priority']],
  version: 'version',
});

/** A table with a two-column key and defaults. */
export const countersTable = defineTable('counters', {
  columns: {
    scope: column.text({ maxLength: 40 }),
    name: column.text({ maxLength: 40 }),
    value: column.integer().default(0),
    label: column.text().default('none'),
    version: column.integer().default(1),
  },
  primaryKey: ['scope', 'name'],
  version: 'version',
});

/** A ticket row. */
export type Ticket = RowOf<typeof ticketsTable>;

/** The bindings the suite migrates the storage with. */
export function conformanceTableBindings(): TableBinding[] {
  return bindPluginTables(TABLES_PLUGIN, [ticketsTable, countersTable]);
}

const T0 = Date.UTC(2026, 0, 1);
let serial = 0;

/** A complete ticket; override what matters. */
export function aTicket(overrides: Partial<Ticket> = {}): Ticket {
  serial++;
  return {
    id: `tk-${serial.toString(36).padStart(6, '0')}`,
    customerId: null,
    subject: 'Printer on fire',
    priority: 2,
    score: 0.5,
    open: true,
    openedAt: new Date(T0 + serial * 1000),
    number: null,
    meta: null,
    version: 1,
    ...overrides,
  };
}
