import type { Predicate } from '@rapport/core/storage';

/** One value a predicate binds: its column and the value, in the order `compilePredicate` binds them. */
export interface PredicateSlot {
  readonly column: string;
  readonly value: unknown;
}

/**
 * A predicate's structure without its values (the same string for `status in (a, b) and
 * job = x` whatever a, b and x are), and its values in binding order. Conditions of one shape
 * compile to one SQL expression whose values a statement can take per row, from arrays.
 */
export function predicateShape(predicate: Predicate): { shape: string; slots: PredicateSlot[] } {
  const slots: PredicateSlot[] = [];
  const walk = (node: Predicate): string => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return `${node.kind}(${node.items.map(walk).join(',')})`;
      case 'null':
        return `${node.isNull ? 'null' : 'notnull'}(${JSON.stringify(node.column)})`;
      case 'in':
        for (const value of node.values) slots.push({ column: node.column, value });
        return `in(${JSON.stringify(node.column)},${node.values.length})`;
      case 'compare':
        slots.push({ column: node.column, value: node.value });
        return `${node.op}(${JSON.stringify(node.column)})`;
    }
  };
  const shape = walk(predicate);
  return { shape, slots };
}

/** How many values a predicate binds: what a statement holding it pays in parameters. */
export function predicateValueCount(predicate: Predicate): number {
  switch (predicate.kind) {
    case 'and':
    case 'or':
      return predicate.items.reduce((sum, item) => sum + predicateValueCount(item), 0);
    case 'null':
      return 0;
    case 'in':
      return predicate.values.length;
    case 'compare':
      return 1;
  }
}
