import type { Options } from 'tsup';

/** The build every published package uses: ESM + CJS + type declarations for Node 20. */
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
};
