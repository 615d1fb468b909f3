import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { type Expression, sql } from 'kysely';

/**
 * Appended to a query that runs often with the same text (the 360° profile): on PostgreSQL
 * it then runs as a named prepared statement, parsed once per connection, and after a few
 * runs planned once too — planning a query of many subqueries costs more than running it.
 * Queries marked so must name their columns (no `select *`), so a later added column does
 * not invalidate a cached plan.
 */
export const PREPARE_HINT = '/* rapport:prepare */';

/** The hint as a kysely expression, for `modifyEnd`. */
export const prepareHint: Expression<unknown> = sql.raw(PREPARE_HINT);

/** Statements one connection keeps prepared at most; queries beyond that run unnamed. */
const MAX_PER_CONNECTION = 64;
/** Statement names remembered by text, so hashing happens once per distinct query. */
const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `rapport_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    if (names.size >= 1024) names.clear();
    names.set(text, name);
  }
  return name;
}

/** What a pg client is, as far as naming statements goes. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
  query(text: unknown, values?: readonly unknown[]): unknown;
  release(destroy?: boolean): void;
}

/**
 * Wraps a pg pool for kysely so that queries ending in {@link PREPARE_HINT} run as named
 * prepared statements; everything else passes through unchanged.
 */
export function preparingPool(pool: { connect(): Promise<unknown>; end(): Promise<void> }): PostgresPool {
  // One wrapper per pg client, so kysely keeps recognising the connection it already set up.
  const wrappers = new WeakMap<PgClient, PostgresPoolClient>();
  return {
    end: () => pool.end(),
    connect: async () => {
      const client = (await pool.connect()) as PgClient;
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrapClient(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
  };
}

function wrapClient(client: PgClient): PostgresPoolClient {
  const prepared = new Set<string>();
  const wrapper = {
    query: (text: unknown, values?: readonly unknown[]) => {
      if (typeof text === 'string' && text.endsWith(PREPARE_HINT)) {
        const name = statementName(text);
        if (prepared.has(name) || prepared.size < MAX_PER_CONNECTION) {
          prepared.add(name);
          return client.query({ name, text, values: [...(values ?? [])] });
        }
      }
      return client.query(text, values);
    },
    release: (destroy?: boolean) => client.release(destroy),
  };
  return wrapper as unknown as PostgresPoolClient;
}
