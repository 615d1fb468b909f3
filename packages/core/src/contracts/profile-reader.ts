import type { ConsentRecord } from '../model/consent.js';
import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';
import type { SegmentCondition } from '../model/segment-definition.js';

/** What the 360° view reads for one customer. */
export interface ProfileRequest {
  /** Most recent interactions to include, newest first (0 for none). */
  readonly timelineLimit: number;
  /** Segments to test the customer against, in the order their answers come back. */
  readonly segments: readonly { readonly key: string; readonly condition: SegmentCondition }[];
  /** The evaluation time for relative times and windows in the conditions. */
  readonly now: Date;
}

/** Everything the 360° view is built from, as stored. */
export interface ProfileSnapshot {
  customer: Customer;
  /** Newest first, at most `timelineLimit`. */
  timeline: Interaction[];
  /** The full consent ledger of the customer, oldest first (as `ConsentRepository.history`). */
  consentHistory: ConsentRecord[];
  /** Stored memberships as of the last refresh, by segment key. */
  memberships: { segmentKey: string; enteredAt: Date }[];
  /** For each requested segment, in order: whether the customer matches it now. */
  matches: boolean[];
}

/**
 * An optional storage fast path: reads a whole {@link ProfileSnapshot} in a few prepared
 * statements instead of one read per repository. A storage without it gets the same result
 * from its repositories; the conformance suite checks that both agree.
 */
export interface ProfileReader {
  /** The snapshot of a live customer, or null when `customerId` is unknown or merged away. */
  read(customerId: string, request: ProfileRequest): Promise<ProfileSnapshot | null>;
}
