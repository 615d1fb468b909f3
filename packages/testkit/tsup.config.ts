import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// ESM only: the kit imports vitest, which cannot be require()d, so a CommonJS build could only
// throw. Its users are test files run by vitest, which load ESM.
export default defineConfig(packageBuild(['index'], ['esm']));
