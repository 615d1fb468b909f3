import { type Crm, type Customer, isRapportError, RapportError } from '@rapport/core';
import {
  HOOK_RUNNER,
  type JobContext,
  type JobResult,
  type OutboundMessage,
  type SendResult,
  type TenantContext,
} from '@rapport/core/plugin';
import type { MessageContent } from '../content/message-content.js';
import { MessagingErrorCode } from '../error-codes.js';
import { type GuardVerdict, runGuards, runGuardsMany, type SendCheck, type SendGuard } from '../guards/send-guard.js';
import type { ResolvedMessagingOptions } from '../options.js';
import { customerTimeZone, nextAllowedTime } from '../quiet-hours/quiet-hours.js';
import type { ChannelDirectory } from '../routing/channel-directory.js';
import { SENT_STATUSES, WAITING_STATUSES } from '../status/message-status.js';
import { announce, type StatusChange } from '../status/status-announcer.js';
import { type MessageFailure, type MessageRow, messagesTable } from '../tables.js';
import { providedVariables } from '../templates/template-variables.js';
import { signUnsubscribeToken, unsubscribeLink } from '../unsubscribe/unsubscribe-token.js';
import { DISPATCH_JOB, type DispatchPayload } from './dispatch-job.js';
import { installedModules } from './installed-modules.js';
import { outboundMessage, validateHookChange } from './outbound-message.js';

type Patch = Partial<Omit<MessageRow, 'id'>>;

/**
 * What a batch read ahead for one message: its row (null: gone), its customer where the batch
 * read it (absent: read it here, following merges), and where to put the status changes so
 * the batch tells the timeline in one `recordMany` after its messages are done.
 */
export interface Prefetched {
  readonly row: MessageRow | null;
  readonly customer?: Customer | undefined;
  readonly changes: StatusChange[];
  /**
   * Where a sent message's move to `sent` goes when the batch writes them together, in one
   * transaction after its sends; absent: written here at once.
   */
  readonly marks?: SentMark[];
  /** The guards' verdict, when the batch decided its sends together (see {@link MessageDispatcher.guardedSend}). */
  readonly verdict?: GuardVerdict | undefined;
}

/** A sent message's conditional move to `sent`, left for its batch to write. */
export interface SentMark {
  readonly row: MessageRow;
  readonly patch: Patch;
  readonly at: Date;
}

/**
 * Sends one queued message, at dispatch time: quiet hours again, the send guards (consent,
 * caps, suppression), the template, the `message.beforeSend` hooks, then the channel with
 * the message id as idempotency key. The row moves out of `queued` only by a conditional
 * update, so a job run twice (a worker killed after the provider call) sends again with the
 * same key and records one `sent`.
 */
export class MessageDispatcher {
  constructor(
    private readonly tenant: TenantContext,
    private readonly options: ResolvedMessagingOptions,
    private readonly channels: ChannelDirectory,
    private readonly guards: readonly SendGuard[],
  ) {}

  private get crm(): Crm {
    return this.tenant.crm;
  }

  private get rows() {
    return this.tenant.store.table(messagesTable);
  }

