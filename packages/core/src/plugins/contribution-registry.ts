import { CoreErrorCode } from '../errors/codes.js';
import { PluginError } from '../errors/error-classes.js';
import type { Contributed, ContributionPoints, ContributionRegistry } from './contributions.js';
import type { RapportPlugin } from './define-plugin.js';

/**
 * The key of a kind whose contributions are not told apart by a `name` (a route, a channel).
 * Every other kind's contributions with a string `name` (commands, profile sections,
 * template variables, privacy data, any kind a package declares) are keyed by that name.
 */
const uniqueKey: { readonly [K in keyof ContributionPoints]?: (value: ContributionPoints[K]) => string } = {
  routes: (route) => `${route.method} ${route.path}`,
  channels: (channel) => channel.id,
};

/** A contribution's unique key within its kind, or undefined when it has none. */
function keyFor(kind: string, value: unknown): string | undefined {
  const declared = uniqueKey[kind as keyof ContributionPoints] as ((value: unknown) => string) | undefined;
  if (declared) return declared(value);
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Collects the plugins' contributions, in plugin order. Two contributions of one kind with the
 * same key (a route, a command, a channel id, a name) fail `createCrm` with
 * `PLUGIN_CONTRIBUTION_CONFLICT` naming both plugins: otherwise one of them would silently
 * go unused, depending on plugin order.
 */
export function collectContributions(plugins: readonly RapportPlugin[]): ContributionRegistry {
  const byKind = new Map<string, Contributed<keyof ContributionPoints>[]>();
  for (const plugin of plugins) {
    for (const [kind, values] of Object.entries(plugin.contributes ?? {})) {
      if (!Array.isArray(values)) {
        throw new PluginError(CoreErrorCode.PluginInvalidOptions, plugin.name, `contributes.${kind} must be an array`, { kind });
      }
      const list = byKind.get(kind) ?? [];
      for (const value of values) {
        const key = keyFor(kind, value);
        const clash = key === undefined ? undefined : list.find((entry) => keyFor(kind, entry.value) === key);
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
