import type { InboundRequest, SendResult } from '@rapport/core/plugin';

/** One send as the channel hands it to a provider adapter (validated and counted). */
export interface ProviderSend {
  readonly to: string;
  readonly text: string;
  readonly id: string;
  readonly idempotencyKey: string;
  readonly parts: number;
  readonly signal?: AbortSignal | undefined;
}

/** An inbound SMS as a provider adapter reads it, before the channel normalises it. */
export interface ProviderInbound {
  readonly from: string;
  readonly text: string;
  readonly to?: string | undefined;
  readonly id?: string | undefined;
}

/** A delivery status as a provider adapter reads it. */
export interface ProviderReceipt {
  readonly id: string;
  readonly status: 'delivered' | 'failed';
  readonly reason?: string | undefined;
}

/** The provider-specific part of the SMS channel: how to post a send and read callbacks. */
export interface SmsProvider {
  send(send: ProviderSend): Promise<SendResult>;
  /** Verifies and reads an inbound SMS callback. */
  readInbound(request: InboundRequest): ProviderInbound;
  /** Verifies and reads a receipt callback; `undefined` for a status that is not final (queued, sent). */
  readReceipt(request: InboundRequest): ProviderReceipt | undefined;
}
