import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
// The built package as an app gets it (esbuild output), loaded by plain Node in both module
// systems: the templates render (liquidjs, lru-cache, sms-segments-calculator load) and the
// conversations plugin installs. Needs `pnpm build` first (the root test script runs it).
const body = (load: string) => `
  ${load}
  (async () => {
    const crm = await core.createCrm({ storage: core.memoryStorage(), plugins: [m.messagingTemplates(), m.conversations()] });
    await crm.templates.save({ key: 'hi', channel: 'sms', locale: 'en', text: '您好 {{ name }}' });
    const rendered = await crm.templates.render({ template: 'hi', channel: 'sms', variables: { name: '<Ada>' } });
    const missing = await crm.templates.render({ template: 'hi', channel: 'sms', variables: {} }).catch((error) => error.code);
    const page = await crm.conversations.list('nobody');
    await crm.close();
    console.log(JSON.stringify({ text: rendered.content.text, sms: rendered.sms, missing, conversations: page.items.length }));
  })();`;
const run = (args: string[]) => JSON.parse(execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' }));

describe('built @rapport/messaging: templates and conversations', () => {
  it('renders and installs from ESM and from CommonJS alike', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'])
      expect(existsSync(join(packageDir, 'dist', file)), file).toBe(true);
    const esm = run([
      '--input-type=module',
      '-e',
      body("import 'reflect-metadata'; import * as core from '@rapport/core'; import * as m from '@rapport/messaging';"),
    ]);
    const cjs = run([
      '--input-type=commonjs',
      '-e',
      body("require('reflect-metadata'); const core = require('@rapport/core'); const m = require('@rapport/messaging');"),
    ]);
    expect(esm).toEqual(cjs);
    expect(esm).toEqual({
      text: '您好 <Ada>',
      sms: { encoding: 'UCS-2', segments: 1, characters: 8 },
      missing: 'MESSAGING_TEMPLATE_VARIABLE_MISSING',
      conversations: 0,
    });
  });
});
