import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
/** The built CommonJS (or ESM) code: entry files and the chunks they share. */
const builtCode = (extension: 'cjs' | 'js') =>
  readdirSync(join(packageDir, 'dist'))
    .filter((file) => file.endsWith(`.${extension}`))
    .map((file) => readFileSync(join(packageDir, 'dist', file), 'utf8'))
    .join('\n');
const run = (script: string) =>
  JSON.parse(execFileSync(process.execPath, [join(packageDir, 'test', 'dist-smoke', script)], { cwd: packageDir, encoding: 'utf8' }));

// The built package, as an app gets it from npm: esbuild-compiled (no decorator metadata),
// loaded by plain Node in both module systems. Needs `pnpm build` first (the test script runs it).
describe('built @rapport/core', () => {
  it('has ESM, CJS and type declarations', () => {
    for (const entry of ['index', 'plugin', 'storage'])
      for (const file of [`${entry}.js`, `${entry}.cjs`, `${entry}.d.ts`, `${entry}.d.cts`])
        expect(existsSync(join(packageDir, 'dist', file)), file).toBe(true);
  });

  it('requires jose (ESM-only) from its CommonJS build, so it asks for a Node that can require ESM (20.19+)', () => {
    // jose is a dependency, not bundled; the CommonJS smoke test below confirms a token through it.
    expect(builtCode('cjs')).toMatch(/require\(['"]jose['"]\)/);
    expect(JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).engines.node).toBe('>=20.19');
  });

  it('creates a Crm from ESM (import)', () => {
    expect(run('smoke.mjs')).toEqual({ email: 'esm@example.com', spend: 7, timeline: 1, consent: true });
  });

  it('creates a Crm from CommonJS (require)', () => {
    expect(run('smoke.cjs')).toEqual({ email: 'cjs@example.com', spend: 7, timeline: 1, consent: true });
  });

  // Subpaths share code with the root through common chunks, in both module systems: a class
  // reached from two entry points is one class, so `instanceof` and class-valued DI tokens
  // (JobRegistry, SegmentCatalog) work whichever entry a plugin imported them from.
  for (const script of ['entries.mjs', 'entries.cjs']) {
    it(`gives one class per symbol across @rapport/core, /plugin and /storage (${script})`, () => {
      expect(run(script)).toEqual({ sameEventBus: true, samePluginError: true, sameTenantStoreToken: true, sameValidationError: true });
    });

    it(`keeps author-only exports out of the root entry (${script})`, () => {
      const { rootHas } = run(script.replace('entries', 'root-surface'));
      expect(rootHas).toEqual({ createCrm: true, memoryStorage: true, definePlugin: false, TENANT_STORE: false, encodeCursor: false });
    });
  }
});
