import type { TenantStore } from '@rapport/core/plugin';
import { responsesTable as responses } from '../tables.js';
import type { Answer } from './validate-answers.js';

/** The answers with every free-text value blanked: scores and choices stay, so series and reports keep them. */
export function withoutFreeText(answers: readonly Answer[]): Answer[] {
  return answers.filter((answer) => answer.kind !== 'text');
}

/**
 * Anonymises the free text of responses — one response, or all of a customer's — keeping the
 * scores and choices, and marks them `anonymisedAt`. Returns how many changed.
 */
export async function anonymiseResponses(store: TenantStore, filter: { id: string } | { customerId: string }, now: Date): Promise<number> {
  let changed = 0;
  let cursor: string | undefined;
  do {
    const page = await store
      .table(responses)
      .find({ where: { ...filter, anonymisedAt: null }, orderBy: [{ column: 'answeredAt' }], limit: 500, ...(cursor ? { cursor } : {}) });
    for (const row of page.items) {
      const { applied } = await store
        .table(responses)
        .update({ id: row.id }, { answers: withoutFreeText(row.answers), anonymisedAt: now }, { where: { anonymisedAt: null } });
      if (applied) changed++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return changed;
}