  /**
   * Sends the message of one dispatch job. With `prefetched` (a batch), the row and customer
   * come from it and the status changes are left in `prefetched.changes` for the batch to tell.
   */
  async dispatch(context: JobContext, prefetched?: Prefetched): Promise<JobResult> {
    const { messageId, announce: announceQueued } = context.job.payload as DispatchPayload;
    const tell = (changes: StatusChange[]): Promise<unknown> =>
      prefetched ? Promise.resolve(prefetched.changes.push(...changes)) : announce(this.crm, changes);
    const row = prefetched ? prefetched.row : await this.rows.get({ id: messageId });
    if (!row) return undefined;
    if (announceQueued) await tell([{ row, status: 'queued', at: row.createdAt }]);
    if (!WAITING_STATUSES.includes(row.status as never)) {
      // Marked sent before the job's success was written (a crash): make sure the timeline has it.
      if (SENT_STATUSES.includes(row.status as never) && row.sentAt) {
        await tell([{ row, status: 'sent', at: row.sentAt }]);
        await this.joinConversation(row, row.content ?? {}, row.providerMessageId ?? undefined);
      }
      return undefined;
    }
    // A deferral or a replay moved the message to another job; this one is stale.
    if (row.jobId !== context.job.id) return undefined;
    const now = this.tenant.clock.now();
    const customer =
      prefetched?.customer ??
      (await this.crm.customers.get(row.customerId).catch((error: unknown) => {
        if (isRapportError(error, 'CUSTOMER_NOT_FOUND')) return null;
        throw error;
      }));
    const finish = (status: StatusChange['status'], at: Date, patch: Patch) => this.finish(row, status, at, patch, tell);
    if (!customer) return finish('blocked', now, { reason: 'the customer no longer exists (erased)' });
    const deferredTo = this.quietHoursEnd(row, customer, now);
    if (deferredTo) return this.defer(row, deferredTo, now, tell);
    const verdict = prefetched?.verdict ?? (await runGuards(this.guards, sendCheck(row, now), this.crm));
    if (!verdict.allowed) return finish('blocked', now, { reason: verdict.reason });
    const rendered = await this.render(row, customer).catch((error: unknown) => failure(error));
    if ('code' in rendered) return finish('failed', now, { error: rendered, reason: rendered.reason });
    const channel = this.channels.get(row.channel);
    if (!channel) return finish('failed', now, { reason: `channel "${row.channel}" is no longer installed` });
    let message: OutboundMessage = outboundMessage(row, rendered.content);
    const unsubscribeUrl = this.unsubscribeUrl(row);
    if (unsubscribeUrl && channel.capabilities.includes('unsubscribe')) message = { ...message, unsubscribeUrl };
    const { conversations } = installedModules(this.crm);
    // A reply in a conversation carries its thread (In-Reply-To, References, a reply token), whatever the channel.
    if (row.conversationId && conversations)
      message = { ...message, threading: (await conversations.threadingFor(row.conversationId)).threading };
    const hooks = this.tenant.resolve(HOOK_RUNNER);
    if (hooks.has('message.beforeSend')) {
      try {
        message = await hooks.run('message.beforeSend', message, {
          store: this.tenant.store,
          facts: { customerId: row.customerId, purpose: row.purpose, channel: row.channel, transactional: row.transactional },
          validate: validateHookChange,
        });
      } catch (error) {
        if (!isRapportError(error, 'HOOK_VETOED')) throw error;
        return finish('vetoed', now, { reason: String(error.details.reason) });
      }
    }
    const result = await channel.send(message, { idempotencyKey: row.id, signal: context.signal }).catch(
      (error: unknown): SendResult => ({
        status: 'failed',
        errorClass: 'transient',
        reason: error instanceof Error ? error.message : String(error),
      }),
    );
    const template = rendered.version === null ? {} : { templateVersion: rendered.version, templateLocale: rendered.locale };
    const at = this.tenant.clock.now();
    if (result.status === 'sent') {
      const patch: Patch = {
        ...template,
        providerMessageId: result.providerMessageId,
        sentAt: at,
        attempts: context.attempt,
        error: null,
      };
      // A reply joins its conversation only once its row is `sent`: such a row is marked here, not with the batch.
      if (prefetched?.marks && !row.conversationId) {
        prefetched.marks.push({ row, patch, at });
        return undefined;
      }
      await finish('sent', at, patch);
      // After the row is `sent`: a failure here retries the job, which joins again without sending again.
      await this.joinConversation(row, rendered.content, result.providerMessageId);
      return undefined;
    }
    const error: MessageFailure = {
      code: `SEND_${result.errorClass.toUpperCase()}`,
      reason: result.reason,
      providerCode: result.providerCode,
    };
    if (result.errorClass === 'permanent') return finish('failed', at, { error, reason: result.reason, attempts: context.attempt });
    if (context.attempt >= context.job.maxAttempts) {
      await finish('dead', at, { error, reason: result.reason, attempts: context.attempt });
      // The job dies too, so `crm.jobs.deadLetters()` lists it beside the message.
      throw retry(row, `dead after ${context.attempt} attempts: ${result.reason}`);
    }
    await this.rows.update(
      { id: row.id },
      { attempts: context.attempt, error, updatedAt: at },
      { where: { status: { in: [...WAITING_STATUSES] } } },
    );
    if (result.errorClass === 'throttled') return { retryInMs: result.retryAfterMs };
    // Thrown, so the job comes back after the jobs' exponential backoff with jitter.
    throw retry(row, result.reason);
  }

