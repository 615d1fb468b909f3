import { memoryStorage, type Storage } from '@rapport/core';
import { afterAll, beforeAll } from 'vitest';
import { dialectTargets } from './dialect-targets.js';

/** A storage a describe block opens fresh, and how its throwaway database is dropped afterwards. */
export interface FreshStorage {
  readonly name: string;
  fresh(): Promise<{ open(): Promise<Storage>; cleanup(): Promise<unknown> }>;
}

/** Memory and every dialect this machine reaches (SQLite always; PostgreSQL and MariaDB when up, or under CI). */
export async function freshStorages(): Promise<FreshStorage[]> {
  return [
    { name: 'memory', fresh: async () => ({ open: async () => memoryStorage() as Storage, cleanup: async () => undefined }) },
    ...(await dialectTargets()).map((target) => ({ name: target.name, fresh: () => target.fresh() })),
  ];
}

/** Opens `target` before the block's tests and closes and drops it after them; returns the block's storage. */
export function useFreshStorage(target: FreshStorage): () => Storage {
  let database: Awaited<ReturnType<FreshStorage['fresh']>> | undefined;
  let storage: Storage | undefined;
  beforeAll(async () => {
    database = await target.fresh();
    storage = await database.open();
  });
  afterAll(async () => {
    await storage?.close();
    await database?.cleanup();
  });
  return () => {
    if (!storage) throw new Error(`${target.name}: the storage is not open yet`);
    return storage;
  };
}
