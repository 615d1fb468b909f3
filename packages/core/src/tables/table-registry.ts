import { RapportError } from '../errors/rapport-error.js';
import type { AnyTableDeclaration } from './define-table.js';
import type { TableBinding } from './table-binding.js';
import { TableErrorCode } from './table-error-codes.js';

/**
 * The tables a storage was migrated with, found by declaration. The declaration object a
 * plugin passed is found directly; an equal declaration made again (a plugin factory called
 * twice) is found by its name and shape, as long as that names one table.
 */
export class TableRegistry {
  private readonly byDeclaration = new WeakMap<object, TableBinding>();
  private readonly byPhysicalName = new Map<string, TableBinding>();

  /** Adds bindings; a later binding of a physical name replaces the earlier one. */
  add(bindings: readonly TableBinding[]): void {
    for (const binding of bindings) {
      this.byDeclaration.set(binding.declaration, binding);
      this.byPhysicalName.set(binding.physicalName, binding);
    }
  }

  /** The binding of `declaration`, or a `TABLE_NOT_REGISTERED` error. */
  resolve(declaration: AnyTableDeclaration): TableBinding {
    const direct = typeof declaration === 'object' && declaration !== null ? this.byDeclaration.get(declaration) : undefined;
    if (direct && this.byPhysicalName.get(direct.physicalName) === direct) return direct;
    const name = (declaration as { name?: unknown } | null)?.name;
    const shape = JSON.stringify(declaration?.columns ? Object.keys(declaration.columns).sort() : null);
    const candidates = [...this.byPhysicalName.values()].filter(
      (binding) => binding.declaration.name === name && JSON.stringify(Object.keys(binding.specs).sort()) === shape,
    );
    if (candidates.length === 1 && candidates[0]) return candidates[0];
    throw new RapportError({
      code: TableErrorCode.NotRegistered,
      kind: 'invalid_input',
      message: `table "${String(name)}" is not declared to this storage: list it in a plugin's \`tables\` (createCrm migrates them)${candidates.length > 1 ? '; several plugins declare a table of that name, so pass the very declaration object' : ''}`,
      details: { table: String(name) },
    });
  }

  /** Every registered table. */
  all(): TableBinding[] {
    return [...this.byPhysicalName.values()];
  }
}
