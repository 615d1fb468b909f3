import type { ChannelContribution } from '../contracts/channel.js';
import type { Crm } from '../crm/crm.js';

/** A route a plugin serves over HTTP, mounted by the HTTP package under the tenant's base path. */
export interface RouteContribution {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with `:name` parameters, e.g. `/tickets/:id`. */
  readonly path: string;
  /** One line for the API reference. */
  readonly summary: string;
  /** Answers one request for the tenant it was made to; the result is sent as JSON. */
  handle(request: {
    crm: Crm;
    params: Readonly<Record<string, string>>;
    query: Readonly<Record<string, string>>;
    body: unknown;
  }): Promise<unknown>;
}

/** A command a plugin adds to the `rapport` CLI, e.g. `feedback:scores`. */
export interface CommandContribution {
  /** `plugin:verb`, unique across plugins. */
  readonly name: string;
  readonly summary: string;
  /** Runs the command; the returned number is the exit code (default 0). */
  run(context: { crm: Crm; args: readonly string[]; print: (line: string) => void }): Promise<number | undefined>;
}

/**
 * Data a plugin holds about a person outside its declared tables (an external system, a
 * file store), so export and erasure reach it.
 */
export interface PrivacyContribution {
  /** What the data is, e.g. `email-provider suppression list`. */
  readonly name: string;
  /** Everything held about the customer, as JSON. */
  export(context: { crm: Crm; customerId: string }): Promise<unknown>;
  /** Removes (or anonymises) what is held about the customer. */
  erase(context: { crm: Crm; customerId: string; mode: 'delete' | 'anonymize' }): Promise<void>;
}

/**
 * A section a plugin adds to the 360° view when the caller asks for it by name:
 * `crm.profile(id, { include: ['recommendations'] })` puts what `read` returns under
 * `profile.sections.recommendations`.
 */
export interface ProfileSectionContribution {
  /** The name callers pass in `include`, unique across plugins. */
  readonly name: string;
  /** The section for the customer (the survivor when the asked-for id was merged away). */
  read(context: { crm: Crm; customerId: string }): Promise<unknown>;
}

/**
 * The kinds of things plugins contribute, by kind. A package that consumes a new kind adds it
 * by declaration merging, so plugins contributing it are type-checked:
 *
 * ```ts no-check
 * declare module '@rapport/core' {
 *   interface ContributionPoints { dashboards: DashboardPanel }
 * }
 * ```
 */
export interface ContributionPoints {
  routes: RouteContribution;
  commands: CommandContribution;
  privacy: PrivacyContribution;
  channels: ChannelContribution;
  profileSections: ProfileSectionContribution;
}

/** What one plugin contributes: lists by kind. */
export type Contributions = { readonly [K in keyof ContributionPoints]?: readonly ContributionPoints[K][] };

/** One contribution with the plugin it came from. */
export interface Contributed<K extends keyof ContributionPoints> {
  readonly plugin: string;
  readonly value: ContributionPoints[K];
}

/** Every installed plugin's contributions, by kind, in plugin dependency order. */
export interface ContributionRegistry {
  /** The contributions of one kind (empty when no plugin contributes it). */
  of<K extends keyof ContributionPoints>(kind: K): readonly Contributed<K>[];
}
