import type { Storage } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { PluginError } from '../errors/error-classes.js';

/** The package that provides the default storage, loaded only when no storage is given. */
const DEFAULT_STORAGE_PACKAGE = '@rapport/storage-sql';

/**
 * The storage `createCrm()` uses when none is given: embedded SQLite from
 * `@rapport/storage-sql` (file `rapport.db`, or `RAPPORT_SQLITE_FILE`). Without that package
 * it fails with a message saying what to install rather than silently keeping data in memory.
 */
export async function resolveDefaultStorage(): Promise<Storage> {
  let module: { sqlite?: (options: { filename: string }) => Storage };
  try {
    module = (await import(/* @vite-ignore */ DEFAULT_STORAGE_PACKAGE)) as typeof module;
  } catch (error) {
    throw new PluginError(
      CoreErrorCode.PluginDependencyMissing,
      '@rapport/core',
      `no storage was given and ${DEFAULT_STORAGE_PACKAGE} is not installed: pass { storage: memoryStorage() } or install ${DEFAULT_STORAGE_PACKAGE}`,
      { dependency: DEFAULT_STORAGE_PACKAGE },
      error,
    );
  }
  if (typeof module.sqlite !== 'function') {
    throw new PluginError(CoreErrorCode.PluginDependencyMissing, '@rapport/core', `${DEFAULT_STORAGE_PACKAGE} does not export sqlite()`);
  }
  return module.sqlite({ filename: process.env.RAPPORT_SQLITE_FILE ?? 'rapport.db' });
}
