/**
 * The physical name of a plugin table: `pt_<plugin>__<table>`, where `<plugin>` is the plugin's
 * name lower-cased with every run of other characters than a-z and 0-9 turned into one `_`
 * (`@rapport/feedback` → `rapport_feedback`, so its `tickets` table is
 * `pt_rapport_feedback__tickets`). The `pt_` prefix keeps plugin tables apart from core's
 * `rapport_*` tables, and the double underscore (which neither part can contain) keeps
 * `a` + `b_c` apart from `a_b` + `c`. Plugins whose names reduce to the same text cannot both
 * declare a table of one name: `createCrm` refuses the second.
 */
export function physicalTableName(plugin: string, table: string): string {
  return `pt_${pluginSlug(plugin)}__${table}`;
}

/** The plugin part of {@link physicalTableName}. */
export function pluginSlug(plugin: string): string {
  return plugin
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The physical name of a column: its camelCase name in snake_case (`customerId` → `customer_id`). */
export function physicalColumnName(column: string): string {
  return column.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The column that scopes every plugin table row to its tenant. */
export const TENANT_COLUMN = 'tenant_id';
