import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const run = (script: string) =>
  JSON.parse(execFileSync(process.execPath, [join(packageDir, 'test', 'dist-smoke', script)], { cwd: packageDir, encoding: 'utf8' }));

// 60 minutes on Friday 16:00–17:00 GMT, then Monday 30 March 09:00 BST (08:00Z) + 60.
const expected = { pluginNps: 100, nps: expect.closeTo(100 / 3, 10), due: '2026-03-30T09:00:00.000Z', customer: 'c1' };

// The built package as an app gets it from npm, loaded by plain Node in both module systems,
// with Luxon, jose and the stdlib quantile resolved as real dependencies. Needs `pnpm build` first.
describe('built @rapport/feedback', () => {
  it('has ESM, CJS and type declarations', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'])
      expect(existsSync(join(packageDir, 'dist', file)), file).toBe(true);
  });

  it('works from ESM (import)', () => {
    expect(run('smoke.mjs')).toEqual(expected);
  });

  it('works from CommonJS (require)', () => {
    expect(run('smoke.cjs')).toEqual(expected);
  });
});
