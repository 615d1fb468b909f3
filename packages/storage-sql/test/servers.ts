import { randomBytes } from 'node:crypto';
import mysql2 from 'mysql2/promise';
import pg from 'pg';

/** Local defaults match the machine's servers; CI and developers override them. */
export const PG_URL = process.env.RAPPORT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_URL = process.env.RAPPORT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const HOW_TO_START = {
  postgres: 'start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set RAPPORT_PG_URL)',
  mysql: 'start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd (or set RAPPORT_MYSQL_URL)',
};

/** A throwaway database for one test file, so files can run in parallel. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Whether a target is selected by `RAPPORT_DIALECTS` (all when unset). */
export function selected(target: 'sqlite' | 'postgres' | 'mysql'): boolean {
  const filter = process.env.RAPPORT_DIALECTS;
  return (
    !filter ||
    filter
      .split(',')
      .map((name) => name.trim())
      .includes(target)
  );
}

/**
 * Creates a database on the server, or explains why it cannot. Under CI=true a missing
 * server is an error, never a skip.
 */
export async function createTestDatabase(target: 'postgres' | 'mysql'): Promise<TestDatabase | { skip: string }> {
  const name = `rapport_test_${randomBytes(5).toString('hex')}`;
  try {
    return target === 'postgres' ? await createPostgres(name) : await createMysql(name);
  } catch (error) {
    const reason = `${target} at ${target === 'postgres' ? PG_URL : MYSQL_URL} is not reachable (${(error as Error).message}); ${HOW_TO_START[target]}`;
    if (process.env.CI === 'true') throw new Error(`CI needs ${reason}`);
    console.warn(`[rapport] skipping ${target} tests: ${reason}`);
    return { skip: reason };
  }
}

async function createPostgres(name: string): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

async function createMysql(name: string): Promise<TestDatabase> {
  const admin = await mysql2.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
  await admin.query(`create database ${name} character set utf8mb4`);
  await admin.end();
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const connection = await mysql2.createConnection({ uri: MYSQL_URL });
      await connection.query(`drop database if exists ${name}`);
      await connection.end();
    },
  };
}
