#!/usr/bin/env node
// Checks the packages as npm would ship them: packs every published workspace package with
// `pnpm pack`, runs publint and @arethetypeswrong/cli on each tarball, then installs the
// tarballs into a throwaway app outside the workspace and type-checks it with
// `skipLibCheck: false` under `moduleResolution` nodenext and bundler. A type that a published
// .d.ts imports from an undeclared package fails here (pnpm's strict layout hides it), as it
// would for a user. Needs `pnpm build` first (the `check:packages` script runs it).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
/** A bare specifier npm could resolve: `name`, `@scope/name`, with an optional subpath. */
const PACKAGE_SPECIFIER = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(?:\/[^\s]*)?$/;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const work = mkdtempSync(join(tmpdir(), 'rapport-packages-'));
const keep = process.argv.includes('--keep');

function run(command, args, cwd) {
  console.log(`$ ${command.replace(`${root}/`, '')} ${args.join(' ')}`);
  execFileSync(command, args, { cwd, stdio: 'inherit' });
}

/** Published packages: packages/* whose manifest is not private. */
const packages = readdirSync(join(root, 'packages'))
  .map((name) => ({
    dir: join(root, 'packages', name),
    manifest: JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => manifest.private !== true);

/**
 * Bare imports in a package's built files (code and declarations) that its manifest does not
 * declare as a dependency or peer: each would fail for a user whose package manager does not
 * happen to hoist it.
 */
function undeclaredImports(dir, manifest) {
  const declared = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const found = new Map();
  const dist = join(dir, 'dist');
  for (const file of readdirSync(dist).filter((name) => /\.(c?js|d\.c?ts)$/.test(name))) {
    const text = readFileSync(join(dist, file), 'utf8');
    for (const [, specifier] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
      // Only what can be a package name: strings in the code that merely follow a `from` are not imports.
      if (!PACKAGE_SPECIFIER.test(specifier)) continue;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      if (name.startsWith('node:') || builtinModules.includes(name) || declared.has(name) || declared.has(`@types/${name}`)) continue;
      found.set(name, file);
    }
  }
  return [...found].map(([name, file]) => `${manifest.name} imports "${name}" (dist/${file}) without declaring it`);
}

let failed = false;
for (const { dir, manifest } of packages) {
  for (const problem of undeclaredImports(dir, manifest)) {
    console.error(problem);
    failed = true;
  }
}
try {
  const tarballs = {};
  for (const { dir, manifest } of packages) {
    const before = new Set(readdirSync(work));
    run('pnpm', ['pack', '--pack-destination', work], dir);
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz') && !before.has(file));
    if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for ${manifest.name}`);
    tarballs[manifest.name] = join(work, tarball);
  }

  for (const { manifest } of packages) {
    const tarball = tarballs[manifest.name];
    // A package without a `require` condition is ESM-only on purpose (see its README).
    const esmOnly = !JSON.stringify(manifest.exports).includes('"require"');
    try {
      run(bin('publint'), ['run', tarball, '--strict'], work);
      run(bin('attw'), [tarball, '--no-definitely-typed', '--profile', esmOnly ? 'esm-only' : 'strict'], work);
    } catch {
      failed = true;
    }
  }

  // The consumer app: every @rapport package from its tarball (overrides, so no @rapport name is
  // ever looked up in the registry), everything else from the pnpm store or the registry.
  const app = join(work, 'consumer');
  cpSync(join(root, 'scripts', 'consumer'), app, { recursive: true });
  const manifestPath = join(app, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const files = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  manifest.dependencies = { ...manifest.dependencies, ...files };
  manifest.pnpm = { overrides: files };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  run(
    'pnpm',
    [
      'install',
      '--ignore-workspace',
      '--prefer-offline',
      '--config.auto-install-peers=false',
      '--config.hoist=false',
      '--config.strict-peer-dependencies=false',
    ],
    app,
  );
  for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    try {
      run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', config], app);
    } catch {
      failed = true;
    }
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
if (failed) {
  console.error('\npackage checks failed');
  process.exit(1);
}
console.log('\npackage checks passed');
