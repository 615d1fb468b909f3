import type { Customer } from '../model/customer.js';

/**
 * How traits are chosen when two customers merge:
 * - `survivor` (default): the survivor's values win; the merged record fills the gaps.
 * - `newest`: the record updated most recently wins; the other fills the gaps.
 * - a function: return the traits yourself.
 */
export type TraitSurvivorship<TTraits = Record<string, unknown>> =
  | 'survivor'
  | 'newest'
  | ((survivor: Customer<TTraits>, merged: Customer<TTraits>) => TTraits);

/** Applies a survivorship rule to two customers' traits. */
export function mergeTraitsBySurvivorship<TTraits>(
  survivor: Customer<TTraits>,
  merged: Customer<TTraits>,
  rule: TraitSurvivorship<TTraits>,
): TTraits {
  if (typeof rule === 'function') return rule(survivor, merged);
  const survivorWins = rule === 'survivor' || survivor.updatedAt.getTime() >= merged.updatedAt.getTime();
  const [winner, other] = survivorWins ? [survivor, merged] : [merged, survivor];
  return { ...(other.traits as object), ...stripEmpty(winner.traits as Record<string, unknown>) } as TTraits;
}

function stripEmpty(traits: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(traits).filter(([, value]) => value !== undefined && value !== null && value !== ''));
}
