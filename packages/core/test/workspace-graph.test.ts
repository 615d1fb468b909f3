import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

type Manifest = { name: string } & Partial<Record<(typeof FIELDS)[number], Record<string, string>>>;

/** Every workspace package (pnpm-workspace.yaml: packages/*, examples/*, bench, docs). */
function workspaceManifests(): Manifest[] {
  const dirs = ['packages', 'examples'].flatMap((parent) => readdirSync(join(root, parent)).map((name) => join(root, parent, name)));
  return [...dirs, join(root, 'bench'), join(root, 'docs')]
    .map((dir) => join(dir, 'package.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Manifest);
}

/** The first dependency cycle among workspace packages, as a path, or null. */
function findCycle(manifests: Manifest[]): string[] | null {
  const names = new Set(manifests.map((manifest) => manifest.name));
  const edges = new Map(
    manifests.map((manifest) => [
      manifest.name,
      [...new Set(FIELDS.flatMap((field) => Object.keys(manifest[field] ?? {})))].filter((dep) => names.has(dep)),
    ]),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): string[] | null => {
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    if (state.get(name) === 'done') return null;
    state.set(name, 'visiting');
    for (const dep of edges.get(name) ?? []) {
      const cycle = visit(dep, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return null;
  };
  for (const name of names) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return null;
}

// ARCHITECTURE: no package depends on another in a cycle (pnpm install warns of one, and it
// orders builds arbitrarily). Dev and peer dependencies count, as they do for pnpm.
describe('workspace packages', () => {
  it('depend on each other without a cycle', () => {
    expect(findCycle(workspaceManifests())?.join(' -> ') ?? 'no cycle').toBe('no cycle');
  });

  it('finds a cycle when there is one', () => {
    const cycle = findCycle([
      { name: 'a', peerDependencies: { b: '*' } },
      { name: 'b', devDependencies: { a: '*' } },
    ]);
    expect(cycle).toEqual(['a', 'b', 'a']);
  });
});
