import type { Ticket } from './plugin-tables-fixtures.js';

/** A where on tickets in the suite's own small language, with an independent evaluator. */
export type OracleWhere =
  | { and: OracleWhere[] }
  | { or: OracleWhere[] }
  | {
      column: 'priority' | 'score' | 'subject' | 'openedAt' | 'number' | 'open';
      op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';
      value: unknown;
    }
  | { column: 'priority' | 'subject' | 'number'; op: 'in'; value: unknown[] }
  | { column: 'number' | 'customerId' | 'meta'; op: 'isNull'; value: boolean };

/** The oracle's where as the repository's `TableWhere`. */
export function toTableWhere(where: OracleWhere): Record<string, unknown> {
  if ('and' in where) return { and: where.and.map(toTableWhere) };
  if ('or' in where) return { or: where.or.map(toTableWhere) };
  return { [where.column]: { [where.op]: where.value } };
}

const codePoints = (text: string) => [...text].map((char) => char.codePointAt(0) ?? 0);
function compare(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'string' && typeof b === 'string') {
    const left = codePoints(a);
    const right = codePoints(b);
    for (let i = 0; i < Math.min(left.length, right.length); i++) if (left[i] !== right[i]) return (left[i] ?? 0) - (right[i] ?? 0);
    return left.length - right.length;
  }
  return Number(a) - Number(b);
}

/** Evaluates a where on a ticket as SQL would: a null never compares. */
export function oracleMatches(ticket: Ticket, where: OracleWhere): boolean {
  if ('and' in where) return where.and.every((item) => oracleMatches(ticket, item));
  if ('or' in where) return where.or.some((item) => oracleMatches(ticket, item));
  const value = ticket[where.column as keyof Ticket];
  if (where.op === 'isNull') return (value === null) === where.value;
  if (value === null) return false;
  if (where.op === 'in') return (where.value as unknown[]).some((candidate) => compare(value, candidate) === 0);
  const diff = compare(value, where.value);
  return { eq: diff === 0, neq: diff !== 0, gt: diff > 0, gte: diff >= 0, lt: diff < 0, lte: diff <= 0 }[where.op];
}

/** Sorts tickets by terms, then by id ascending (the key tie-break). */
export function oracleSort(
  tickets: Ticket[],
  order: { column: 'priority' | 'score' | 'subject' | 'openedAt' | 'open'; direction: 'asc' | 'desc' }[],
): Ticket[] {
  return [...tickets].sort((a, b) => {
    for (const term of order) {
      const diff = compare(a[term.column], b[term.column]);
      if (diff !== 0) return term.direction === 'asc' ? diff : -diff;
    }
    return compare(a.id, b.id);
  });
}
