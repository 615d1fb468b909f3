import type { Storage } from '@rapport/core';
import type { TenantStore } from '@rapport/core/plugin';
import { uniqueId } from '../fixtures/builders.js';

/** Makes the storage under test. Called once per suite; the suite migrates and closes it. */
export type StorageFactory = () => Storage | Promise<Storage>;

/** What each conformance suite gets: the storage and fresh, isolated tenants. */
export interface ConformanceContext {
  /** The name of the storage under test, used in test names. */
  readonly name: string;
  storage(): Storage;
  /** A tenant no other test uses, so tests can share one database. */
  freshTenant(): TenantStore;
}

/** Builds a context over a lazily created storage. */
export function makeContext(name: string, current: () => Storage): ConformanceContext {
  return {
    name,
    storage: current,
    freshTenant: () => current().forTenant(uniqueId('t')),
  };
}

/** Reads every page of a paginated call. */
export async function allPages<T>(fetch: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await fetch(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}
