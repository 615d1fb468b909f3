import { timingSafeEqual } from 'node:crypto';
import { type ChannelErrorCode, ChannelRequestError, type Clock, ChannelErrorCode as Codes } from '@rapport/core';
import { headerValue, type InboundRequest, type SendResult } from '@rapport/core/plugin';
import { httpSend } from '../http-send.js';
import type { GenericProviderOptions, ResolvedSmsOptions } from '../options.js';
import { readString } from '../read-path.js';
import { readCallback } from '../request-body.js';
import type { ProviderInbound, ProviderReceipt, ProviderSend, SmsProvider } from './sms-provider.js';

const PLACEHOLDER = /\{\{(to|from|text|id|idempotencyKey)\}\}/g;

/** A provider configured by URL, auth, body template and field paths (see `GenericProviderSchema`). */
export class GenericProvider implements SmsProvider {
  constructor(
    private readonly provider: GenericProviderOptions,
    private readonly options: ResolvedSmsOptions,
    private readonly clock: Clock,
  ) {}

  send(send: ProviderSend): Promise<SendResult> {
    const values: Record<string, string> = {
      to: send.to,
      from: this.options.from,
      text: send.text,
      id: send.id,
      idempotencyKey: send.idempotencyKey,
    };
    // Placeholders are replaced in one pass, so a text containing "{{to}}" stays as written.
    const fields = Object.fromEntries(
      Object.entries(this.provider.body).map(([key, template]) => [
        key,
        template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? ''),
      ]),
    );
    const json = this.provider.bodyFormat === 'json';
    return httpSend(
      {
        url: this.provider.url,
        method: this.provider.method,
        headers: {
          'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
          [this.provider.idempotencyHeader]: send.idempotencyKey,
          ...this.#auth(),
        },
        body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
        timeoutMs: this.options.timeoutMs,
        signal: send.signal,
      },
      (body) => readString(body, this.provider.responseIdPath),
      { clock: this.clock, throttleRetryAfterMs: this.options.throttleRetryAfterMs, parts: send.parts },
    );
  }

  readInbound(request: InboundRequest): ProviderInbound {
    const mapping = this.provider.inbound;
    if (!mapping)
      throw new ChannelRequestError(Codes.InboundMalformed, {
        channel: 'sms',
        field: 'inbound',
        reason: 'the provider has no inbound mapping',
      });
    const body = this.#verified(request, Codes.InboundMalformed, mapping.format);
    const from = readString(body, mapping.from);
    if (!from) throw new ChannelRequestError(Codes.InboundMalformed, { channel: 'sms', field: `body.${mapping.from}`, reason: 'missing' });
    const text = readString(body, mapping.text);
    if (text === undefined)
      throw new ChannelRequestError(Codes.InboundMalformed, { channel: 'sms', field: `body.${mapping.text}`, reason: 'missing' });
    return {
      from,
      text,
      to: mapping.to ? readString(body, mapping.to) : undefined,
      id: mapping.id ? readString(body, mapping.id) : undefined,
    };
  }

  readReceipt(request: InboundRequest): ProviderReceipt | undefined {
    const mapping = this.provider.receipts;
    if (!mapping)
      throw new ChannelRequestError(Codes.ReceiptMalformed, {
        channel: 'sms',
        field: 'receipts',
        reason: 'the provider has no receipt mapping',
      });
    const body = this.#verified(request, Codes.ReceiptMalformed, mapping.format);
    const id = readString(body, mapping.id);
    if (!id) throw new ChannelRequestError(Codes.ReceiptMalformed, { channel: 'sms', field: `body.${mapping.id}`, reason: 'missing' });
    const status = readString(body, mapping.status);
    if (!status)
      throw new ChannelRequestError(Codes.ReceiptMalformed, { channel: 'sms', field: `body.${mapping.status}`, reason: 'missing' });
    const reason = mapping.reason ? readString(body, mapping.reason) : undefined;
    if (mapping.statuses.delivered.includes(status)) return { id, status: 'delivered', reason };
    if (mapping.statuses.failed.includes(status)) return { id, status: 'failed', reason };
    return undefined;
  }

  #auth(): Record<string, string> {
    const auth = this.provider.auth;
    if (!auth) return {};
    if (auth.type === 'bearer') return { authorization: `Bearer ${auth.token}` };
    if (auth.type === 'basic') return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    return { [auth.name]: auth.value };
  }

  #verified(request: InboundRequest, code: ChannelErrorCode, format: 'json' | 'form'): Record<string, unknown> {
    const secret = this.provider.callbackSecret;
    if (secret) {
      const given = Buffer.from(headerValue(request, secret.header) ?? '');
      const expected = Buffer.from(secret.value);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ChannelRequestError(Codes.SignatureInvalid, {
          channel: 'sms',
          field: `header ${secret.header}`,
          reason: 'missing or wrong',
        });
      }
    }
    return readCallback(request, code, format);
  }
}
