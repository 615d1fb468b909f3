import { isRapportError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { parseInboundEmail } from '../src/inbound/parse-inbound-email.js';
import { parseEmailReport } from '../src/receipts/parse-email-report.js';
import { arf, composeRaw, dsn } from './email-fixtures.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('email receipts: DSN (RFC 3464) and ARF (RFC 5965)', () => {
  it('a 5.x.x failure is a hard bounce keyed by the original Message-ID, with the folded diagnostic', async () => {
    const receipts = await parseEmailReport(
      dsn({
        messageId: '<m1@shop.example>',
        recipient: 'ada@example.com',
        action: 'failed',
        status: '5.1.1',
        diagnostic: '550 5.1.1 user unknown',
      }),
    );
    expect(receipts).toEqual([
      {
        providerMessageId: '<m1@shop.example>',
        status: 'bounced',
        bounce: 'hard',
        recipient: 'ada@example.com',
        reason: '550 5.1.1 user unknown (folded continuation)',
      },
    ]);
  });

  it('a 4.x.x failure is a soft bounce; a delay is not a receipt; a delivery is one', async () => {
    const soft = await parseEmailReport(dsn({ messageId: '<m2@s>', recipient: 'a@b.example', action: 'failed', status: '4.2.2' }));
    expect(soft[0]).toMatchObject({ status: 'bounced', bounce: 'soft' });
    expect(await parseEmailReport(dsn({ messageId: '<m2@s>', recipient: 'a@b.example', action: 'delayed', status: '4.4.7' }))).toEqual([]);
    const delivered = await parseEmailReport(dsn({ messageId: '<m3@s>', recipient: 'a@b.example', action: 'delivered', status: '2.0.0' }));
    expect(delivered).toEqual([{ providerMessageId: '<m3@s>', status: 'delivered', recipient: 'a@b.example' }]);
  });

  it('without the original headers, the Original-Envelope-Id keys the bounce', async () => {
    const raw = new TextDecoder()
      .decode(dsn({ messageId: '<x@y>', recipient: 'a@b.example', action: 'failed', status: '5.0.0', withOriginal: false }))
      .replace('Reporting-MTA: dns; mx.example', 'Reporting-MTA: dns; mx.example\r\nOriginal-Envelope-Id: env-42');
    expect((await parseEmailReport(bytes(raw)))[0]?.providerMessageId).toBe('env-42');
  });

  it('an ARF abuse report is a complaint with the recipient, type and arrival date', async () => {
    const [receipt] = await parseEmailReport(arf({ messageId: '<m4@shop.example>', recipient: 'ada@example.com' }));
    expect(receipt).toEqual({
      providerMessageId: '<m4@shop.example>',
      status: 'complained',
      recipient: 'ada@example.com',
      reason: 'abuse',
      at: new Date('2026-12-02T03:10:00Z'),
    });
  });

  it('a Message-ID line in the returned body is not taken for the original id', async () => {
    const raw = new TextDecoder()
      .decode(arf({ messageId: '<real@shop.example>', recipient: 'a@b.example' }))
      .replace('\r\nHello\r\n', '\r\nMessage-ID: <fake@evil.example>\r\n');
    expect((await parseEmailReport(bytes(raw)))[0]?.providerMessageId).toBe('<real@shop.example>');
  });

  it('a report without Feedback-Type is rejected naming the field', async () => {
    const raw = new TextDecoder().decode(arf({ messageId: '<m@s>', recipient: 'a@b.example' })).replace('Feedback-Type: abuse\r\n', '');
    const error = await parseEmailReport(bytes(raw)).catch((thrown: unknown) => thrown);
    expect(isRapportError(error, 'CHANNEL_RECEIPT_MALFORMED')).toBe(true);
    expect((error as { details: { field: string } }).details.field).toBe('Feedback-Type');
  });
});

describe('email inbound: a reply parsed for matching and threading', () => {
  it('normalises the sender, keeps the text, and threads by In-Reply-To and References', async () => {
    const raw = await composeRaw({
      from: 'Ada Lovelace <Ada@Example.COM>',
      subject: 'Re: Your order has shipped',
      text: 'Thanks! When will it arrive?\n',
      messageId: '<reply-1@example.com>',
      inReplyTo: '<msg-01@shop.example>',
      references: ['<q0@mail.example>', '<msg-01@shop.example>'],
    });
    const message = await parseInboundEmail(raw);
    expect(message).toMatchObject({
      channel: 'email',
      from: { type: 'email', value: 'ada@example.com' },
      to: 'hello@shop.example',
      subject: 'Re: Your order has shipped',
      text: 'Thanks! When will it arrive?',
      optOut: false,
      threading: {
        messageId: '<reply-1@example.com>',
        inReplyTo: '<msg-01@shop.example>',
        references: ['<q0@mail.example>', '<msg-01@shop.example>'],
      },
    });
  });

  it('a reply whose subject is "unsubscribe" is an opt-out (the mailto form of List-Unsubscribe)', async () => {
    const message = await parseInboundEmail(await composeRaw({ from: 'ada@example.com', subject: 'unsubscribe', text: 'please' }));
    expect(message.optOut).toBe(true);
  });
});
