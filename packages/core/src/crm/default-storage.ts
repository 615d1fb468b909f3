import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Storage } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { PluginError } from '../errors/error-classes.js';

/** The package that provides the default storage, loaded only when no storage is given. */
const DEFAULT_STORAGE_PACKAGE = '@rapport/storage-sql';
/** Its SQLite entry point: the package root loads no driver (each driver has its own entry). */
const SQLITE_SUBPATH = './sqlite';
const DEFAULT_STORAGE_ENTRY = `${DEFAULT_STORAGE_PACKAGE}/sqlite`;

type DefaultStorageModule = { sqlite?: (options: { filename: string }) => Storage };

/**
 * The storage `createCrm()` uses when none is given: embedded SQLite from
 * `@rapport/storage-sql/sqlite` (file `rapport.db`, or `RAPPORT_SQLITE_FILE`). Without that package
 * it fails with a message saying what to install rather than silently keeping data in memory.
 *
 * Core does not depend on `@rapport/storage-sql` (which depends on core), so the package is
 * looked up where the app installed it: first from core's own location (npm's and pnpm's
 * usual layouts, bundlers), then from the app's directory (`process.cwd()`), which finds it
 * when core sits in a store outside the app's `node_modules`.
 */
export async function resolveDefaultStorage(): Promise<Storage> {
  const module = await loadDefaultStoragePackage();
  if (typeof module.sqlite !== 'function') {
    throw new PluginError(CoreErrorCode.PluginDependencyMissing, '@rapport/core', `${DEFAULT_STORAGE_ENTRY} does not export sqlite()`);
  }
  return module.sqlite({ filename: process.env.RAPPORT_SQLITE_FILE ?? 'rapport.db' });
}

async function loadDefaultStoragePackage(): Promise<DefaultStorageModule> {
  let notFound: unknown;
  try {
    return (await import(/* @vite-ignore */ DEFAULT_STORAGE_ENTRY)) as DefaultStorageModule;
  } catch (error) {
    if (!isModuleNotFound(error)) throw missing(error);
    notFound = error;
  }
  const entry = entryFromAppDirectory(process.cwd());
  if (entry === undefined) throw missing(notFound);
  try {
    return (await import(/* @vite-ignore */ COMMONJS ? entry : pathToFileURL(entry).href)) as DefaultStorageModule;
  } catch (error) {
    throw missing(error);
  }
}

/**
 * Whether this is core's CommonJS build, where `__filename` exists and tsup compiles `import()`
 * to `require()` (which takes a path, not a file URL, and must get the CommonJS file).
 */
const COMMONJS = typeof __filename === 'string';

/** The file of the default storage's SQLite entry, in this build's module system, as installed for the app in `directory`, if it is. */
function entryFromAppDirectory(directory: string): string | undefined {
  const appRequire = createRequire(join(directory, 'package.json'));
  let manifestPath: string;
  try {
    if (COMMONJS) return appRequire.resolve(DEFAULT_STORAGE_ENTRY);
    manifestPath = appRequire.resolve(`${DEFAULT_STORAGE_PACKAGE}/package.json`);
  } catch {
    return undefined;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports?: Record<string, { import?: { default?: string } } | undefined>;
  };
  const relative = manifest.exports?.[SQLITE_SUBPATH]?.import?.default;
  return relative === undefined ? undefined : join(dirname(manifestPath), relative);
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (module|package)/i.test(String(error));
}

function missing(cause: unknown): PluginError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new PluginError(
    CoreErrorCode.PluginDependencyMissing,
    '@rapport/core',
    `no storage was given and ${DEFAULT_STORAGE_PACKAGE} could not be loaded (${reason}): pass { storage: memoryStorage() } or install ${DEFAULT_STORAGE_PACKAGE}`,
    { dependency: DEFAULT_STORAGE_PACKAGE },
    cause,
  );
}
