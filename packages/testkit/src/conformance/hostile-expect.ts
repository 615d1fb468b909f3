import { type Crm, createCrm, isRapportError, type RapportError } from '@rapport/core';
import { registeredErrorCode } from '@rapport/core/plugin';
import { expect } from 'vitest';
import { FakeClock } from '../fake-clock.js';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';

/** A Crm over the storage under test, for a fresh tenant (the storage is not closed). */
export async function hostileCrm(ctx: ConformanceContext): Promise<Crm> {
  return createCrm({ storage: ctx.storage(), tenant: uniqueId('hostile'), clock: new FakeClock('2026-06-01T00:00:00Z') });
}

/** What a tenant holds, to show that a rejected write wrote nothing. */
export interface TenantTotals {
  customers: number;
  interactions: number;
  purchases: number;
  totalSpend: number;
}

/** Counts live customers and what their metrics say (a page of up to 1,000). */
export async function tenantTotals(crm: Crm): Promise<TenantTotals> {
  const totals: TenantTotals = { customers: 0, interactions: 0, purchases: 0, totalSpend: 0 };
  let cursor: string | undefined;
  do {
    const page = await crm.customers.list({ limit: 1000, cursor });
    for (const customer of page.items) {
      totals.customers++;
      totals.interactions += customer.metrics.interactionCount;
      totals.purchases += customer.metrics.purchaseCount;
      totals.totalSpend += customer.metrics.totalSpend;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return totals;
}

/**
 * The error of a call that must fail as invalid input, with an issue whose path starts
 * with `path` (e.g. `['traits', 'name']`) and an optional code.
 */
export async function expectInvalid(
  call: Promise<unknown> | (() => unknown),
  path: (string | number)[],
  code?: string,
): Promise<RapportError> {
  const error = await (async () => (typeof call === 'function' ? call() : call))().then(
    (value) => {
      throw new Error(`expected a validation error at ${path.join('.')}, got ${safeString(value)}`);
    },
    (caught: unknown) => caught,
  );
  expectInvalidError(error, path, code);
  return error as RapportError;
}

/** Asserts `error` is a typed `invalid_input` error with an issue at `path` (a prefix). */
export function expectInvalidError(error: unknown, path: (string | number)[], code?: string): void {
  expect(isRapportError(error), `not a RapportError: ${safeString(error)}`).toBe(true);
  const typed = error as RapportError;
  expect(typed.kind, typed.message).toBe('invalid_input');
  // Every code raised must be declared in a package's error-code map, with the kind raised.
  expect(registeredErrorCode(typed.code), `code ${typed.code} is not registered`).toMatchObject({ kind: typed.kind });
  if (code) expect(typed.code, typed.message).toBe(code);
  const issues = (typed.details as { issues?: { path: (string | number)[]; message: string }[] }).issues ?? [];
  const matches = issues.some((issue) => path.every((segment, index) => issue.path[index] === segment) && issue.message.length > 0);
  expect(matches, `no issue at ${path.join('.')}: ${typed.message}`).toBe(true);
}

/** A short description of any value, for assertion messages (BigInt and symbols included). */
export function safeString(value: unknown): string {
  try {
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    const text = JSON.stringify(value, (_, item) => (typeof item === 'bigint' ? `${item}n` : item));
    return (text ?? String(value)).slice(0, 300);
  } catch {
    return String(value).slice(0, 300);
  }
}

/** `{ a: { a: … leaf } }`, `levels` objects deep (built without recursion). */
export function nested(levels: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let level = 1; level < levels; level++) value = { a: value };
  return { a: value };
}
