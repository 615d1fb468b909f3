import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
// The built package as an app gets it (esbuild output, no decorator metadata), loaded by plain
// Node in both module systems, resolving itself and @rapport/core through their exports maps.
// Needs `pnpm build` first (the test script runs it).
const body = (load: string) => `
  ${load}
  (async () => {
    const crm = await core.createCrm({ storage: core.memoryStorage(), plugins: [m.webhook({ url: 'https://bridge.example/in', secrets: ['whsec_' + Buffer.from('x'.repeat(24)).toString('base64')] })] });
    const channel = crm.webhookChannel;
    const out = { id: channel.id, addresses: channel.addresses, contributed: crm.contributions.of('channels').map((c) => c.value.id), extra: m.signEvent(['whsec_' + Buffer.from('x'.repeat(24)).toString('base64')], 'id-1', new Date(0), '{}')['webhook-signature'].startsWith('v1,') };
    await crm.close();
    console.log(JSON.stringify(out));
  })();`;
const run = (args: string[]) => JSON.parse(execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' }));

describe('built @rapport/channel-webhook', () => {
  it('has ESM, CJS and type declarations', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'])
      expect(existsSync(join(packageDir, 'dist', file)), file).toBe(true);
  });

  it('installs from ESM and from CommonJS alike', () => {
    const esm = run([
      '--input-type=module',
      '-e',
      body("import 'reflect-metadata'; import * as core from '@rapport/core'; import * as m from '@rapport/channel-webhook';"),
    ]);
    const cjs = run([
      '--input-type=commonjs',
      '-e',
      body("require('reflect-metadata'); const core = require('@rapport/core'); const m = require('@rapport/channel-webhook');"),
    ]);
    expect(esm).toEqual(cjs);
    expect(esm.contributed).toEqual([esm.id]);
    expect(esm.extra).toBeTruthy();
  });
});
