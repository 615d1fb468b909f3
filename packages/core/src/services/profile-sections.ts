import type { Crm } from '../crm/crm.js';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';
import type { ContributionRegistry } from '../plugins/contributions.js';
import type { CustomerProfile } from './profile-service.js';

/** Options of `crm.profile`. */
export interface ProfileOptions {
  /** Most recent interactions to include (0..1000). @default 20 */
  timelineLimit?: number;
  /**
   * Sections plugins contribute to add to the view (`['recommendations']`), read on request
   * only, since each costs the plugin a read. An unknown name is a validation error.
   */
  include?: readonly string[];
}

/**
 * Adds the requested plugin sections (`profileSections` contributions) to a profile, read at
 * once for the customer the view is of (the survivor when the id was merged away).
 */
export async function withProfileSections<P extends CustomerProfile<unknown, unknown>>(
  profile: P,
  include: readonly string[] | undefined,
  registry: ContributionRegistry,
  crm: Crm,
): Promise<P> {
  if (include === undefined || include.length === 0) return profile;
  const available = new Map(registry.of('profileSections').map(({ value }) => [value.name, value]));
  const sections = include.map((name, index) => {
    const section = available.get(name);
    if (!section) {
      const known = [...available.keys()].join(', ') || 'none installed';
      throw new ValidationError(CoreErrorCode.InvalidInput, [
        { path: ['options', 'include', index], message: `unknown profile section "${name}" (known: ${known})` },
      ]);
    }
    return section;
  });
  const values = await Promise.all(sections.map((section) => section.read({ crm, customerId: profile.customer.id })));
  return { ...profile, sections: Object.fromEntries(sections.map((section, index) => [section.name, values[index]])) };
}
