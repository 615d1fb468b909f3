import {
  type ConsentRecord,
  type Customer,
  decideConsent,
  isRapportError,
  NotFoundError,
  RapportError,
  ValidationError,
} from '@rapport/core';
import { CoreErrorCode, type TenantContext, type TenantStore, toValidationIssues } from '@rapport/core/plugin';
import { capReason } from '../caps/frequency-caps.js';
import { DISPATCH_JOB } from '../dispatch/dispatch-job.js';
import { installedModules } from '../dispatch/installed-modules.js';
import { MessagingErrorCode } from '../error-codes.js';
import type { ResolvedMessagingOptions } from '../options.js';
import { customerTimeZone, nextAllowedTime } from '../quiet-hours/quiet-hours.js';
import type { ChannelDirectory } from '../routing/channel-directory.js';
import { routeMessage } from '../routing/route-message.js';
import { announce, type StatusChange } from '../status/status-announcer.js';
import { type MessageRow, messagesTable } from '../tables.js';
import { type ParsedSend, type SendInput, SendInputSchema } from './send-input.js';
import type { SendManyOutcome, SendOutcome } from './send-outcome.js';

/** Most sends one `sendMany` call takes. */
export const MAX_SEND_BATCH = 10_000;
/** Sends written per transaction by `sendMany` without `in`. */
const CHUNK = 500;

/** Options of `send` and `sendMany`. */
export interface SendOptions {
  /**
   * A transaction of the caller's: the message and its dispatch job commit with its other
   * writes, or neither exists (the transactional outbox). The `message.queued` timeline
   * entry and event then come from the dispatch job, after the commit.
   */
  readonly in?: TenantStore | undefined;
}

/** Records messages and queues their dispatch: validation, routing, caps and quiet hours, under the customer's lock. */
export class MessageSender {
  constructor(
    private readonly tenant: TenantContext,
    private readonly options: ResolvedMessagingOptions,
    private readonly channels: ChannelDirectory,
  ) {}

  /** Queues many sends: one outcome per input, in order; a rejected one is reported and the others kept. */
  sendMany(inputs: readonly SendInput[], options: SendOptions = {}): Promise<SendManyOutcome[]> {
    return this.run(inputs, options, true);
  }

  /** Queues one send; a refusal throws its typed error. */
  async send(input: SendInput, options: SendOptions = {}): Promise<SendOutcome> {
    const [outcome] = await this.run([input], options, false);
    if (outcome?.outcome !== 'queued') throw (outcome as { error: RapportError }).error;
    const { index: _index, outcome: _outcome, ...result } = outcome;
    return result;
  }

  private async run(inputs: readonly SendInput[], options: SendOptions, indexed: boolean): Promise<SendManyOutcome[]> {
    if (!Array.isArray(inputs) || inputs.length > MAX_SEND_BATCH) {
      throw new ValidationError(MessagingErrorCode.InvalidInput, [
        { path: ['inputs'], message: `must be an array of at most ${MAX_SEND_BATCH.toLocaleString('en')} sends` },
      ]);
    }
    const outcomes: SendManyOutcome[] = [];
    if (options.in) {
      outcomes.push(...(await this.queueAll(options.in, inputs, 0, true, indexed)).outcomes);
      return outcomes;
    }
    for (let start = 0; start < inputs.length; start += CHUNK) {
      const { outcomes: chunk, changes } = await this.tenant.store.transaction((tx) =>
        this.queueAll(tx, inputs.slice(start, start + CHUNK), start, false, indexed),
      );
      outcomes.push(...chunk);
      // Told after the commit: a rolled-back send was never queued.
      await announce(this.tenant.crm, changes);
    }
    return outcomes;
  }

  /** `announceLater`: the caller's transaction commits after this returns, so the dispatch job announces `message.queued`. */
  private async queueAll(tx: TenantStore, inputs: readonly SendInput[], offset: number, announceLater: boolean, indexed: boolean) {
    const outcomes: SendManyOutcome[] = [];
    const changes: StatusChange[] = [];
    for (const [position, input] of inputs.entries()) {
      const index = offset + position;
      try {
        const { result, row } = await this.queue(tx, this.parse(input, indexed ? [index] : []), announceLater);
        outcomes.push({ index, outcome: 'queued', ...result });
        if (row) changes.push({ row, status: row.status === 'deferred' ? 'deferred' : 'queued', at: row.createdAt });
      } catch (error) {
        if (!isRapportError(error)) throw error;
        outcomes.push({ index, outcome: 'rejected', error });
      }
    }
    return { outcomes, changes };
  }

