import { CoreErrorCode } from '../errors/codes.js';
import { PluginError } from '../errors/error-classes.js';
import type { RapportPlugin } from './define-plugin.js';

/**
 * Orders plugins so each comes after the plugins it depends on, keeping the given order
 * where dependencies allow. Fails on a duplicate name, a missing dependency or a cycle.
 */
export function orderPlugins(plugins: readonly RapportPlugin[]): RapportPlugin[] {
  const byName = new Map<string, RapportPlugin>();
  for (const plugin of plugins) {
    if (byName.has(plugin.name)) {
      throw new PluginError(CoreErrorCode.PluginDuplicate, plugin.name, 'is registered twice; each plugin may appear once');
    }
    byName.set(plugin.name, plugin);
  }
  for (const plugin of plugins) {
    for (const dependency of plugin.dependsOn ?? []) {
      if (!byName.has(dependency)) {
        throw new PluginError(
          CoreErrorCode.PluginDependencyMissing,
          plugin.name,
          `depends on "${dependency}", which is not in the plugins list`,
          { dependency },
        );
      }
    }
  }
  const ordered: RapportPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (plugin: RapportPlugin, path: string[]): void => {
    const seen = state.get(plugin.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(plugin.name)), plugin.name];
      throw new PluginError(CoreErrorCode.PluginDependencyCycle, plugin.name, `dependency cycle: ${cycle.join(' -> ')}`, {
        cycle,
      });
    }
    state.set(plugin.name, 'visiting');
    for (const dependency of plugin.dependsOn ?? []) visit(byName.get(dependency) as RapportPlugin, [...path, plugin.name]);
    state.set(plugin.name, 'done');
    ordered.push(plugin);
  };
  for (const plugin of plugins) visit(plugin, []);
  return ordered;
}
