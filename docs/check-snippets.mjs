// Type-checks the ```ts blocks of README.md and docs/*.md against the workspace packages, so a
// guide cannot drift from the API (run by `pnpm typecheck`). Each block is its own module:
// - ```ts title="name.ts" names the file, so later blocks of the same page can import it;
// - ```ts no-check leaves a fragment out (use it sparingly, for code that cannot stand alone);
// - a block may use `crm`, an existing Crm, without creating it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const docsDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(docsDir);
const outDir = join(docsDir, '.snippets');
const pages = [
  join(root, 'README.md'),
  ...readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(docsDir, name)),
];

rmSync(outDir, { recursive: true, force: true });
/** Snippet file (relative to outDir) → where its first line is in the guides. */
const origins = new Map();
let checked = 0;
for (const page of pages) {
  const text = readFileSync(page, 'utf8');
  const pageDir = basename(page, '.md').toLowerCase();
  let index = 0;
  for (const match of text.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```$/gm)) {
    index++;
    const info = match[1] ?? '';
    if (/\bno-check\b/.test(info)) continue;
    const file = /title="([^"]+\.ts)"/.exec(info)?.[1] ?? `block-${index}.ts`;
    const line = text.slice(0, match.index).split('\n').length + 1;
    mkdirSync(join(outDir, pageDir), { recursive: true });
    writeFileSync(join(outDir, pageDir, file), match[2] ?? '');
    origins.set(`${pageDir}/${file}`, { page: relative(root, page), line });
    checked++;
  }
}
writeFileSync(
  join(outDir, 'globals.d.ts'),
  "import type { Crm } from '@rapport/core';\n\ndeclare global {\n  /** An existing Crm, for blocks that use one without creating it. */\n  const crm: Crm;\n}\n",
);
writeFileSync(
  join(outDir, 'tsconfig.json'),
  JSON.stringify({
    extends: '../../tsconfig.json',
    compilerOptions: { noEmit: true, moduleDetection: 'force', types: ['node'], declaration: false, sourceMap: false },
    include: ['**/*.ts'],
  }),
);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(outDir, 'tsconfig.json'), '--pretty', 'false'], { cwd: outDir, encoding: 'utf8' });
  console.log(`doc snippets: ${checked} blocks type-check`);
} catch (error) {
  // Point each error at the guide's line instead of the generated file.
  const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.replace(/^([^\s(]+\.ts)\((\d+),(\d+)\)/gm, (whole, file, line, column) => {
    const origin = origins.get(file.replaceAll('\\', '/'));
    return origin ? `${origin.page}:${origin.line + Number(line) - 1}:${column}` : whole;
  });
  console.error(output.trim());
  console.error(`doc snippets: type errors in the guides' code (mark a fragment \`\`\`ts no-check to leave it out)`);
  process.exit(1);
}
