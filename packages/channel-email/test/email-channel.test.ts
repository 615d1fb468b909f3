import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailChannel } from '../src/email-channel.js';
import { EmailOptionsSchema } from '../src/options.js';
import { closedPort } from './closed-port.js';
import { type SmtpHarness, startSmtpHarness } from './smtp-harness.js';

let smtp: SmtpHarness;
beforeAll(async () => {
  smtp = await startSmtpHarness();
});
afterAll(async () => {
  await smtp.close();
});

describe('email channel: what the SMTP server receives', () => {
  it('has the sender, recipient, subject, both bodies, the Message-ID, the idempotency key, RFC 8058 and threading headers', async () => {
    smtp.behave({ kind: 'accept' });
    const result = await smtp.channel.send(
      {
        id: 'msg-01',
        to: { type: 'email', value: 'ada@example.com' },
        subject: 'Your order has shipped',
        text: 'Hello Ada, it is on its way.',
        html: '<p>Hello Ada, it is <b>on its way</b>.</p>',
        unsubscribeUrl: 'https://shop.example/u/signed-token',
        threading: { inReplyTo: '<q1@mail.example>', references: ['<q0@mail.example>', '<q1@mail.example>'] },
      },
      { idempotencyKey: 'msg-01' },
    );
    expect(result).toEqual({ status: 'sent', providerMessageId: '<msg-01@shop.example>' });
    const mail = smtp.received.at(-1);
    expect(mail?.envelopeTo).toEqual(['ada@example.com']);
    const { parsed, raw } = mail ?? { parsed: undefined, raw: '' };
    expect(parsed?.from?.value[0]?.address).toBe('hello@shop.example');
    expect(parsed?.subject).toBe('Your order has shipped');
    expect(parsed?.text?.trim()).toBe('Hello Ada, it is on its way.');
    expect(parsed?.html).toContain('<b>on its way</b>');
    expect(parsed?.messageId).toBe('<msg-01@shop.example>');
    expect(parsed?.inReplyTo).toBe('<q1@mail.example>');
    expect(parsed?.references).toEqual(['<q0@mail.example>', '<q1@mail.example>']);
    expect(raw).toMatch(/^X-Idempotency-Key: msg-01\r$/m);
    expect(raw).toMatch(/^List-Unsubscribe: <https:\/\/shop\.example\/u\/signed-token>\r$/m);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
  });

  it('leaves the unsubscribe headers out when no link is given, and encodes ids a Message-ID cannot hold', async () => {
    smtp.behave({ kind: 'accept' });
    const result = await smtp.channel.send(
      { id: 'a b/c', to: { type: 'email', value: 'ada@example.com' }, text: 'x' },
      { idempotencyKey: 'k' },
    );
    expect(result).toEqual({ status: 'sent', providerMessageId: `<b64.${Buffer.from('a b/c').toString('base64url')}@shop.example>` });
    expect(smtp.received.at(-1)?.raw).not.toMatch(/^List-Unsubscribe/m);
    expect(smtp.received.at(-1)?.parsed.messageId).toBe(result.status === 'sent' ? result.providerMessageId : '');
  });

  it("tags Reply-To with the conversation's reply token, but sends the plain mailbox when the local part would pass 64 octets", async () => {
    smtp.behave({ kind: 'accept' });
    const token = `rt2.01JE8ZK3V6W9Q2R5T7Y4X1M0NB.${'a'.repeat(22)}`;
    const replyTo = async (mailbox: string) => {
      const channel = new EmailChannel(
        EmailOptionsSchema.parse({
          smtp: { host: '127.0.0.1', port: smtp.port, ignoreTLS: true, timeoutMs: 5000 },
          from: 'hello@shop.example',
          replyTo: mailbox,
        }),
      );
      const message = {
        id: 'rt',
        to: { type: 'email', value: 'ada@example.com' },
        text: 'x',
        threading: { conversationId: token },
      } as const;
      expect(await channel.send(message, { idempotencyKey: 'rt' })).toMatchObject({ status: 'sent' });
      await channel.close();
      return smtp.received.at(-1)?.parsed.replyTo?.value[0]?.address;
    };
    // hello+<53 characters>: 59 octets, within the limit.
    expect(await replyTo('hello@shop.example')).toBe(`hello+${token}@shop.example`);
    // customer-service+<53>: 70 octets, which a receiving server may refuse; replies thread by In-Reply-To instead.
    expect(await replyTo('customer-service@shop.example')).toBe('customer-service@shop.example');
  });

  it('refuses an unsubscribe link that is not https (RFC 8058) without sending', async () => {
    smtp.behave({ kind: 'accept' });
    const before = smtp.received.length;
    const result = await smtp.channel.send(
      { id: 'm', to: { type: 'email', value: 'ada@example.com' }, text: 'x', unsubscribeUrl: 'http://shop.example/u' },
      { idempotencyKey: 'k' },
    );
    expect(result).toMatchObject({ status: 'failed', errorClass: 'permanent' });
    expect(smtp.received.length).toBe(before);
  });
});

describe('email channel: SMTP replies are classified', () => {
  const cases: [number, string, 'permanent' | 'throttled' | 'transient'][] = [
    [550, '5.1.1 No such user', 'permanent'],
    [554, '5.7.1 Relay denied', 'permanent'],
    [552, '5.2.2 Mailbox full (for good)', 'permanent'],
    [421, '4.7.0 Try again later', 'throttled'],
    [452, '4.5.3 Too many recipients', 'throttled'],
    [451, '4.7.1 Rate limit exceeded for this sender', 'throttled'],
    [450, '4.2.1 Mailbox busy', 'transient'],
    [451, '4.3.0 Local error in processing', 'transient'],
  ];
  for (const [code, text, errorClass] of cases) {
    it(`${code} ${text} → ${errorClass}`, async () => {
      smtp.replyWith(code, text);
      const result = await smtp.channel.send(
        { id: `c${code}`, to: { type: 'email', value: 'ada@example.com' }, text: 'x' },
        { idempotencyKey: 'k' },
      );
      expect(result).toMatchObject({ status: 'failed', errorClass, providerCode: String(code) });
      if (result.status === 'failed') expect(result.reason).toContain(text.slice(0, 10));
      if (result.status === 'failed' && result.errorClass === 'throttled') expect(result.retryAfterMs).toBe(60_000);
    });
  }

  it('a refused connection → transient, with the socket error code', async () => {
    const channel = new EmailChannel(
      EmailOptionsSchema.parse({
        smtp: { host: '127.0.0.1', port: await closedPort(), ignoreTLS: true, timeoutMs: 2000 },
        from: 'hello@shop.example',
      }),
    );
    const result = await channel.send({ id: 'r', to: { type: 'email', value: 'ada@example.com' }, text: 'x' }, { idempotencyKey: 'k' });
    await channel.close();
    expect(result).toMatchObject({ status: 'failed', errorClass: 'transient' });
    if (result.status === 'failed') expect(`${result.providerCode} ${result.reason}`).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
  });
});
