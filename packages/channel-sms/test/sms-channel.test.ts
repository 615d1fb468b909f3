import { createCrm, isRapportError, memoryStorage } from '@rapport/core';
import { FakeClock } from '@rapport/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { isOptOut } from '../src/opt-out.js';
import { sms } from '../src/plugin.js';
import { twilioSignature } from '../src/providers/twilio-signature.js';
import { countSegments } from '../src/segments.js';
import { SmsChannel } from '../src/sms-channel.js';
import { type FakeSmsProvider, startFakeSmsProvider } from './fake-sms-provider.js';
import { ACCOUNT_SID, genericCallback, genericOptions, twilioCallback, twilioOptions } from './sms-fixtures.js';

let fake: FakeSmsProvider;
beforeAll(async () => {
  fake = await startFakeSmsProvider();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.behaviour = { kind: 'accept' };
  fake.override = undefined;
});

const to = { type: 'phone' as const, value: '+8613800138000' };

describe('sms segments (GSM-7 vs UCS-2)', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['€'.repeat(80), 'GSM-7', 1], // an extension character counts twice
    ['您的订单已发货'.repeat(10), 'UCS-2', 1], // 70 Chinese characters fit one UCS-2 segment
    [`${'您的订单已发货'.repeat(10)}。`, 'UCS-2', 2], // 71 do not: 67 per part after that
    [`${'a'.repeat(100)}👍`, 'UCS-2', 2], // one emoji makes the whole message UCS-2
  ] as const)('%# %s… is %s in %i segment(s)', (text, encoding, segments) => {
    expect(countSegments(text)).toMatchObject({ encoding, segments });
  });

  it('a send reports its parts; a text over maxSegments is refused without calling the provider', async () => {
    const channel = new SmsChannel(twilioOptions(fake.url, { maxSegments: 2 }));
    const chinese = '您的订单已发货'.repeat(10);
    expect(await channel.send({ id: 'm1', to, text: `${chinese}。` }, { idempotencyKey: 'k1' })).toMatchObject({
      status: 'sent',
      parts: 2,
    });
    const before = fake.requests.length;
    const long = await channel.send({ id: 'm2', to, text: chinese.repeat(3) }, { idempotencyKey: 'k2' });
    expect(long).toMatchObject({ status: 'failed', errorClass: 'permanent' });
    if (long.status === 'failed') expect(long.reason).toContain('UCS-2');
    expect(fake.requests.length).toBe(before);
  });
});

