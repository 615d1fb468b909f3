import type { Options } from 'tsup';

/**
 * The build every published package uses: ESM + CJS (unless `formats` says ESM only) + type
 * declarations for Node 20, one output file per entry point (`src/index.ts`, plus
 * `src/<subpath>.ts` for each subpath in the package's exports map).
 *
 * - `skipNodeModulesBundle`: nothing from node_modules is bundled, declared or not (kysely and
 *   zod once were, as devDependencies): a package's imports must be its dependencies or peers,
 *   which `pnpm check:packages` verifies on the tarballs.
 * - `splitting` in both formats: code shared by two entry points sits in one chunk, so a class
 *   reached through `@rapport/core` and `@rapport/core/plugin` is the same class (tsup splits
 *   only ESM by default, which would give CommonJS users two `EventBus`es).
 */
export function packageBuild(entries: readonly string[] = ['index'], formats: Options['format'] = ['esm', 'cjs']): Options {
  return {
    entry: Object.fromEntries(entries.map((name) => [name, `src/${name}.ts`])),
    format: formats,
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    skipNodeModulesBundle: true,
    splitting: true,
  };
}
