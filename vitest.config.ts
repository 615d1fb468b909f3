import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources through the `source` export condition, so no
// build is needed first; `packages/core/test/dist-smoke.test.ts` checks the built output.
export default defineConfig({
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    // Core does not depend on storage-sql (that would be a cycle); an app has both installed, so
    // core finds it from where it is. Here core's source sees the workspace package the same way.
    // packages/storage-sql/test/default-storage-dist.test.ts checks the lookup itself, on the build.
    alias: [
      {
        find: /^@rapport\/storage-sql\/sqlite$/,
        replacement: fileURLToPath(new URL('./packages/storage-sql/src/sqlite.ts', import.meta.url)),
      },
    ],
  },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // Type tests (`*.test-d.ts`, `expectTypeOf`) are checked by tsc over the whole workspace,
    // so a misspelt error code or event name fails `vitest run`, not only `pnpm typecheck`.
    typecheck: { enabled: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.check.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Under CI a JSON report is written too, so .ci/run can print the plain pass/fail count.
    reporters: process.env.CI === 'true' ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