describe('sms over a Twilio-shaped provider', () => {
  it('posts the form to the account Messages API with basic auth, the callback URL and the idempotency header', async () => {
    const channel = new SmsChannel(twilioOptions(fake.url));
    const result = await channel.send({ id: 'msg-7', to, text: '您的订单已发货' }, { idempotencyKey: 'msg-7' });
    expect(result).toMatchObject({ status: 'sent', parts: 1 });
    const request = fake.requests.at(-1);
    expect(request?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:twilio-auth-token-0123456789`).toString('base64')}`);
    expect(request?.headers['i-twilio-idempotency-token']).toBe('msg-7');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      To: '+8613800138000',
      From: '+14155550100',
      Body: '您的订单已发货',
      StatusCallback: 'https://crm.example/hooks/sms/status',
    });
  });

  it('429 with Retry-After in seconds or as an HTTP date → throttled for that long; without it, the default', async () => {
    const clock = new FakeClock(new Date('2026-12-02T04:00:00Z'));
    const channel = new SmsChannel(twilioOptions(fake.url, { throttleRetryAfterMs: 2500 }), clock);
    const send = () => channel.send({ id: 'm', to, text: 'hi' }, { idempotencyKey: 'k' });
    fake.override = { status: 429, headers: { 'retry-after': '7' }, body: '{}' };
    expect(await send()).toMatchObject({ errorClass: 'throttled', retryAfterMs: 7000, providerCode: '429' });
    fake.override = { status: 429, headers: { 'retry-after': 'Wed, 02 Dec 2026 04:01:30 GMT' }, body: '{}' };
    expect(await send()).toMatchObject({ errorClass: 'throttled', retryAfterMs: 90_000 });
    fake.override = { status: 429, body: '{}' };
    expect(await send()).toMatchObject({ errorClass: 'throttled', retryAfterMs: 2500 });
    fake.override = { status: 429, headers: { 'retry-after': '99999999' }, body: '{}' };
    expect(await send()).toMatchObject({ errorClass: 'throttled', retryAfterMs: 86_400_000 });
  });

  it.each([
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [302, 'permanent'],
    [408, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
  ] as const)('HTTP %i → %s', async (status, errorClass) => {
    fake.override = { status, headers: status === 302 ? { location: 'http://169.254.169.254/' } : {}, body: '{"code":1}' };
    const result = await new SmsChannel(twilioOptions(fake.url)).send({ id: 'm', to, text: 'hi' }, { idempotencyKey: 'k' });
    expect(result).toMatchObject({ status: 'failed', errorClass, providerCode: String(status) });
  });

  it('a 2xx without a message id is transient (the retry carries the same idempotency key)', async () => {
    fake.override = { status: 201, body: '{"status":"queued"}' };
    expect(await new SmsChannel(twilioOptions(fake.url)).send({ id: 'm', to, text: 'hi' }, { idempotencyKey: 'k' })).toMatchObject({
      errorClass: 'transient',
    });
  });

  it('a provider slower than timeoutMs → transient', async () => {
    const { createServer } = await import('node:http');
    const slow = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const address = slow.address() as { port: number };
    const channel = new SmsChannel(twilioOptions(`http://127.0.0.1:${address.port}`, { timeoutMs: 200 }));
    const result = await channel.send({ id: 'm', to, text: 'hi' }, { idempotencyKey: 'k' });
    slow.closeAllConnections();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
    expect(result).toMatchObject({ status: 'failed', errorClass: 'transient' });
  });

  it("computes Twilio's published signature examples", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = (from: string) => ({ CallSid: 'CA1234567890ABCDE', Caller: from, Digits: '1234', From: from, To: '+18005551212' });
    expect(twilioSignature('12345', url, params('+14158675310'))).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(twilioSignature('12345', url, params('+12349013030'))).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('a signed callback for another URL is refused (the URL is signed too)', async () => {
    const channel = new SmsChannel(twilioOptions(fake.url));
    const request = { ...twilioCallback({ From: '+14155552671', Body: 'hi' }), url: 'https://evil.example/hooks/sms' };
    const error = await channel.parseInbound(request).catch((thrown: unknown) => thrown);
    expect(isRapportError(error, 'CHANNEL_SIGNATURE_INVALID')).toBe(true);
    expect((error as { kind: string }).kind).toBe('forbidden');
  });

  it('receipts that are not final (queued, sent) give no status; undelivered carries the error code', async () => {
    const channel = new SmsChannel(twilioOptions(fake.url));
    expect(await channel.parseReceipt(twilioCallback({ MessageSid: 'SM1', MessageStatus: 'queued' }))).toEqual([]);
    expect(await channel.parseReceipt(twilioCallback({ MessageSid: 'SM1', MessageStatus: 'sent' }))).toEqual([]);
    expect(await channel.parseReceipt(twilioCallback({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30005' }))).toEqual([
      { providerMessageId: 'SM1', status: 'failed', reason: 'Twilio error 30005' },
    ]);
  });

  it('an inbound national number is normalised with defaultRegion; 退订 is an opt-out', async () => {
    const channel = new SmsChannel(twilioOptions(fake.url, { defaultRegion: 'CN' }));
    const [message] = await channel.parseInbound(
      twilioCallback({ From: '13800138000', To: '+14155550100', Body: '退订', MessageSid: 'SM9' }),
    );
    expect(message).toMatchObject({
      channel: 'sms',
      from: { type: 'phone', value: '+8613800138000' },
      providerMessageId: 'SM9',
      optOut: true,
    });
  });
});

describe('sms over a generic provider', () => {
  it('fills the body template (once: a text holding "{{to}}" stays as written), with the auth and idempotency headers', async () => {
    const channel = new SmsChannel(genericOptions(fake.url));
    const result = await channel.send({ id: 'g-1', to, text: 'Code {{to}} 1234' }, { idempotencyKey: 'g-1' });
    expect(result).toMatchObject({ status: 'sent' });
    const request = fake.requests.at(-1);
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers.authorization).toBe('Bearer generic-token');
    expect(request?.headers['idempotency-key']).toBe('g-1');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      recipient: '+8613800138000',
      sender: '+14155550100',
      message: 'Code {{to}} 1234',
      ref: 'g-1',
    });
  });

  it('receipts map the provider statuses; an unlisted one gives no status', async () => {
    const channel = new SmsChannel(genericOptions(fake.url));
    expect(await channel.parseReceipt(genericCallback({ message: { id: 'g-1' }, state: 'REJECTD', error: 'blocked' }))).toEqual([
      { providerMessageId: 'g-1', status: 'failed', reason: 'blocked' },
    ]);
    expect(await channel.parseReceipt(genericCallback({ message: { id: 'g-1' }, state: 'ACCEPTD' }))).toEqual([]);
  });
});

