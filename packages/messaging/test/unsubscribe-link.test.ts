import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { email } from '@rapport/channel-email';
import { isRapportError } from '@rapport/core';
import { createTestCrm } from '@rapport/testkit';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations } from '../src/conversations/conversations-plugin.js';
import { messaging, signUnsubscribeToken, verifyUnsubscribeToken } from '../src/index.js';
import { messagingTemplates } from '../src/templates/templates-plugin.js';
import { rawEmail } from './inbound-fixtures.js';

const SECRET = 'unsubscribe-secret-0123456789abcdef';
const REPLY_SECRET = 'reply-token-secret-0123456789abcdef';

/** What the SMTP server in this process accepted. */
const received: string[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      callback(null);
    });
  },
});

/** The Crm of these tests: messaging with templates and conversations, e-mail through the SMTP server above. */
async function makeCrm() {
  return createTestCrm({
    plugins: [
      email({
        smtp: { host: '127.0.0.1', port: smtpPort, ignoreTLS: true, timeoutMs: 5000 },
        from: 'Shop <hello@shop.example>',
        replyTo: 'hello@shop.example',
      }),
      messagingTemplates(),
      conversations({ replyTokenSecret: REPLY_SECRET }),
      messaging({ unsubscribe: { url: 'https://shop.example/unsubscribe?list=news', secret: SECRET } }),
    ],
  });
}

/** The app's endpoint, mounted as the docs show: POST with the RFC 8058 body withdraws, GET only confirms. */
let crm: Awaited<ReturnType<typeof makeCrm>>;
const http: Server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
    if (request.method !== 'POST') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('Press the button to unsubscribe.');
      return;
    }
    try {
      const outcome = await crm.messages.unsubscribe(token);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome));
    } catch (error) {
      const code = isRapportError(error) ? error.code : 'INTERNAL';
      response.writeHead(isRapportError(error, 'MESSAGING_UNSUBSCRIBE_INVALID') ? 400 : 500).end(code);
    }
  });
});

let smtpPort = 0;
let httpBase = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  crm = await makeCrm();
});
afterAll(async () => {
  await crm.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** The header's value in a raw message (unfolded). */
function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]?.replace(/\r?\n[ \t]+/g, ' ') ?? '';
  return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]?.trim();
}

