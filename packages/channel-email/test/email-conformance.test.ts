import { type DeliveryReceipt, RECEIPT_STATUSES } from '@rapport/core/plugin';
import { runChannelConformance } from '@rapport/testkit';
import * as fc from 'fast-check';
import { EmailChannel } from '../src/email-channel.js';
import { EmailOptionsSchema } from '../src/options.js';
import { closedPort } from './closed-port.js';
import { arf, composeRaw, dsn } from './email-fixtures.js';
import { startSmtpHarness } from './smtp-harness.js';

const raw = (body: string) => ({
  method: 'POST',
  url: 'https://crm.example/inbound/email',
  headers: {},
  body: new TextEncoder().encode(body),
});
const msgId = fc.stringMatching(/^[a-z0-9]{1,12}(\.[a-z0-9]{1,8})?$/).map((local) => `<${local}@mail.example>`);
// Printable text without line breaks or edge spaces: what survives an MUA's text part as it is.
const text = fc
  .string({ unit: fc.constantFrom(...Array.from('abcxyz ABC 0123 ,.!?éü中文👍')), minLength: 1, maxLength: 60 })
  .map((value) => value.trim())
  .filter((value) => value.length > 0 && !/^unsubscribe$/i.test(value));

runChannelConformance('email (SMTP)', startSmtpHarness, {
  message: (id) => ({ id, to: { type: 'email', value: 'ada@example.com' }, subject: 'Your order', text: 'It has shipped.' }),
  unreachable: async () =>
    new EmailChannel(
      EmailOptionsSchema.parse({
        smtp: { host: '127.0.0.1', port: await closedPort(), ignoreTLS: true, timeoutMs: 2000 },
        from: 'hello@shop.example',
      }),
    ),
  inbound: {
    samples: fc.record({
      from: fc.emailAddress().map((value) => ({ type: 'email' as const, value: value.toLowerCase() })),
      text,
      threading: fc.record({ messageId: msgId, inReplyTo: msgId, references: fc.array(msgId, { maxLength: 4 }) }),
    }),
    encode: async (sample) => ({
      method: 'POST',
      url: 'https://crm.example/inbound/email',
      headers: { 'content-type': 'message/rfc822' },
      body: await composeRaw({ from: sample.from.value, text: sample.text, ...sample.threading }),
    }),
    optOutTexts: ['unsubscribe', 'UNSUBSCRIBE'],
    malformed: [
      { label: 'an empty body', request: raw('') },
      { label: 'a message without a From address', request: raw('To: hello@shop.example\r\nSubject: hi\r\n\r\nhello') },
      { label: 'a From that is not an address', request: raw('From: nobody\r\nSubject: hi\r\n\r\nhello') },
    ],
  },
  receipts: {
    samples: fc
      .record(
        {
          providerMessageId: msgId,
          status: fc.constantFrom<DeliveryReceipt['status']>('bounced', 'delivered', 'complained'),
          bounce: fc.constantFrom<'hard' | 'soft'>('hard', 'soft'),
        },
        { requiredKeys: ['providerMessageId', 'status'] },
      )
      .map((receipt) =>
        receipt.status === 'bounced'
          ? { ...receipt, bounce: receipt.bounce ?? 'hard' }
          : { providerMessageId: receipt.providerMessageId, status: receipt.status },
      ),
    encode: (receipt) => {
      const recipient = 'ada@example.com';
      if (receipt.status === 'complained') return raw(new TextDecoder().decode(arf({ messageId: receipt.providerMessageId, recipient })));
      const status = receipt.status === 'delivered' ? '2.0.0' : receipt.bounce === 'soft' ? '4.2.2' : '5.1.1';
      const action = receipt.status === 'delivered' ? 'delivered' : 'failed';
      return raw(new TextDecoder().decode(dsn({ messageId: receipt.providerMessageId, recipient, action, status })));
    },
    malformed: [
      { label: 'a plain message that is not a report', request: raw('From: a@b.example\r\nSubject: hi\r\n\r\nhello') },
      {
        label: 'a DSN without the original Message-ID or envelope id',
        request: raw(
          new TextDecoder().decode(
            dsn({ messageId: '<x@y>', recipient: 'a@b.example', action: 'failed', status: '5.1.1', withOriginal: false }),
          ),
        ),
      },
      {
        label: 'a DSN whose recipient has no Action',
        request: raw(
          new TextDecoder()
            .decode(dsn({ messageId: '<x@y>', recipient: 'a@b.example', action: '', status: '5.1.1' }))
            .replace('Action: \r\n', ''),
        ),
      },
    ],
  },
});

// RECEIPT_STATUSES is the contract's list; the e-mail channel reports three of them.
void RECEIPT_STATUSES;
