import { type ChannelErrorCode, ChannelRequestError, type Clock, ChannelErrorCode as Codes } from '@rapport/core';
import { headerValue, type InboundRequest, type SendResult } from '@rapport/core/plugin';
import { httpSend } from '../http-send.js';
import type { ResolvedSmsOptions, TwilioProviderOptions } from '../options.js';
import { readString } from '../read-path.js';
import { readCallback } from '../request-body.js';
import type { ProviderInbound, ProviderReceipt, ProviderSend, SmsProvider } from './sms-provider.js';
import { verifyTwilioSignature } from './twilio-signature.js';

/** The header Twilio-shaped APIs take an idempotency key in. */
export const TWILIO_IDEMPOTENCY_HEADER = 'I-Twilio-Idempotency-Token';

/** Twilio's `MessageStatus` values that are final, and what they mean. */
const FINAL_STATUSES: Readonly<Record<string, ProviderReceipt['status']>> = {
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

/**
 * A Twilio-shaped provider: posts to `/2010-04-01/Accounts/{sid}/Messages.json` with basic
 * auth, reads `sid`, and verifies `X-Twilio-Signature` on callbacks.
 */
export class TwilioProvider implements SmsProvider {
  constructor(
    private readonly provider: TwilioProviderOptions,
    private readonly options: ResolvedSmsOptions,
    private readonly clock: Clock,
  ) {}

  send(send: ProviderSend): Promise<SendResult> {
    const form = new URLSearchParams({ To: send.to, From: this.options.from, Body: send.text });
    if (this.provider.statusCallbackUrl) form.set('StatusCallback', this.provider.statusCallbackUrl);
    const credentials = Buffer.from(`${this.provider.accountSid}:${this.provider.authToken}`).toString('base64');
    return httpSend(
      {
        url: new URL(`/2010-04-01/Accounts/${this.provider.accountSid}/Messages.json`, this.provider.baseUrl).toString(),
        method: 'POST',
        headers: {
          authorization: `Basic ${credentials}`,
          'content-type': 'application/x-www-form-urlencoded',
          [TWILIO_IDEMPOTENCY_HEADER]: send.idempotencyKey,
        },
        body: form.toString(),
        timeoutMs: this.options.timeoutMs,
        signal: send.signal,
      },
      (body) => readString(body, 'sid'),
      { clock: this.clock, throttleRetryAfterMs: this.options.throttleRetryAfterMs, parts: send.parts },
    );
  }

  readInbound(request: InboundRequest): ProviderInbound {
    const fields = this.#verified(request, Codes.InboundMalformed);
    const from = fields.From;
    if (!from) throw new ChannelRequestError(Codes.InboundMalformed, { channel: 'sms', field: 'body.From', reason: 'missing' });
    return { from, text: fields.Body ?? '', to: fields.To, id: fields.MessageSid };
  }

  readReceipt(request: InboundRequest): ProviderReceipt | undefined {
    const fields = this.#verified(request, Codes.ReceiptMalformed);
    const id = fields.MessageSid;
    const status = fields.MessageStatus;
    if (!id) throw new ChannelRequestError(Codes.ReceiptMalformed, { channel: 'sms', field: 'body.MessageSid', reason: 'missing' });
    if (!status) throw new ChannelRequestError(Codes.ReceiptMalformed, { channel: 'sms', field: 'body.MessageStatus', reason: 'missing' });
    const final = FINAL_STATUSES[status];
    if (!final) return undefined;
    return { id, status: final, reason: fields.ErrorCode ? `Twilio error ${fields.ErrorCode}` : undefined };
  }

  /** The callback's form fields, after checking its signature. */
  #verified(request: InboundRequest, code: ChannelErrorCode): Record<string, string> {
    const fields = readCallback(request, code, 'form') as Record<string, string>;
    if (!this.provider.verifySignatures) return fields;
    const signature = headerValue(request, 'x-twilio-signature');
    if (!signature) {
      throw new ChannelRequestError(Codes.SignatureInvalid, { channel: 'sms', field: 'header X-Twilio-Signature', reason: 'missing' });
    }
    if (!verifyTwilioSignature(this.provider.authToken, request.url, fields, signature)) {
      throw new ChannelRequestError(Codes.SignatureInvalid, {
        channel: 'sms',
        field: 'header X-Twilio-Signature',
        reason: 'does not match the request',
      });
    }
    return fields;
  }
}
