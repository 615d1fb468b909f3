import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const smoke = join(import.meta.dirname, 'dist-smoke');
const DRIVERS = ['better-sqlite3', 'pg', 'mysql2'] as const;

type Loaded = { exports?: string[]; loaded?: string[]; error?: string };

/** Imports `entry` in a fresh Node process (ESM), with the given packages unresolvable. */
function importWithout(entry: string, forbidden: readonly string[]): Loaded {
  const output = execFileSync(process.execPath, [join(smoke, 'load-entry.mjs'), entry], {
    cwd: packageDir,
    encoding: 'utf8',
    env: { ...process.env, RAPPORT_FORBID: forbidden.join(',') },
  });
  return JSON.parse(output) as Loaded;
}

/** Requires `entry` in a fresh Node process (CommonJS); reports the packages it loaded. */
function requireEntry(entry: string): Loaded {
  return JSON.parse(
    execFileSync(process.execPath, [join(smoke, 'load-entry.cjs'), entry], { cwd: packageDir, encoding: 'utf8' }),
  ) as Loaded;
}

// The built package, as an app gets it: each driver has its own entry point, and importing one
// never loads another driver's module (a PostgreSQL app never loads native SQLite). Needs
// `pnpm build` first (the test script runs it).
describe('@rapport/storage-sql entry points, built', () => {
  const cases = [
    { entry: '@rapport/storage-sql', exports: 'SqlStorage', uses: [] },
    { entry: '@rapport/storage-sql/sqlite', exports: 'sqlite', uses: ['better-sqlite3'] },
    { entry: '@rapport/storage-sql/postgres', exports: 'postgres', uses: [] },
    { entry: '@rapport/storage-sql/mysql', exports: 'mysql', uses: [] },
  ] as const;

  for (const { entry, exports, uses } of cases) {
    const others = DRIVERS.filter((driver) => !(uses as readonly string[]).includes(driver));

    it(`${entry} imports (ESM) with ${others.join(', ')} unresolvable`, () => {
      const result = importWithout(entry, others);
      expect(result.error).toBeUndefined();
      expect(result.exports).toContain(exports);
    });

    it(`${entry} requires (CJS) without loading ${others.join(', ')}`, () => {
      const result = requireEntry(entry);
      expect(result.exports).toContain(exports);
      expect(result.loaded?.filter((name) => (DRIVERS as readonly string[]).includes(name))).toEqual(uses);
    });
  }

  // The control: the hooks do stop a driver from loading, so the cases above prove something.
  it('the SQLite entry cannot be imported (ESM) when better-sqlite3 is unresolvable', () => {
    expect(importWithout('@rapport/storage-sql/sqlite', ['better-sqlite3']).error).toMatch(/forbidden module loaded: better-sqlite3/);
  });

  // pg and mysql2 are optional peers, loaded when a storage opens: without one, opening fails
  // with a typed error naming the package to install.
  for (const { entry, factory, driver, options } of [
    { entry: '@rapport/storage-sql/postgres', factory: 'postgres', driver: 'pg', options: { connectionString: 'postgres://localhost/x' } },
    { entry: '@rapport/storage-sql/mysql', factory: 'mysql', driver: 'mysql2', options: { uri: 'mysql://root@127.0.0.1/x' } },
  ]) {
    it(`${factory}() without ${driver} installed fails with PLUGIN_DEPENDENCY_MISSING naming it`, () => {
      const output = execFileSync(process.execPath, [join(smoke, 'open-without-driver.mjs'), entry, factory, JSON.stringify(options)], {
        cwd: packageDir,
        encoding: 'utf8',
        env: { ...process.env, RAPPORT_FORBID: driver },
      });
      const error = JSON.parse(output) as Record<string, string>;
      expect(error).toMatchObject({ name: 'PluginError', code: 'PLUGIN_DEPENDENCY_MISSING', dependency: driver });
      expect(error.message).toContain(`npm install ${driver}`);
    });
  }

  it('bundles neither kysely nor zod: both are imported from node_modules', () => {
    const files = readdirSync(join(packageDir, 'dist')).filter((file) => /\.c?js$/.test(file));
    const code = files.map((file) => readFileSync(join(packageDir, 'dist', file), 'utf8')).join('\n');
    expect(code).toMatch(/from ["']kysely["']/);
    expect(code).toMatch(/require\(["']kysely["']\)/);
    expect(code).toMatch(/from ["']zod["']/);
    // Class names only kysely's and zod's own sources define.
    expect(code).not.toMatch(/class (SelectQueryBuilder|DefaultQueryCompiler|ZodError)\b/);
    expect(code.length).toBeLessThan(400_000);
  });
});
