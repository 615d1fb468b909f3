import { CoreErrorCode } from '../errors/codes.js';
import { ConflictError } from '../errors/error-classes.js';
import type { Customer } from '../model/customer.js';
import { type Identity, type IdentityType, identityKey } from '../model/identity.js';

/**
 * Identity types that several people may share: a household's landline, a shop's number.
 * A match through them alone is weak evidence of the same person. E-mail addresses and
 * namespaced external ids (a loyalty card, a shop's customer id) are personal.
 */
export const SHARED_IDENTITY_TYPES: ReadonlySet<IdentityType> = new Set<IdentityType>(['phone']);

/**
 * What `upsert` does with a record whose only match is a conflicting one (see
 * {@link ConflictingMatch}): `create` it as its own customer (the default) or `reject` it with
 * a `CUSTOMER_CONFLICTING_MATCH` {@link ConflictError}.
 */
export type ConflictingMatchPolicy = 'create' | 'reject';

/**
 * A customer that `upsert` did not merge the input into: the input matched it only through
 * shared identities (`matched`), while it carries personal identities (`conflicting`) of a
 * type — and, for external ids, a namespace — that the customer already has with another
 * value. The other value itself is not reported.
 */
export interface ConflictingMatch {
  /** The customer the shared identities belong to. */
  customerId: string;
  /** The input's shared identities (phones) that this customer owns. */
  matched: Identity[];
  /** The input's personal identities whose type and namespace the customer holds with another value. */
  conflicting: Identity[];
}

/** Where an upsert lands: an existing customer, or none (create one); and the matches it refused. */
export interface UpsertMatch {
  /** The customer to update, or `undefined` to create one. */
  customerId: string | undefined;
  /** Customers matched only through shared identities that conflict with the input; usually empty. */
  conflicts: ConflictingMatch[];
}

/** True for an identity of a {@link SHARED_IDENTITY_TYPES shared type}. */
export function isSharedIdentity(identity: Identity): boolean {
  return SHARED_IDENTITY_TYPES.has(identity.type);
}

/**
 * The match rule of `upsert`:
 *
 * 1. If a personal identity of the input (e-mail, external id) has an owner, the first such
 *    owner in input order is the customer.
 * 2. Otherwise the owners of its shared identities (phones) are candidates, in input order. A
 *    candidate that already has a personal identity of the same type and namespace as one in
 *    the input, with another value, is a {@link ConflictingMatch} — most likely another member
 *    of the household — and is passed over. The first candidate without a conflict is the
 *    customer.
 * 3. No owner, or only conflicting candidates: a new customer (unless the policy is `reject`).
 *
 * `load` reads the candidates; it is called only in case 2 when the input has a personal
 * identity, so the common upsert reads nothing more.
 */
export async function matchUpsert(
  identities: readonly Identity[],
  owners: readonly { identity: Identity; customerId: string }[],
  load: (ids: string[]) => Promise<Customer[]>,
): Promise<UpsertMatch> {
  const ownerByKey = new Map(owners.map((owner) => [identityKey(owner.identity), owner.customerId]));
  const personal = identities.filter((identity) => !isSharedIdentity(identity));
  const personalOwner = personal.map((identity) => ownerByKey.get(identityKey(identity))).find((id) => id !== undefined);
  if (personalOwner !== undefined) return { customerId: personalOwner, conflicts: [] };
  const candidates = [
    ...new Set(identities.flatMap((identity) => (isSharedIdentity(identity) ? (ownerByKey.get(identityKey(identity)) ?? []) : []))),
  ];
  if (candidates.length === 0 || personal.length === 0) return { customerId: candidates[0], conflicts: [] };
  const byId = new Map((await load(candidates)).map((customer) => [customer.id, customer]));
  const conflicts: ConflictingMatch[] = [];
  for (const candidateId of candidates) {
    const held = new Set((byId.get(candidateId)?.identities ?? []).map(slotOf));
    const conflicting = personal.filter((identity) => held.has(slotOf(identity)));
    if (conflicting.length === 0) return { customerId: candidateId, conflicts };
    const matched = identities.filter((identity) => isSharedIdentity(identity) && ownerByKey.get(identityKey(identity)) === candidateId);
    conflicts.push({ customerId: candidateId, matched, conflicting });
  }
  return { customerId: undefined, conflicts };
}

/** The kind of identity a person has one of: the type, and the namespace of an external id. */
function slotOf(identity: Identity): string {
  return `${identity.type}\u0000${identity.namespace}`;
}

/** The `CUSTOMER_CONFLICTING_MATCH` error of an upsert refused by the `reject` policy; details list the conflicts. */
export function conflictingMatchError(conflicts: ConflictingMatch[]): ConflictError {
  const described = conflicts
    .map(
      (conflict) =>
        `customer "${conflict.customerId}" has this ${conflict.matched.map((identity) => identity.type).join(', ')} but another ${conflict.conflicting.map(describeSlot).join(', ')}`,
    )
    .join('; ');
  return new ConflictError(
    CoreErrorCode.ConflictingMatch,
    `the record matches only through shared identities, and conflicts: ${described}`,
    { conflicts },
  );
}

function describeSlot(identity: Identity): string {
  return identity.type === 'external' ? `${identity.namespace} id` : identity.type;
}
