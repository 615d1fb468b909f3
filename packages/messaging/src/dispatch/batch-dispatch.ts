import type { Customer } from '@rapport/core';
import type { BatchJobResult, JobContext, TenantContext } from '@rapport/core/plugin';
import type { GuardVerdict } from '../guards/send-guard.js';
import { announce, type StatusChange } from '../status/status-announcer.js';
import { type MessageRow, messagesTable } from '../tables.js';
import type { DispatchPayload } from './dispatch-job.js';
import type { MessageDispatcher, SentMark } from './message-dispatcher.js';

/** Dispatch jobs claimed together and handed to one batch. */
export const DISPATCH_BATCH_SIZE = 100;
/** Channel sends (and their guards, renders and row updates) under way at once in one batch. */
const SEND_CONCURRENCY = 16;

/**
 * Dispatches a batch of messages: their rows in one query, their customers in one, the guards
 * per group of `SEND_CONCURRENCY` sends as the lanes reach it, each message through the same
 * steps as alone (guards, quiet hours, template, hooks, the channel),
 * a bounded number at once, then the sent ones' conditional moves to `sent` in one transaction,
 * then every status change of the batch in one `recordMany` and its events after it. A
 * message's own failure is its job's result only.
 *
 * Caps count the same as for one message: the dispatch-time count takes in the customer's
 * other queued and sent messages (only the message itself is left out), so two messages of
 * one customer, in one batch or in two workers' batches at once, each see the other. If the
 * batch's timeline write fails, every job of it retries: their rows are already moved on, so
 * a rerun records what is missing (a `sent` row's `sent`) and sends nothing again.
 */
export async function dispatchBatch(
  tenant: TenantContext,
  dispatcher: MessageDispatcher,
  contexts: readonly JobContext[],
): Promise<BatchJobResult[]> {
  const ids = contexts.map((context) => (context.job.payload as DispatchPayload).messageId);
  const rows = new Map<string, MessageRow>();
  const found = await tenant.store.table(messagesTable).find({ where: { id: { in: [...new Set(ids)] } }, limit: 1000 });
  for (const row of found.items) rows.set(row.id, row);
  // Live customers in one read; a merged-away id is left to the dispatcher, which follows the merge.
  const customers = new Map<string, Customer>();
  for (const customer of await tenant.store.customers.getMany([...new Set(found.items.map((row) => row.customerId))]))
    customers.set(customer.id, customer);
  // The guards decide the batch's sends together (one consent read, one suppression read) a
  // lane's worth at a time, as the lanes reach them: decided all at the start, the last sends
  // of a slow batch would go out on verdicts older than an unsubscribe committed meanwhile.
  // If a decision fails, each message of it decides its own and fails alone.
  const now = tenant.clock.now();
  const verdicts = new Map<number, GuardVerdict>();
  const sends = contexts.flatMap((context, index) => {
    const row = rows.get(ids[index] as string) ?? null;
    const send = dispatcher.guardedSend(context, row, row ? customers.get(row.customerId) : undefined, now);
    return send ? [{ index, send }] : [];
  });
  const positions = new Map(sends.map(({ index }, position) => [index, position]));
  const deciding = new Map<number, Promise<void>>();
  const decide = (index: number): Promise<void> | undefined => {
    const position = positions.get(index);
    if (position === undefined) return undefined;
    const part = Math.floor(position / SEND_CONCURRENCY);
    let pending = deciding.get(part);
    if (!pending) {
      const group = sends.slice(part * SEND_CONCURRENCY, (part + 1) * SEND_CONCURRENCY);
      pending = dispatcher.decideSends(group.map(({ send }) => send)).then(
        (decided) => {
          for (const [offset, { index: at }] of group.entries()) verdicts.set(at, decided[offset] as GuardVerdict);
        },
        () => undefined,
      );
      deciding.set(part, pending);
    }
    return pending;
  };
  const changes: StatusChange[] = [];
  const marks: SentMark[] = [];
  const results: BatchJobResult[] = new Array(contexts.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < contexts.length; index = next++) {
      const row = rows.get(ids[index] as string) ?? null;
      try {
        await decide(index);
        results[index] = await dispatcher.dispatch(contexts[index] as JobContext, {
          row,
          customer: row ? customers.get(row.customerId) : undefined,
          changes,
          marks,
          verdict: verdicts.get(index),
        });
      } catch (error) {
        results[index] = { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, contexts.length) }, lane));
  // A failed mark fails only the sent messages' jobs (they send again with the same key); the
  // batch's other outcomes are written already and are told all the same.
  let markFailure: { error: unknown } | null = null;
  try {
    changes.push(...(await dispatcher.markSent(marks)));
  } catch (error) {
    markFailure = { error };
  }
  await announce(tenant.crm, changes);
  if (markFailure) for (const mark of marks) results[ids.indexOf(mark.row.id)] = markFailure;
  return results;
}