  /**
   * The send the guards will decide for this job's message if it is dispatched now, or null
   * when it stops before them (gone, no longer waiting, moved to another job, an erased
   * customer, quiet hours): what a batch decides together with {@link decideSends}.
   */
  guardedSend(context: JobContext, row: MessageRow | null, customer: Customer | undefined, now: Date): SendCheck | null {
    if (!row || !customer || !WAITING_STATUSES.includes(row.status as never) || row.jobId !== context.job.id) return null;
    if (this.quietHoursEnd(row, customer, now)) return null;
    return sendCheck(row, now);
  }

  /** The guards' verdicts for several sends, each as `dispatch` alone would decide it. */
  decideSends(sends: readonly SendCheck[]): Promise<GuardVerdict[]> {
    return runGuardsMany(this.guards, sends, this.crm);
  }

  /** The message's signed one-click unsubscribe link, when links are configured and it is not transactional. */
  private unsubscribeUrl(row: MessageRow): string | undefined {
    const links = this.options.unsubscribe;
    if (!links || row.transactional) return undefined;
    const token = signUnsubscribeToken(
      { tenantId: this.tenant.tenantId, customerId: row.customerId, purpose: row.purpose, channel: row.channel, messageId: row.id },
      links.secret,
    );
    return unsubscribeLink(links.url, token);
  }

  /** When quiet hours hold now for this message: their end; else null. */
  private quietHoursEnd(row: MessageRow, customer: Customer, now: Date): Date | null {
    const quiet = this.options.quietHours;
    if (!quiet || (row.transactional && !quiet.transactional)) return null;
    const zone = customerTimeZone(customer.traits[this.options.timezoneTrait], this.options.defaultTimezone);
    const next = nextAllowedTime(now, zone, quiet);
    return next.getTime() > now.getTime() ? next : null;
  }

  /** Moves the message to a new job at `to`, in one transaction with its row, never dropping it. */
  private async defer(row: MessageRow, to: Date, now: Date, tell: Tell): Promise<undefined> {
    const updated = await this.tenant.store.transaction(async (tx) => {
      const { job } = await this.tenant.jobs.enqueue(
        {
          type: DISPATCH_JOB,
          payload: { messageId: row.id },
          runAt: to,
          idempotencyKey: `messaging:${row.id}:${to.getTime()}`,
          maxAttempts: this.options.maxAttempts,
        },
        { in: tx },
      );
      const patch: Patch = { status: 'deferred', sendAt: to, jobId: job.id, reason: 'quiet hours', updatedAt: now };
      return tx.table(messagesTable).update({ id: row.id }, patch, { where: { jobId: row.jobId } });
    });
    if (updated.applied && updated.row)
      await tell([{ row: updated.row, status: 'deferred', at: now, occurrence: String(to.getTime()), reason: 'quiet hours' }]);
    return undefined;
  }