  private parse(input: SendInput, prefix: (string | number)[]): ParsedSend {
    const parsed = SendInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new ValidationError(
        MessagingErrorCode.InvalidInput,
        toValidationIssues(parsed.error).map((issue) => ({ ...issue, path: [...prefix, ...issue.path] })),
      );
    }
    const send = parsed.data;
    if (!this.options.purposes.includes(send.purpose)) {
      throw new ValidationError(MessagingErrorCode.UnknownPurpose, [
        { path: [...prefix, 'purpose'], message: `"${send.purpose}" is not a configured purpose (${this.options.purposes.join(', ')})` },
      ]);
    }
    if (send.channel !== undefined && !this.channels.get(send.channel)) {
      throw new ValidationError(MessagingErrorCode.UnknownChannel, [
        {
          path: [...prefix, 'channel'],
          message: `no installed channel is "${send.channel}" (${[...this.channels.all().keys()].join(', ') || 'none installed'})`,
        },
      ]);
    }
    if (send.template && !this.options.renderer && !installedModules(this.tenant.crm).templates) {
      throw new ValidationError(MessagingErrorCode.NoRenderer, [
        {
          path: [...prefix, 'template'],
          message: 'no renderer is configured: install messagingTemplates() or pass messaging({ renderer })',
        },
      ]);
    }
    return send;
  }

  /** Queues one send inside `tx`, the customer locked; returns the stored row for the announcement (none for an existing one). */
  private async queue(tx: TenantStore, send: ParsedSend, announceLater: boolean): Promise<{ result: SendOutcome; row: MessageRow | null }> {
    const messages = tx.table(messagesTable);
    const customer = await lockCustomer(tx, send.customerId);
    // Looked up under the customer's lock, so two sends of one key to one customer cannot both miss it.
    if (send.idempotencyKey !== undefined) {
      const existing = await messages.find({ where: { idempotencyKey: send.idempotencyKey }, limit: 1 });
      const first = existing.items[0];
      if (first) return { result: { ...resultOf(first), existing: true }, row: null };
    }
    const transactional = send.transactional ?? send.purpose === 'transactional';
    const now = this.tenant.clock.now();
    let history: ConsentRecord[] | undefined;
    const route = await routeMessage({
      customer,
      purpose: send.purpose,
      transactional,
      explicit: send.channel,
      order: this.options.channels ?? [...this.channels.all().keys()],
      preferred: customer.traits[this.options.preferredChannelTrait],
      channel: (id) => this.channels.get(id),
      consent: async (channel) => {
        // Read through the transaction: a read beside it would wait on its lock (SQLite, memory).
        history ??= await tx.consents.history(customer.id, { purpose: send.purpose });
        const decision = decideConsent(history, { purpose: send.purpose, channel, at: now }, this.tenant.config.consent.rules);
        return decision.allowed ? null : `no consent (${decision.reason})`;
      },
    });
    const wanted = send.sendAt && send.sendAt > now ? send.sendAt : now;
    const quiet = this.options.quietHours;
    const due =
      quiet && (!transactional || quiet.transactional)
        ? nextAllowedTime(wanted, customerTimeZone(customer.traits[this.options.timezoneTrait], this.options.defaultTimezone), quiet)
        : wanted;
    const capped = await capReason(messages, this.options.caps, {
      customerId: customer.id,
      purpose: send.purpose,
      channel: route.channel,
      due,
    });
    if (capped) {
      throw new RapportError({
        code: MessagingErrorCode.Capped,
        kind: 'forbidden',
        message: `not sending to customer "${customer.id}" — ${capped}`,
        details: { customerId: customer.id, purpose: send.purpose, field: 'purpose', reasons: [capped] },
      });
    }
    const id = this.tenant.ids.next();
    const { job } = await this.tenant.jobs.enqueue(
      {
        type: DISPATCH_JOB,
        payload: { messageId: id, announce: announceLater },
        runAt: due,
        idempotencyKey: `messaging:${id}`,
        maxAttempts: this.options.maxAttempts,
      },
      { in: tx },
    );
    const deferred = due.getTime() > wanted.getTime();
    const row: MessageRow = {
      id,
      customerId: customer.id,
      channel: route.channel,
      purpose: send.purpose,
      transactional,
      status: deferred ? 'deferred' : 'queued',
      recipient: route.address,
      content: send.content ?? null,
      templateKey: send.template?.key ?? null,
      templateVersion: null,
      templateLocale: null,
      variables: send.template?.variables ?? null,
      conversationId: send.conversationId ?? null,
      idempotencyKey: send.idempotencyKey ?? null,
      routing: [...route.reasons, ...(deferred ? [`deferred out of quiet hours to ${due.toISOString()}`] : [])],
      attempts: 0,
      providerMessageId: null,
      jobId: job.id,
      reason: deferred ? 'quiet hours' : null,
      error: null,
      sendAt: due,
      sentAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await messages.insert(row);
    return { result: resultOf(row), row };
  }
}

function resultOf(row: MessageRow): SendOutcome {
  return {
    messageId: row.id,
    status: row.status as SendOutcome['status'],
    existing: false,
    channel: row.channel,
    reasons: row.routing,
    sendAt: row.sendAt,
  };
}

/** Locks the customer's row for the rest of `tx`, so concurrent sends to them count each other's messages against the caps. */
async function lockCustomer(tx: TenantStore, id: string): Promise<Customer> {
  const live = await tx.customers.lockLive([id]);
  const customer = live.has(id) ? await tx.customers.get(id) : null;
  if (!customer) throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', id);
  return customer;
}
