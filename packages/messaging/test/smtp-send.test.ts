import type { AddressInfo } from 'node:net';
import { email } from '@rapport/channel-email';
import { createTestCrm } from '@rapport/testkit';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messaging } from '../src/index.js';

/** What the SMTP server in this process accepted. */
const received: { to: string[]; raw: string }[] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: Buffer.concat(chunks).toString('utf8') });
      callback(null);
    });
  },
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a send through @rapport/channel-email to a real SMTP server', () => {
  it('routes, dispatches and delivers one message end to end, with the message id as idempotency key, and records it sent', async () => {
    const crm = await createTestCrm({
      plugins: [
        email({ smtp: { host: '127.0.0.1', port, ignoreTLS: true, timeoutMs: 5000 }, from: 'Shop <hello@shop.example>' }),
        messaging(),
      ],
      record: ['message.sent'],
    });
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
    const sent = await crm.messages.send({
      customerId: customer.id,
      purpose: 'transactional',
      content: { subject: 'Your order has shipped', text: 'Order A-1 is on its way.', html: '<p>Order A-1 is on its way.</p>' },
    });
    expect(sent.reasons).toEqual(['email: chosen (next in order)']);
    await crm.workers().drain();
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail?.to).toEqual(['ada@example.com']);
    expect(mail?.raw).toMatch(/^Subject: Your order has shipped\r?$/m);
    expect(mail?.raw).toMatch(new RegExp(`^X-Idempotency-Key: ${sent.messageId}\\r?$`, 'im'));
    expect(mail?.raw).toContain('Order A-1 is on its way.');
    const message = await crm.messages.get(sent.messageId);
    expect(message.status).toBe('sent');
    expect(message.providerMessageId).toMatch(/^<.+@.+>$/);
    expect(crm.recordedOf('message.sent').map((event) => event.messageId)).toEqual([sent.messageId]);
    await crm.close();
  });
});