/** The one-click POST a mail client makes to the link (RFC 8058), to the app's local endpoint. */
async function oneClick(link: string): Promise<Response> {
  const token = new URL(link).searchParams.get('token') ?? '';
  return fetch(`${httpBase}/unsubscribe?token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
}

async function marketingCustomer(address: string): Promise<string> {
  const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: address }] });
  await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', channel: 'email', source: 'signup' });
  return customer.id;
}

async function deliver(send: Parameters<typeof crm.messages.send>[0]): Promise<string> {
  const before = received.length;
  await crm.messages.send(send);
  await crm.workers().drain();
  expect(received.length).toBe(before + 1);
  return received.at(-1) as string;
}

describe('one-click unsubscribe links (RFC 8058) and Reply-To, through a real SMTP server and HTTP endpoint', () => {
  it('signs the link into List-Unsubscribe and the template; a one-click POST withdraws once, a GET never', async () => {
    const ada = await marketingCustomer('ada@example.com');
    await crm.templates.save({
      key: 'news',
      channel: 'email',
      locale: 'en',
      subject: 'News',
      html: '<p>Hello</p><a href="{{ unsubscribeUrl }}">Unsubscribe</a>',
    });
    const raw = await deliver({ customerId: ada, purpose: 'marketing', channel: 'email', template: { key: 'news' } });
    const link = /^<(.+)>$/.exec(header(raw, 'List-Unsubscribe') ?? '')?.[1] as string;
    expect(link).toMatch(/^https:\/\/shop\.example\/unsubscribe\?list=news&token=us1\./);
    expect(header(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // The same link in the body, HTML-escaped as every variable in an e-mail template is.
    expect(raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=')).toContain(link.replace(/&/g, '&amp;'));
    const message = (await crm.messages.list({ customerId: ada })).items[0];
    expect(verifyUnsubscribeToken(new URL(link).searchParams.get('token') as string, SECRET)).toEqual({
      tenantId: crm.tenantId,
      customerId: ada,
      purpose: 'marketing',
      channel: 'email',
      messageId: message?.id,
    });

    const peek = await fetch(`${httpBase}/unsubscribe?token=${encodeURIComponent(new URL(link).searchParams.get('token') ?? '')}`);
    expect(peek.status).toBe(200);
    expect((await crm.consent.check({ customerId: ada, purpose: 'marketing', channel: 'email' })).allowed).toBe(true);

    const first = await oneClick(link);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ customerId: ada, purpose: 'marketing', channel: 'email', withdrawn: true });
    expect((await crm.consent.check({ customerId: ada, purpose: 'marketing', channel: 'email' })).allowed).toBe(false);
    const again = await oneClick(link);
    expect(await again.json()).toMatchObject({ withdrawn: false });
    const withdrawals = (await crm.consent.history(ada)).filter((record) => record.status === 'withdrawn');
    expect(withdrawals).toHaveLength(1);
    expect(withdrawals[0]).toMatchObject({ source: 'unsubscribe:email', proof: { messageId: message?.id } });
    // The next marketing message is blocked at send time.
    await crm.messages.send({ customerId: ada, purpose: 'marketing', channel: 'email', content: { subject: 'More', text: 'x' } });
    const before = received.length;
    await crm.workers().drain();
    expect(received.length).toBe(before);
  });

  it('withdraws once when many one-click POSTs of one link arrive at once (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const customerId = await marketingCustomer(`race${round}@example.com`);
      const raw = await deliver({ customerId, purpose: 'marketing', channel: 'email', content: { subject: 'Hi', text: 'Hi' } });
      const link = /^<(.+)>$/.exec(header(raw, 'List-Unsubscribe') ?? '')?.[1] as string;
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, async () => (await (await oneClick(link)).json()) as { withdrawn: boolean }),
      );
      expect(outcomes.filter((outcome) => outcome.withdrawn).length, `round ${round}`).toBe(1);
      expect((await crm.consent.history(customerId)).filter((record) => record.status === 'withdrawn')).toHaveLength(1);
    }
  });

  it('refuses a tampered, forged or foreign token with MESSAGING_UNSUBSCRIBE_INVALID and withdraws nothing', async () => {
    const bob = await marketingCustomer('bob@example.com');
    const raw = await deliver({ customerId: bob, purpose: 'marketing', channel: 'email', content: { subject: 'Hi', text: 'Hi' } });
    const link = /^<(.+)>$/.exec(header(raw, 'List-Unsubscribe') ?? '')?.[1] as string;
    const token = new URL(link).searchParams.get('token') as string;
    const [prefix, body, signature] = token.split('.') as [string, string, string];
    const otherBody = Buffer.from(JSON.stringify(['someone-else', 'marketing', 'email', 'm1'])).toString('base64url');
    const bad = [
      `${prefix}.${otherBody}.${signature}`,
      `${prefix}.${body}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
      signUnsubscribeToken(
        { tenantId: crm.tenantId, customerId: bob, purpose: 'marketing', channel: 'email', messageId: 'm1' },
        'another-secret-0123456789abcdefgh',
      ),
      '',
      'us1..',
      'x'.repeat(5000),
    ];
    for (const forged of bad) {
      const error = await crm.messages.unsubscribe(forged).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(isRapportError(error, 'MESSAGING_UNSUBSCRIBE_INVALID'), forged.slice(0, 40)).toBe(true);
      expect(error).toMatchObject({ details: { field: 'token' } });
    }
    expect((await crm.consent.check({ customerId: bob, purpose: 'marketing', channel: 'email' })).allowed).toBe(true);
  });

  it('puts no unsubscribe link on a transactional message; Reply-To is the mailbox, with the reply token in a conversation', async () => {
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'cyd@example.com' }] });
    const receipt = await deliver({ customerId: customer.id, purpose: 'transactional', content: { subject: 'Receipt', text: 'Thanks' } });
    expect(header(receipt, 'List-Unsubscribe')).toBeUndefined();
    expect(header(receipt, 'Reply-To')).toBe('hello@shop.example');

    // Cyd writes in; the reply carries the conversation's token in Reply-To's +tag.
    const question = await crm.conversations.receive(
      'email',
      rawEmail({
        from: 'cyd@example.com',
        messageId: '<q1@mail.example>',
        date: new Date(),
        subject: 'Where is my order?',
        text: 'Where?',
      }),
    );
    const opened = question.outcomes[0];
    if (opened?.status !== 'recorded') throw new Error('the question was not recorded');
    const reply = await deliver({
      customerId: customer.id,
      purpose: 'transactional',
      conversationId: opened.conversationId,
      content: { subject: 'Re: Where is my order?', text: 'On its way.' },
    });
    const replyTo = header(reply, 'Reply-To') as string;
    expect(replyTo).toMatch(/^hello\+rt2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+@shop\.example$/);
    expect(replyTo.split('@')[0]?.length).toBeLessThanOrEqual(64);
    // Cyd answers from her phone's mail app without In-Reply-To: the +tag threads it.
    const answer = await crm.conversations.receive(
      'email',
      rawEmail({
        from: 'cyd@example.com',
        to: replyTo,
        messageId: '<a1@mail.example>',
        date: new Date(),
        subject: 'thanks',
        text: 'Thanks!',
      }),
    );
    expect(answer.outcomes[0]).toMatchObject({ status: 'recorded', conversationId: opened.conversationId });
  });

  it('refuses unsubscribe options that are not an https URL and a long enough secret, naming the field', async () => {
    for (const [options, field] of [
      [{ url: 'http://shop.example/u', secret: SECRET }, 'url'],
      [{ url: 'https://shop.example/u', secret: 'short' }, 'secret'],
    ] as const) {
      const error = await createTestCrm({ plugins: [messaging({ unsubscribe: options })] }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(isRapportError(error, 'PLUGIN_INVALID_OPTIONS'), String(error)).toBe(true);
      expect((error as Error).message).toContain(`unsubscribe.${field}: `);
    }
  });
});
