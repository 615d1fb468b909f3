import type { Customer } from '../model/customer.js';

/** How erasure treats what it reaches: remove it, or keep the rows without anything personal. */
export type ErasureMode = 'delete' | 'anonymize';

/** What {@link PersonalDataRepository.erase} removed or scrubbed, by kind of record. */
export interface CoreErasureCounts {
  /** Customer records deleted (delete) or stripped of traits and tags (anonymize), merged-away ones included. */
  customers: number;
  identities: number;
  /** Interactions deleted (delete) or scrubbed (anonymize). */
  interactions: number;
  consents: number;
  memberships: number;
}

/** The source an anonymised interaction is given, so a later anonymisation pass skips it. */
export const ANONYMIZED_SOURCE = 'rapport:anonymized';

/**
 * The personal-data operations of one tenant's storage, for `crm.privacy`: what the other
 * repositories do not reach (merged-away records, bulk erasure, retention sweeps). Every
 * method joins the open transaction of the store it came from.
 */
export interface PersonalDataRepository {
  /** Ids of every customer merged into `customerId`, directly or through a chain of merges (not `customerId` itself). */
  mergedAway(customerId: string): Promise<string[]>;
  /** The stored records of merged-away customers among `ids` (their identities moved to the survivor, so empty). */
  mergedRecords(ids: readonly string[]): Promise<Customer[]>;
  /**
   * Erases the core records of the customers `ids` (live and merged-away): `delete` removes
   * the customers, their identities, tags, channels, interactions, consent records and
   * segment memberships; `anonymize` removes identities, tags, consent records and
   * memberships, empties traits, and scrubs each interaction to its channel, type,
   * direction, times and the number at `amountProperty` (source becomes
   * {@link ANONYMIZED_SOURCE}, the idempotency key null), so metrics and aggregates stay.
   */
  erase(ids: readonly string[], mode: ErasureMode, options: { amountProperty: string; now: Date }): Promise<CoreErasureCounts>;
  /**
   * Retention of the interaction log: deletes, or scrubs as {@link PersonalDataRepository.erase}
   * does, at most `limit` interactions that occurred before `before` (anonymize skips those
   * already scrubbed). Returns how many it changed; call again until it returns less than `limit`.
   */
  retainInteractions(before: Date, mode: ErasureMode, options: { amountProperty: string; limit: number }): Promise<number>;
  /**
   * Up to `limit` live customers, by id after `afterId`, last seen before `before` (or never
   * seen and created before it) that still have an identity, i.e. are not anonymous already.
   */
  inactiveCustomers(before: Date, options: { limit: number; afterId?: string | undefined }): Promise<string[]>;
}
