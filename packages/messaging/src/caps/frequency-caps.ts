import type { TableRepository } from '@rapport/core/plugin';
import type { FrequencyCap } from '../options.js';
import { COUNTED_STATUSES } from '../status/message-status.js';
import type { messagesTable } from '../tables.js';

const DAY_MS = 86_400_000;

/** The message a cap is checked for. */
export interface CappedSend {
  readonly customerId: string;
  readonly purpose: string;
  readonly channel: string;
  /** When it goes out (after quiet hours). */
  readonly due: Date;
  /** The message itself, when it is already stored (a re-check at dispatch). */
  readonly excludeId?: string | undefined;
}

/**
 * The reason the first cap that `send` would break, or null when every cap holds. A cap
 * counts the customer's messages of its purposes (and channels) due less than its window
 * before or after this one: if every window holding this send held at most `max`, so does
 * the count, so a cap is never exceeded. Callers hold the customer's lock while they check
 * and insert, so concurrent sends count each other.
 */
export async function capReason(
  messages: TableRepository<typeof messagesTable>,
  caps: readonly FrequencyCap[],
  send: CappedSend,
): Promise<string | null> {
  for (const cap of caps) {
    if (!cap.purposes.includes(send.purpose)) continue;
    if (cap.channels && !cap.channels.includes(send.channel)) continue;
    const window = cap.withinDays * DAY_MS;
    const count = await messages.count({
      customerId: send.customerId,
      purpose: { in: cap.purposes },
      ...(cap.channels ? { channel: { in: cap.channels } } : {}),
      status: { in: [...COUNTED_STATUSES] },
      sendAt: { gt: new Date(send.due.getTime() - window), lt: new Date(send.due.getTime() + window) },
      ...(send.excludeId ? { id: { neq: send.excludeId } } : {}),
    });
    if (count >= cap.max) {
      const where = cap.channels ? cap.channels.join('/') : 'every channel';
      return `cap: at most ${cap.max} ${cap.purposes.join('/')} message(s) in ${cap.withinDays} day(s) on ${where}; ${count} already`;
    }
  }
  return null;
}
