import type { IdentityType } from '@rapport/core';
import type { Channel, DeliveryReceipt, InboundRequest, OutboundMessage, SendOptions, SendResult } from '@rapport/core/plugin';
import { definePlugin, defineToken } from '@rapport/core/plugin';

/** One call the channel received. */
export interface RecordedSend {
  readonly message: OutboundMessage;
  readonly idempotencyKey: string;
}

/**
 * An in-process channel for the hub's tests: it records every call, answers with the
 * scripted results (then `sent`), and, like a provider with idempotency keys, gives one
 * provider id per key. Receipts are JSON arrays of `DeliveryReceipt`s.
 */
export class RecordingChannel implements Channel {
  readonly capabilities = ['receipts', 'subject', 'html'] as const;
  readonly calls: RecordedSend[] = [];
  private readonly script: SendResult[] = [];

  constructor(
    readonly id: string,
    readonly addresses: readonly IdentityType[],
  ) {}

  /** The next results to answer with, in order; `sent` once they are used up. */
  answer(...results: SendResult[]): void {
    this.script.push(...results);
  }

  /** Distinct messages the provider acted on (calls deduplicated by idempotency key). */
  effects(): Set<string> {
    return new Set(this.calls.map((call) => call.idempotencyKey));
  }

  async send(message: OutboundMessage, options: SendOptions): Promise<SendResult> {
    this.calls.push({ message, idempotencyKey: options.idempotencyKey });
    return this.script.shift() ?? { status: 'sent', providerMessageId: `${this.id}-${options.idempotencyKey}` };
  }

  async parseReceipt(request: InboundRequest): Promise<readonly DeliveryReceipt[]> {
    return JSON.parse(Buffer.from(request.body).toString('utf8')) as DeliveryReceipt[];
  }
}

/** A plugin contributing the given channels, the way channel packages do. */
export function channelsPlugin(...channels: RecordingChannel[]) {
  const entries = channels.map((channel) => ({ channel, token: defineToken<Channel>(`test:channel:${channel.id}`) }));
  return definePlugin({
    name: 'test-channels',
    contributes: { channels: entries.map(({ channel, token }) => ({ id: channel.id, token })) },
    register({ container }) {
      for (const { channel, token } of entries) container.value(token, channel);
    },
  });
}

/** A receipt callback body. */
export function receiptRequest(receipts: readonly Partial<DeliveryReceipt>[]): InboundRequest {
  return { method: 'POST', url: 'https://app.example/receipts', headers: {}, body: new TextEncoder().encode(JSON.stringify(receipts)) };
}
