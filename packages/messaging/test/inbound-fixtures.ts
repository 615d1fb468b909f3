import { email } from '@rapport/channel-email';
import { sms, twilioSignature } from '@rapport/channel-sms';
import { signEvent, webhook } from '@rapport/channel-webhook';
import type { InboundRequest } from '@rapport/core/plugin';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-token-0123456789';
const CALLBACK_URL = 'https://crm.example/hooks/sms/inbound';

const BRIDGE_SECRET = `whsec_${Buffer.from('rapport-bridge-secret-0123456789').toString('base64')}`;

/** The SMS channel with a Twilio-shaped provider (signatures checked), the e-mail channel (never sends in these tests) and a webhook bridge. */
export const channelPlugins = () =>
  [
    sms({ provider: { kind: 'twilio', accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }, from: '+14155550100' }),
    email({ smtp: { host: '127.0.0.1', port: 9, timeoutMs: 100 }, from: 'Shop <hello@shop.example>' }),
    webhook({ url: 'https://bridge.example/out', secrets: [BRIDGE_SECRET] }),
  ] as const;

/** A social or chat message as a webhook bridge posts it (Standard Webhooks signature). */
export function bridgeInbound(id: string, at: Date, data: Record<string, unknown>): InboundRequest {
  return bridgeRaw(id, at, JSON.stringify({ type: 'message.received', data }));
}

/** A bridge delivery of exactly `body`, correctly signed (to test bodies that are not valid events). */
export function bridgeRaw(id: string, at: Date, body: string): InboundRequest {
  return {
    method: 'POST',
    url: 'https://crm.example/hooks/bridge',
    headers: { 'content-type': 'application/json', ...signEvent([BRIDGE_SECRET], id, at, body) },
    body: new TextEncoder().encode(body),
  };
}

/** A Twilio inbound-SMS webhook as Twilio posts it: form fields, signed with the account's auth token. */
export function twilioInbound(fields: { From: string; Body: string; MessageSid: string }, token = AUTH_TOKEN): InboundRequest {
  const form = { AccountSid: ACCOUNT_SID, To: '+14155550100', NumSegments: '1', ...fields };
  return {
    method: 'POST',
    url: CALLBACK_URL,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(token, CALLBACK_URL, form) },
    body: new TextEncoder().encode(new URLSearchParams(form).toString()),
  };
}

/** A raw RFC 822 message as a mail server hands it over (CRLF line ends, headers then body). */
export function rawEmail(mail: {
  from: string;
  to?: string;
  subject?: string;
  messageId: string;
  inReplyTo?: string;
  references?: readonly string[];
  date: Date;
  text: string;
}): InboundRequest {
  const headers = [
    `From: ${mail.from}`,
    `To: ${mail.to ?? 'hello@shop.example'}`,
    `Subject: ${mail.subject ?? 'Re: your order'}`,
    `Date: ${mail.date.toUTCString()}`,
    `Message-ID: ${mail.messageId}`,
    ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`] : []),
    ...(mail.references ? [`References: ${mail.references.join(' ')}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  const raw = `${headers.join('\r\n')}\r\n\r\n${mail.text.replace(/\n/g, '\r\n')}\r\n`;
  return {
    method: 'POST',
    url: 'https://crm.example/hooks/email',
    headers: { 'content-type': 'message/rfc822' },
    body: new TextEncoder().encode(raw),
  };
}
