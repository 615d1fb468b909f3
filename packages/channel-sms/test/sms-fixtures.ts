import type { InboundRequest } from '@rapport/core/plugin';
import * as fc from 'fast-check';
import { isOptOut } from '../src/opt-out.js';
import { type SmsOptions, SmsOptionsSchema } from '../src/options.js';
import { twilioSignature } from '../src/providers/twilio-signature.js';

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'twilio-auth-token-0123456789';
export const CALLBACK_URL = 'https://crm.example/hooks/sms?tenant=default';

/** Valid mobile numbers of several countries, in E.164. */
export const PHONES = ['+14155552671', '+447911123456', '+8613800138000', '+33612345678', '+4915112345678', '+61412345678'];

/** Options for a Twilio-shaped provider at `url`. */
export const twilioOptions = (url: string, extra: Partial<SmsOptions> = {}) =>
  SmsOptionsSchema.parse({
    provider: {
      kind: 'twilio',
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: url,
      statusCallbackUrl: 'https://crm.example/hooks/sms/status',
    },
    from: '+14155550100',
    ...extra,
  });

/** Options for a generic JSON provider at `url`, with inbound and receipt mappings and a callback secret. */
export const genericOptions = (url: string) =>
  SmsOptionsSchema.parse({
    provider: {
      kind: 'generic',
      url: `${url}/v1/messages`,
      auth: { type: 'bearer', token: 'generic-token' },
      body: { recipient: '{{to}}', sender: '{{from}}', message: '{{text}}', ref: '{{id}}' },
      responseIdPath: 'data.id',
      inbound: { format: 'json', from: 'msisdn', text: 'content.text', to: 'shortcode', id: 'uuid' },
      receipts: {
        format: 'json',
        id: 'message.id',
        status: 'state',
        reason: 'error',
        statuses: { delivered: ['DELIVRD'], failed: ['UNDELIV', 'REJECTD'] },
      },
      callbackSecret: { header: 'x-callback-secret', value: 'callback-secret-0123456789' },
    },
    from: '+14155550100',
  });

/** A Twilio callback with these form fields, signed the way Twilio signs it. */
export function twilioCallback(fields: Record<string, string>, token = AUTH_TOKEN): InboundRequest {
  return {
    method: 'POST',
    url: CALLBACK_URL,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(token, CALLBACK_URL, fields) },
    body: new TextEncoder().encode(new URLSearchParams(fields).toString()),
  };
}

/** A JSON callback for the generic provider, with its shared secret. */
export function genericCallback(body: unknown, secret = 'callback-secret-0123456789'): InboundRequest {
  return {
    method: 'POST',
    url: 'https://crm.example/hooks/sms',
    headers: { 'content-type': 'application/json', 'x-callback-secret': secret },
    body: new TextEncoder().encode(JSON.stringify(body)),
  };
}

/** SMS texts in any script, none an opt-out keyword. */
export const smsText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((text) => !isOptOut(text));
