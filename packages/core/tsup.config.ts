import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// jose 6 is ESM-only; bundling it keeps the CJS build loadable on every Node 20 the package
// supports (require(esm) arrived in 20.19). Only its HS256 JWS code is pulled in.
export default defineConfig({ ...packageBuild, noExternal: ['jose'] });
