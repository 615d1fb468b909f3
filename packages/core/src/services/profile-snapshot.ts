import type { ProfileRequest, ProfileSnapshot } from '../contracts/profile-reader.js';
import type { TenantStore } from '../contracts/storage.js';

/**
 * Reads a {@link ProfileSnapshot} through the store's {@link ProfileReader} where it has one,
 * and otherwise from its repositories, all reads at once.
 */
export function readProfileSnapshot(store: TenantStore, customerId: string, request: ProfileRequest): Promise<ProfileSnapshot | null> {
  return store.profiles ? store.profiles.read(customerId, request) : composeProfileSnapshot(store, customerId, request);
}

/** The snapshot as the repositories give it: the reference a {@link ProfileReader} must match. */
export async function composeProfileSnapshot(
  store: TenantStore,
  customerId: string,
  request: ProfileRequest,
): Promise<ProfileSnapshot | null> {
  const [customer, timeline, consentHistory, memberships, matches] = await Promise.all([
    store.customers.get(customerId),
    request.timelineLimit > 0 ? store.interactions.timeline(customerId, { limit: request.timelineLimit }) : { items: [] },
    store.consents.history(customerId),
    store.segments.membershipsOf(customerId),
    Promise.all(request.segments.map((segment) => store.segments.matches(customerId, segment.condition, request.now))),
  ]);
  if (!customer) return null;
  return { customer, timeline: timeline.items, consentHistory, memberships, matches };
}
