import { ChannelErrorCode, ChannelRequestError, type Clock, type IdentityType, normalizeIdentity, systemClock } from '@rapport/core';
import {
  type Channel,
  type ChannelCapability,
  classifyHttpFailure,
  classifyThrown,
  type DeliveryReceipt,
  type InboundMessage,
  type InboundRequest,
  type OutboundMessage,
  type SendOptions,
  type SendResult,
} from '@rapport/core/plugin';
import type { z } from 'zod';
import { InboundEventSchema, ReceiptEventSchema } from './inbound/event-schemas.js';
import { MemoryReplayStore, type ReplayStore } from './inbound/replay-store.js';
import { verifyWebhook } from './inbound/verify-webhook.js';
import type { ResolvedWebhookOptions } from './options.js';
import { postJson } from './outbound/post-json.js';
import { signEvent } from './outbound/sign-event.js';
import { type Resolver, TargetGuard, TargetRefusedError } from './outbound/target-guard.js';

/** What a webhook channel takes besides its options. */
export interface WebhookChannelDependencies {
  readonly clock?: Clock;
  /** Where delivered ids are remembered. @default a {@link MemoryReplayStore} */
  readonly replayStore?: ReplayStore;
  /** Resolves target host names (the system resolver by default). */
  readonly resolver?: Resolver;
}

/**
 * The webhook channel: the bridge to social, chat, app, POS and WeChat integrations. Posts
 * each message as a JSON event signed per Standard Webhooks (the `webhook-id` is the
 * idempotency key, stable across retries), refuses targets that resolve to non-public
 * addresses, and verifies inbound events (signature, ±tolerance window, replayed ids).
 */
export class WebhookChannel implements Channel {
  readonly id: string;
  readonly addresses: readonly IdentityType[] = ['external'];
  readonly capabilities: readonly ChannelCapability[] = ['data', 'subject', 'html', 'threading', 'inbound', 'receipts'];
  readonly #options: ResolvedWebhookOptions;
  readonly #clock: Clock;
  readonly #replays: ReplayStore;
  readonly #guard: TargetGuard;

  constructor(options: ResolvedWebhookOptions, dependencies: WebhookChannelDependencies = {}) {
    this.id = options.id;
    this.#options = options;
    this.#clock = dependencies.clock ?? systemClock;
    this.#replays = dependencies.replayStore ?? new MemoryReplayStore();
    this.#guard = new TargetGuard(options.allowTargets, dependencies.resolver);
  }

  async send(message: OutboundMessage, options: SendOptions): Promise<SendResult> {
    if (message.to.type !== 'external') {
      return { status: 'failed', errorClass: 'permanent', reason: `the ${this.id} channel cannot address a ${message.to.type} identity` };
    }
    if (options.signal?.aborted) return { status: 'failed', errorClass: 'transient', reason: 'aborted before sending' };
    const url = new URL(this.#options.url);
    const body = JSON.stringify({
      type: message.type ?? 'message.created',
      data: {
        id: message.id,
        to: message.to,
        text: message.text,
        subject: message.subject,
        html: message.html,
        data: message.data,
        threading: message.threading,
        metadata: message.metadata,
      },
    });
    try {
      // Checked before signing, for a clear refusal; the connection checks again through the guard's lookup.
      await this.#guard.check(url.hostname);
      const headers = signEvent(this.#options.secrets, options.idempotencyKey, this.#clock.now(), body);
      const response = await postJson(url, body, {
        headers: { ...headers },
        lookup: this.#guard.lookup(),
        timeoutMs: this.#options.timeoutMs,
        signal: options.signal,
      });
      if (response.status >= 200 && response.status < 300) return { status: 'sent', providerMessageId: options.idempotencyKey };
      const retryAfter = response.headers['retry-after'];
      return classifyHttpFailure(response.status, {
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        defaultRetryAfterMs: this.#options.throttleRetryAfterMs,
        now: this.#clock.now(),
        reason: `HTTP ${response.status}${response.body ? `: ${response.body.slice(0, 300)}` : ''}`,
      });
    } catch (error) {
      if (error instanceof TargetRefusedError)
        return { status: 'failed', errorClass: 'permanent', reason: error.message, providerCode: error.code };
      return classifyThrown(error);
    }
  }

  async parseInbound(request: InboundRequest): Promise<readonly InboundMessage[]> {
    const { event, duplicate } = await this.#receive(request, InboundEventSchema, ChannelErrorCode.InboundMalformed);
    const data = event.data;
    let from: ReturnType<typeof normalizeIdentity>;
    try {
      from = normalizeIdentity(data.from);
    } catch (error) {
      throw new ChannelRequestError(
        ChannelErrorCode.InboundMalformed,
        { channel: this.id, field: 'data.from.value', reason: 'not a valid identity' },
        error,
      );
    }
    return [
      {
        channel: this.id,
        providerMessageId: data.id,
        from: { type: from.type, value: from.value, namespace: from.namespace || undefined },
        to: data.to,
        text: data.text,
        subject: data.subject,
        receivedAt: data.receivedAt ? new Date(data.receivedAt) : undefined,
        threading: {
          messageId: data.messageId,
          inReplyTo: data.inReplyTo,
          references: data.references ?? [],
          conversationId: data.conversationId,
        },
        optOut: data.optOut ?? false,
        duplicate,
      },
    ];
  }

  async parseReceipt(request: InboundRequest): Promise<readonly DeliveryReceipt[]> {
    const { event, duplicate } = await this.#receive(request, ReceiptEventSchema, ChannelErrorCode.ReceiptMalformed);
    // A replayed status changes nothing: report none.
    if (duplicate) return [];
    const { messageId, at, ...rest } = event.data;
    return [{ providerMessageId: messageId, ...rest, at: at ? new Date(at) : undefined }];
  }

  /** Verifies, parses with `schema`, then records the id — a body that fails parsing does not use its id up. */
  async #receive<S extends z.ZodType>(
    request: InboundRequest,
    schema: S,
    code: ChannelErrorCode,
  ): Promise<{ event: z.output<S>; duplicate: boolean }> {
    const verified = verifyWebhook(request, {
      channel: this.id,
      secrets: this.#options.inboundSecrets ?? this.#options.secrets,
      toleranceSeconds: this.#options.toleranceSeconds,
      clock: this.#clock,
    });
    let json: unknown;
    try {
      json = JSON.parse(verified.body);
    } catch (error) {
      throw new ChannelRequestError(code, { channel: this.id, field: 'body', reason: 'not JSON' }, error);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = ['body', ...(issue?.path ?? []).map(String)].join('.');
      throw new ChannelRequestError(code, { channel: this.id, field, reason: issue?.message ?? 'invalid' }, parsed.error);
    }
    // Kept past the window's far edge: until then the same id could still pass the timestamp check.
    const expiresAt = new Date(verified.timestamp.getTime() + this.#options.toleranceSeconds * 1000 + 1000);
    const duplicate = await this.#replays.markSeen(verified.id, expiresAt, this.#clock.now());
    return { event: parsed.data, duplicate };
  }
}
