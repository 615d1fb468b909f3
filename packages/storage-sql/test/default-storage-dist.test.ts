import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const packagesDir = join(import.meta.dirname, '..', '..');
const root = mkdtempSync(join(tmpdir(), 'rapport-default-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An app directory outside the workspace with the given @rapport packages installed (linked to the builds). */
function appWith(name: string, packages: readonly string[]): string {
  const app = join(root, name);
  mkdirSync(join(app, 'node_modules', '@rapport'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name, private: true }));
  for (const pkg of packages) symlinkSync(join(packagesDir, pkg), join(app, 'node_modules', '@rapport', pkg), 'dir');
  for (const script of ['default-storage.mjs', 'default-storage.cjs'])
    copyFileSync(join(import.meta.dirname, 'dist-smoke', script), join(app, script));
  return app;
}

function run(app: string, script: string): Record<string, unknown> {
  // No NODE_PATH: pnpm sets one for the test process that would find the package from anywhere.
  const { NODE_PATH: _ignored, ...env } = process.env;
  const output = execFileSync(process.execPath, [join(app, script)], {
    cwd: app,
    encoding: 'utf8',
    env: { ...env, RAPPORT_SQLITE_FILE: join(app, `${script}.db`) },
  });
  return JSON.parse(output) as Record<string, unknown>;
}

// The built packages, as an app gets them from npm. @rapport/core has no dependency on
// @rapport/storage-sql (that would be a cycle), so createCrm() without a storage looks the
// package up from the app's directory. Needs `pnpm build` first (the test script runs it).
describe('createCrm() with no storage, built packages', () => {
  const withStorage = appWith('app-with-storage', ['core', 'storage-sql']);
  const coreOnly = appWith('app-core-only', ['core']);

  for (const script of ['default-storage.mjs', 'default-storage.cjs']) {
    it(`opens embedded SQLite when the app installed @rapport/storage-sql (${script})`, () => {
      expect(run(withStorage, script)).toEqual({ storage: 'sqlite', found: true });
    });

    it(`fails with PLUGIN_DEPENDENCY_MISSING, saying what to install, when it did not (${script})`, () => {
      const result = run(coreOnly, script);
      expect(result.error).toBe('PLUGIN_DEPENDENCY_MISSING');
      expect(result.message).toMatch(/install @rapport\/storage-sql/);
    });
  }
});
