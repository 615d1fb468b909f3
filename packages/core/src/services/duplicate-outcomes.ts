import type { TenantStore } from '../contracts/storage.js';
import { DUPLICATE_FIELDS, type DuplicateField, type DuplicateOutcome, type Interaction } from '../model/interaction.js';
import { sameJson } from '../util/canonical-json.js';

/** An item of a batch that was not stored because its idempotency key was taken. */
export interface DuplicateAttempt {
  index: number;
  /** The interaction as it would have been stored. */
  interaction: Interaction;
  /** Whether the input gave `occurredAt` (else it is the time of recording, not compared). */
  timeGiven: boolean;
}

/**
 * Describes each duplicate of a batch against the interaction that holds its key: its id and
 * customer, and which fields differ (a conflicting duplicate). One read of the duplicate keys
 * only, after the batch committed, so batches without duplicates pay nothing.
 */
export async function describeDuplicates(store: TenantStore, attempts: readonly DuplicateAttempt[]): Promise<DuplicateOutcome[]> {
  if (attempts.length === 0) return [];
  const keys = attempts.map((attempt) => attempt.interaction.idempotencyKey as string);
  const holders = new Map((await store.interactions.findByIdempotencyKeys(keys)).map((found) => [found.idempotencyKey, found]));
  return attempts.map(({ index, interaction, timeGiven }) => {
    const idempotencyKey = interaction.idempotencyKey as string;
    const holder = holders.get(idempotencyKey);
    if (!holder) return { index, status: 'duplicate', idempotencyKey, existing: null, conflict: false, differences: [] };
    const differences = DUPLICATE_FIELDS.filter((field) => (field !== 'occurredAt' || timeGiven) && differs(field, interaction, holder));
    return {
      index,
      status: 'duplicate',
      idempotencyKey,
      existing: { id: holder.id, customerId: holder.customerId },
      conflict: differences.length > 0,
      differences,
    };
  });
}

function differs(field: DuplicateField, attempt: Interaction, holder: Interaction): boolean {
  switch (field) {
    case 'occurredAt':
      return attempt.occurredAt.getTime() !== holder.occurredAt.getTime();
    case 'properties':
      return !sameJson(attempt.properties, holder.properties);
    default:
      return attempt[field] !== holder[field];
  }
}
