import { ChannelErrorCode, ChannelRequestError, type Clock, type IdentityType, normalizePhone, systemClock } from '@rapport/core';
import type {
  Channel,
  ChannelCapability,
  DeliveryReceipt,
  InboundMessage,
  InboundRequest,
  OutboundMessage,
  SendOptions,
  SendResult,
} from '@rapport/core/plugin';
import { isOptOut } from './opt-out.js';
import type { ResolvedSmsOptions } from './options.js';
import { GenericProvider } from './providers/generic-provider.js';
import type { SmsProvider } from './providers/sms-provider.js';
import { TwilioProvider } from './providers/twilio-provider.js';
import { countSegments } from './segments.js';

/**
 * The SMS channel: counts GSM-7/UCS-2 segments, sends through a Twilio-shaped or a
 * generic HTTP provider, and reads the provider's inbound and delivery-receipt callbacks
 * (signature-checked), flagging STOP / UNSUBSCRIBE / 退订 / TD as opt-outs.
 */
export class SmsChannel implements Channel {
  readonly id = 'sms';
  readonly addresses: readonly IdentityType[] = ['phone'];
  readonly capabilities: readonly ChannelCapability[] = ['inbound', 'receipts'];
  readonly #options: ResolvedSmsOptions;
  readonly #provider: SmsProvider;

  constructor(options: ResolvedSmsOptions, clock: Clock = systemClock) {
    this.#options = options;
    const provider = options.provider;
    this.#provider =
      provider.kind === 'twilio' ? new TwilioProvider(provider, options, clock) : new GenericProvider(provider, options, clock);
  }

  async send(message: OutboundMessage, options: SendOptions): Promise<SendResult> {
    if (message.to.type !== 'phone') {
      return { status: 'failed', errorClass: 'permanent', reason: `the sms channel cannot address a ${message.to.type} identity` };
    }
    const text = message.text ?? '';
    if (text.length === 0) return { status: 'failed', errorClass: 'permanent', reason: 'an SMS needs a text' };
    const { segments, encoding } = countSegments(text);
    if (segments > this.#options.maxSegments) {
      return {
        status: 'failed',
        errorClass: 'permanent',
        reason: `the text needs ${segments} ${encoding} segments, more than maxSegments (${this.#options.maxSegments})`,
      };
    }
    if (options.signal?.aborted) return { status: 'failed', errorClass: 'transient', reason: 'aborted before sending' };
    return this.#provider.send({
      to: message.to.value,
      text,
      id: message.id,
      idempotencyKey: options.idempotencyKey,
      parts: segments,
      signal: options.signal,
    });
  }

  async parseInbound(request: InboundRequest): Promise<readonly InboundMessage[]> {
    const inbound = this.#provider.readInbound(request);
    let from: string;
    try {
      from = normalizePhone(inbound.from, this.#options.defaultRegion as Parameters<typeof normalizePhone>[1]);
    } catch (error) {
      throw new ChannelRequestError(
        ChannelErrorCode.InboundMalformed,
        { channel: 'sms', field: 'from', reason: 'not a phone number' },
        error,
      );
    }
    return [
      {
        channel: this.id,
        providerMessageId: inbound.id,
        from: { type: 'phone', value: from },
        to: inbound.to,
        text: inbound.text,
        threading: {},
        optOut: isOptOut(inbound.text, this.#options.optOutKeywords),
      },
    ];
  }

  async parseReceipt(request: InboundRequest): Promise<readonly DeliveryReceipt[]> {
    const receipt = this.#provider.readReceipt(request);
    if (!receipt) return [];
    return [{ providerMessageId: receipt.id, status: receipt.status, reason: receipt.reason }];
  }
}