describe('opt-out keywords', () => {
  it.each(['STOP', 'stop', ' Stop. ', 'UNSUBSCRIBE', 'unsubscribe!', '退订', 'TD', 'td', 'ＳＴＯＰ', '退订。'])(
    '%j is an opt-out',
    (text) => {
      expect(isOptOut(text)).toBe(true);
    },
  );
  it.each(['stop by the shop', 'Please do not stop', '我想退订吗？不', 'TDD', 'STOPPED', ''])('%j is not', (text) => {
    expect(isOptOut(text)).toBe(false);
  });
});

describe('sms plugin', () => {
  it('provides crm.smsChannel, typed, and contributes it for the hub', async () => {
    const crm = await createCrm({
      storage: memoryStorage(),
      plugins: [sms({ provider: { kind: 'twilio', accountSid: ACCOUNT_SID, authToken: 'x'.repeat(32) }, from: '+14155550100' })],
    });
    try {
      expectTypeOf(crm.smsChannel).toEqualTypeOf<SmsChannel>();
      expect(crm.smsChannel).toBeInstanceOf(SmsChannel);
      expect(crm.contributions.of('channels').map((entry) => entry.value.id)).toEqual(['sms']);
    } finally {
      await crm.close();
    }
  });

  it('bad options fail createCrm naming each field', async () => {
    const bad = { provider: { kind: 'twilio', accountSid: 'nope', authToken: 'short' }, from: '0123', maxSegments: 0 };
    const error = await createCrm({ storage: memoryStorage(), plugins: [sms(bad as never)] }).catch((thrown: unknown) => thrown);
    expect(isRapportError(error, 'PLUGIN_INVALID_OPTIONS')).toBe(true);
    const paths = (error as { details: { issues: { path: string[] }[] } }).details.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['provider.accountSid', 'provider.authToken', 'from', 'maxSegments']));
  });

  it('a generic body without {{text}} is refused', async () => {
    const options = {
      provider: { kind: 'generic', url: 'https://sms.example/send', body: { to: '{{to}}' }, responseIdPath: 'id' },
      from: '+14155550100',
    };
    const error = await createCrm({ storage: memoryStorage(), plugins: [sms(options as never)] }).catch((thrown: unknown) => thrown);
    expect((error as { details: { issues: { path: string[] }[] } }).details.issues.map((issue) => issue.path.join('.'))).toEqual([
      'provider.body',
    ]);
  });
});
