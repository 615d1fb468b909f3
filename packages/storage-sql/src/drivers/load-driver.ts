import { CoreErrorCode, PluginError } from '@rapport/core/plugin';

/**
 * Loads an optional peer driver (`pg`, `mysql2`) when a storage opens, not when its entry point
 * is imported, failing with what to install when it is missing.
 */
export async function loadDriver<T>(name: string, plugin: string): Promise<T> {
  try {
    const module = (await import(name)) as T & { default?: T };
    return (module.default ?? module) as T;
  } catch (error) {
    throw new PluginError(
      CoreErrorCode.PluginDependencyMissing,
      plugin,
      `needs the "${name}" package for this database: npm install ${name}`,
      { dependency: name },
      error,
    );
  }
}