  private async render(
    row: MessageRow,
    customer: Customer,
  ): Promise<{ content: MessageContent; version: number | null; locale: string | null }> {
    if (!row.templateKey) return { content: row.content ?? {}, version: null, locale: null };
    const renderer = this.options.renderer ?? installedModules(this.crm).templates;
    if (!renderer) throw new Error('no renderer is configured');
    const locale = typeof customer.traits.locale === 'string' ? customer.traits.locale : undefined;
    const unsubscribeUrl = this.unsubscribeUrl(row);
    const rendered = await renderer.render({
      template: row.templateKey,
      channel: row.channel,
      locale,
      variables: {
        ...customer.traits,
        metrics: customer.metrics,
        customer: { id: customer.id },
        ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
        ...row.variables,
      },
      // Plugins' variables (recommendations…), computed only if this template reads them.
      provided: providedVariables(this.crm, { customerId: customer.id, channel: row.channel, template: row.templateKey }),
    });
    return { content: rendered.content, version: rendered.version, locale: rendered.locale };
  }

  /** Records a sent reply in its conversation (installed `conversations()`); idempotent on the message id. */
  private async joinConversation(row: MessageRow, content: MessageContent, providerMessageId: string | undefined): Promise<void> {
    const { conversations } = installedModules(this.crm);
    if (!row.conversationId || !conversations) return;
    await conversations.recordOutboundNow({
      conversationId: row.conversationId,
      messageId: row.id,
      customerId: row.customerId,
      channel: row.channel,
      ...(content.subject !== undefined ? { subject: content.subject } : {}),
      ...(content.text !== undefined ? { text: content.text } : {}),
      // An e-mail Message-ID threads the customer's reply to this message.
      ...(providerMessageId?.startsWith('<') ? { threading: { messageId: providerMessageId } } : {}),
      occurredAt: row.sentAt ?? this.tenant.clock.now(),
    });
  }

  /**
   * Writes a batch's moves to `sent` in one `updateMany` (one statement on PostgreSQL and
   * SQLite), each conditional as in `finish`, and returns the status changes of those applied.
   * If it fails, the jobs run again and send again with the same idempotency keys (at least
   * once, as for a crash before the mark).
   */
  async markSent(marks: readonly SentMark[]): Promise<StatusChange[]> {
    if (marks.length === 0) return [];
    const results = await this.rows.updateMany(
      marks.map(({ row, patch, at }) => ({
        key: { id: row.id },
        changes: { ...patch, status: 'sent', updatedAt: at },
        options: { where: { status: { in: [...WAITING_STATUSES] }, jobId: row.jobId } },
      })),
    );
    const changes: StatusChange[] = [];
    for (const [index, { applied, row }] of results.entries()) {
      const mark = marks[index] as SentMark;
      if (applied && row) changes.push({ row, status: 'sent', at: mark.at, reason: null });
    }
    return changes;
  }

  /** Ends (or advances) the message with a conditional update, then tells the timeline and the bus. */
  private async finish(row: MessageRow, status: StatusChange['status'], at: Date, patch: Patch, tell: Tell): Promise<undefined> {
    const { applied, row: updated } = await this.rows.update(
      { id: row.id },
      { ...patch, status, updatedAt: at },
      { where: { status: { in: [...WAITING_STATUSES] }, jobId: row.jobId } },
    );
    if (applied && updated) await tell([{ row: updated, status, at, reason: patch.reason ?? null }]);
    return undefined;
  }
}

function sendCheck(row: MessageRow, at: Date): SendCheck {
  return {
    messageId: row.id,
    customerId: row.customerId,
    purpose: row.purpose,
    channel: row.channel,
    recipient: row.recipient,
    transactional: row.transactional,
    at,
  };
}

/** Tells status changes: now (one job) or with the rest of its batch. */
type Tell = (changes: StatusChange[]) => Promise<unknown>;

function failure(error: unknown): MessageFailure {
  if (isRapportError(error)) return { code: error.code, reason: error.message };
  return { code: MessagingErrorCode.TemplateRenderFailed, reason: error instanceof Error ? error.message : String(error) };
}

function retry(row: MessageRow, reason: string): RapportError {
  return new RapportError({
    code: MessagingErrorCode.SendRetry,
    kind: 'unavailable',
    message: `message "${row.id}" not sent: ${reason}`,
    details: { messageId: row.id, reason },
  });
}
