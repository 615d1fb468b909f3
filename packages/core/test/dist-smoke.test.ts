import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const run = (script: string) =>
  JSON.parse(execFileSync(process.execPath, [join(packageDir, 'test', 'dist-smoke', script)], { cwd: packageDir, encoding: 'utf8' }));

// The built package, as an app gets it from npm: esbuild-compiled (no decorator metadata),
// loaded by plain Node in both module systems. Needs `pnpm build` first (the test script runs it).
describe('built @rapport/core', () => {
  it('has ESM, CJS and type declarations', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'])
      expect(existsSync(join(packageDir, 'dist', file)), file).toBe(true);
  });

  it('bundles jose (ESM-only) so require() works on every supported Node 20', () => {
    for (const file of ['index.js', 'index.cjs'])
      expect(readFileSync(join(packageDir, 'dist', file), 'utf8')).not.toMatch(/require\("jose"\)|from "jose"/);
  });

  it('creates a Crm from ESM (import)', () => {
    expect(run('smoke.mjs')).toEqual({ email: 'esm@example.com', spend: 7, timeline: 1, consent: true });
  });

  it('creates a Crm from CommonJS (require)', () => {
    expect(run('smoke.cjs')).toEqual({ email: 'cjs@example.com', spend: 7, timeline: 1, consent: true });
  });
});
