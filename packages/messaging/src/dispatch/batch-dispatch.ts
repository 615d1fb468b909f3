import type { Customer } from '@rapport/core';
import type { BatchJobResult, JobContext, TenantContext } from '@rapport/core/plugin';
import type { GuardVerdict, SendCheck } from '../guards/send-guard.js';
import { announce, type StatusChange } from '../status/status-announcer.js';
import { type MessageRow, messagesTable } from '../tables.js';
import type { DispatchPayload } from './dispatch-job.js';
import type { MessageDispatcher, SentMark } from './message-dispatcher.js';

/** Dispatch jobs claimed together and handed to one batch. */
export const DISPATCH_BATCH_SIZE = 100;
/** Channel sends (and their renders and row updates) under way at once in one batch. */
const SEND_CONCURRENCY = 16;
/**
 * The oldest guard verdict a batch sends on, in milliseconds: past it, the sends not yet
 * under way are decided again, so a withdrawal committed by another process blocks every
 * send that starts this long after it. One committed through this Crm (its
 * `consent.changed` or `customer.erased` event) makes every verdict stale at once. A fast
 * channel's whole batch goes out on one decision; a slow one's is decided about once a round.
 */
export const VERDICT_MAX_AGE_MS = 50;

/** A verdict, when its decision started (`performance.now()`) and the change count then. */
interface Decided {
  readonly verdict: GuardVerdict;
  readonly at: number;
  readonly generation: number;
}
/** A decision that failed: its sends decide alone. */
const FAILED = Symbol('failed');

/**
 * The guards' verdicts for a batch's sends, decided for every send not yet under way at once
 * and again when the one a lane reaches is too old. Lanes take sends in order, so a send at
 * or after the one a lane reaches is not under way yet.
 */
class FreshVerdicts {
  private readonly positions: Map<number, number>;
  private readonly decided = new Map<number, Decided | typeof FAILED>();
  private pending: Promise<void> | null = null;
  /** Bumped by every consent change or erasure of the tenant this process commits. */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly sends: readonly { index: number; send: SendCheck }[],
    private readonly decide: (sends: SendCheck[]) => Promise<GuardVerdict[]>,
    private readonly tenant: Pick<TenantContext, 'events' | 'tenantId' | 'clock'>,
  ) {
    this.positions = new Map(sends.map(({ index }, position) => [index, position]));
    const stale = ({ tenantId }: { tenantId: string }) => {
      if (tenantId === tenant.tenantId) this.generation++;
    };
    const offs = [tenant.events.on('consent.changed', stale), tenant.events.on('customer.erased', stale)];
    this.unsubscribe = () => {
      for (const off of offs) off();
    };
  }

  /** Stops listening for changes; call when the batch is done. */
  close(): void {
    this.unsubscribe();
  }

  /**
   * The verdict for the job at `index`, read after every change committed before the lane
   * reached it in this process, and at most `VERDICT_MAX_AGE_MS` before; undefined: it decides
   * alone (it stops before the guards, or a decision failed).
   */
  async for(index: number): Promise<GuardVerdict | undefined> {
    const position = this.positions.get(index);
    if (position === undefined) return undefined;
    const reachedAt = performance.now();
    const reached = this.generation;
    for (;;) {
      const known = this.decided.get(position);
      if (known === FAILED) return undefined;
      // Decided after the lane reached the send, or before it with nothing changed since and
      // recently enough: at most two decisions per send, however busy the consent ledger is.
      if (known && (known.at >= reachedAt || (known.generation === reached && reachedAt - known.at <= VERDICT_MAX_AGE_MS)))
        return known.verdict;
      if (this.pending) {
        await this.pending;
        continue;
      }
      this.pending = this.decideFrom(position);
      await this.pending;
    }
  }

  /** Decides every send from `from` on (none of them is under way yet). */
  private async decideFrom(from: number): Promise<void> {
    const at = performance.now();
    const generation = this.generation;
    const group = this.sends.slice(from);
    try {
      // As of now: a consent decision leaves out records that occur after its `at`, so a
      // verdict as of the batch's start would never see a withdrawal made since.
      const asOf = this.tenant.clock.now();
      const verdicts = await this.decide(group.map(({ send }) => ({ ...send, at: asOf })));
      for (const [offset, verdict] of verdicts.entries()) this.decided.set(from + offset, { verdict, at, generation });
    } catch {
      // Each of them decides alone, per message, from now on.
      for (const offset of group.keys()) this.decided.set(from + offset, FAILED);
    } finally {
      this.pending = null;
    }
  }
}

/**
 * Dispatches a batch of messages: their rows in one query, their customers in one, the guards
 * for every send at once (again for the rest when verdicts grow older than
 * `VERDICT_MAX_AGE_MS`), each message through the same
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
  // The guards decide the batch's sends together (one consent read, one suppression read):
  // every send not yet under way at once, again whenever a lane reaches a send whose verdict
  // is older than `VERDICT_MAX_AGE_MS`. Decided once at the start, the last sends of a slow
  // batch would go out on verdicts older than an unsubscribe committed meanwhile. If a
  // decision fails, each message of it decides its own and fails alone.
  const now = tenant.clock.now();
  const sends = contexts.flatMap((context, index) => {
    const row = rows.get(ids[index] as string) ?? null;
    const send = dispatcher.guardedSend(context, row, row ? customers.get(row.customerId) : undefined, now);
    return send ? [{ index, send }] : [];
  });
  const verdicts = new FreshVerdicts(sends, (group) => dispatcher.decideSends(group), tenant);
  const changes: StatusChange[] = [];
  const marks: SentMark[] = [];
  const results: BatchJobResult[] = new Array(contexts.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < contexts.length; index = next++) {
      const row = rows.get(ids[index] as string) ?? null;
      try {
        results[index] = await dispatcher.dispatch(contexts[index] as JobContext, {
          row,
          customer: row ? customers.get(row.customerId) : undefined,
          changes,
          marks,
          verdict: await verdicts.for(index),
        });
      } catch (error) {
        results[index] = { error };
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, contexts.length) }, lane));
  } finally {
    verdicts.close();
  }
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
