import { CoreErrorCode } from '../errors/codes.js';
import { PluginError } from '../errors/error-classes.js';
import type { Contributed, ContributionPoints, ContributionRegistry } from './contributions.js';
import type { RapportPlugin } from './define-plugin.js';

/** A key per contribution kind that must be unique across plugins (a CLI name, a route). */
const uniqueKey: { readonly [K in keyof ContributionPoints]?: (value: ContributionPoints[K]) => string } = {
  routes: (route) => `${route.method} ${route.path}`,
  commands: (command) => command.name,
  channels: (channel) => channel.id,
};

/**
 * Collects the plugins' contributions, in plugin order. Two plugins contributing the same
 * route or command fail `createCrm` with `PLUGIN_CONTRIBUTION_CONFLICT` naming both.
 */
export function collectContributions(plugins: readonly RapportPlugin[]): ContributionRegistry {
  const byKind = new Map<string, Contributed<keyof ContributionPoints>[]>();
  for (const plugin of plugins) {
    for (const [kind, values] of Object.entries(plugin.contributes ?? {})) {
      if (!Array.isArray(values)) {
        throw new PluginError(CoreErrorCode.PluginInvalidOptions, plugin.name, `contributes.${kind} must be an array`, { kind });
      }
      const list = byKind.get(kind) ?? [];
      const keyOf = uniqueKey[kind as keyof ContributionPoints] as ((value: unknown) => string) | undefined;
      for (const value of values) {
        const key = keyOf?.(value);
        const clash = key === undefined ? undefined : list.find((entry) => keyOf?.(entry.value) === key);
        if (clash) {
          throw new PluginError(
            CoreErrorCode.PluginContributionConflict,
            plugin.name,
            `contributes ${kind} "${key}", which "${clash.plugin}" already contributes`,
            { kind, key, other: clash.plugin },
          );
        }
        list.push({ plugin: plugin.name, value: value as never });
      }
      byKind.set(kind, list);
    }
  }
  return { of: (kind) => (byKind.get(kind) ?? []) as never };
}
