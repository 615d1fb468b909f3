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
    const crm = await core.createCrm({ storage: core.memoryStorage(), plugins: [m.sms({ provider: { kind: 'twilio', accountSid: 'AC' + '0'.repeat(32), authToken: 'x'.repeat(32) }, from: '+14155550100' })] });
    const channel = crm.smsChannel;
    const out = { id: channel.id, addresses: channel.addresses, contributed: crm.contributions.of('channels').map((c) => c.value.id), extra: m.countSegments('您好').encoding };
    await crm.close();
    console.log(JSON.stringify(out));
  })();`;
const run = (args: string[]) => JSON.parse(execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' }));

describe('built @rapport/channel-sms', () => {
  it('has ESM, CJS and type declarations', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'])
      expect(existsSync(join(packageDir, 'dist', file)), file).toBe(true);
  });

  it('installs from ESM and from CommonJS alike', () => {
    const esm = run([
      '--input-type=module',
      '-e',
      body("import 'reflect-metadata'; import * as core from '@rapport/core'; import * as m from '@rapport/channel-sms';"),
    ]);
    const cjs = run([
      '--input-type=commonjs',
      '-e',
      body("require('reflect-metadata'); const core = require('@rapport/core'); const m = require('@rapport/channel-sms');"),
    ]);
    expect(esm).toEqual(cjs);
    expect(esm.contributed).toEqual([esm.id]);
    expect(esm.extra).toBeTruthy();
  });
});
