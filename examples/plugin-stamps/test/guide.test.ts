import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const guide = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'plugins.md'), 'utf8');
const block = (title: string) => new RegExp(`^\`\`\`ts title="${title}"[^\\n]*\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(guide)?.[1]?.trim();

describe('the plugin guide (docs/plugins.md)', () => {
  it('shows the stamps plugin verbatim', () => {
    expect(block('stamps-plugin.ts')).toBe(readFileSync(join(import.meta.dirname, '..', 'src', 'stamps-plugin.ts'), 'utf8').trim());
  });
});
