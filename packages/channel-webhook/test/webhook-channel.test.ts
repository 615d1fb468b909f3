import type { LookupAddress } from 'node:dns';
import { FakeClock } from '@rapport/testkit';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookOptionsSchema } from '../src/options.js';
import { TargetGuard } from '../src/outbound/target-guard.js';
import { WebhookChannel } from '../src/webhook-channel.js';
import { OLD_SECRET, SECRET } from './webhook-fixtures.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.behaviour = { kind: 'accept' };
  receiver.status = undefined;
});

const to = { type: 'external' as const, namespace: 'wechat', value: 'openid-1' };
const make = (
  url: string,
  extra: Record<string, unknown> = {},
  clock = new FakeClock('2026-12-02T04:00:00Z'),
  resolver?: (host: string) => Promise<LookupAddress[]>,
) =>
  new WebhookChannel(WebhookOptionsSchema.parse({ url, secrets: [SECRET], allowTargets: ['127.0.0.1'], timeoutMs: 2000, ...extra }), {
    clock,
    resolver,
  });

describe('webhook outbound: signed per Standard Webhooks', () => {
  it('posts the event with webhook-id = idempotency key and a signature standardwebhooks verifies, for each rotated secret', async () => {
    const channel = new WebhookChannel(
      WebhookOptionsSchema.parse({ url: receiver.url, secrets: [SECRET, OLD_SECRET], allowTargets: ['127.0.0.1'] }),
    );
    const result = await channel.send(
      { id: 'msg-1', to, type: 'order.shipped', text: 'Shipped', data: { order: 42 } },
      { idempotencyKey: 'msg-1' },
    );
    expect(result).toEqual({ status: 'sent', providerMessageId: 'msg-1' });
    const delivery = receiver.deliveries.at(-1);
    const headers = delivery?.headers as Record<string, string>;
    expect(headers['webhook-id']).toBe('msg-1');
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    // Each secret alone verifies (the receiver may be on either side of the rotation).
    for (const secret of [SECRET, OLD_SECRET]) {
      expect(new Webhook(secret).verify(delivery?.body ?? '', headers)).toEqual({
        type: 'order.shipped',
        data: { id: 'msg-1', to, text: 'Shipped', data: { order: 42 } },
      });
    }
    const stranger = `whsec_${Buffer.from('somebody-else-entirely-000000').toString('base64')}`;
    expect(() => new Webhook(stranger).verify(delivery?.body ?? '', headers)).toThrow();
  });

  it('a retry keeps the webhook-id and body; only the timestamp (and so the signature) moves', async () => {
    const clock = new FakeClock('2026-12-02T04:00:00Z');
    const channel = make(receiver.url, {}, clock);
    receiver.behaviour = { kind: 'fail' };
    const first = await channel.send({ id: 'msg-2', to, text: 'x' }, { idempotencyKey: 'msg-2' });
    expect(first).toMatchObject({ status: 'failed', errorClass: 'transient', providerCode: '503' });
    clock.advance({ seconds: 30 });
    receiver.behaviour = { kind: 'accept' };
    expect(await channel.send({ id: 'msg-2', to, text: 'x' }, { idempotencyKey: 'msg-2' })).toMatchObject({ status: 'sent' });
    const [a, b] = receiver.deliveries.slice(-2);
    expect(b?.headers['webhook-id']).toBe(a?.headers['webhook-id']);
    expect(b?.body).toBe(a?.body);
    expect(Number(b?.headers['webhook-timestamp']) - Number(a?.headers['webhook-timestamp'])).toBe(30);
  });

  it('410 Gone → permanent, with the flag that the endpoint should be disabled', async () => {
    receiver.status = { code: 410 };
    expect(await make(receiver.url).send({ id: 'm', to, text: 'x' }, { idempotencyKey: 'k' })).toEqual({
      status: 'failed',
      errorClass: 'permanent',
      disableEndpoint: true,
      reason: 'HTTP 410',
      providerCode: '410',
    });
  });

  it('429 with Retry-After → throttled for that long; a redirect is not followed', async () => {
    receiver.status = { code: 429, headers: { 'retry-after': '12' } };
    expect(await make(receiver.url).send({ id: 'm', to, text: 'x' }, { idempotencyKey: 'k' })).toMatchObject({
      errorClass: 'throttled',
      retryAfterMs: 12_000,
    });
    receiver.status = { code: 307, headers: { location: 'http://169.254.169.254/latest/meta-data/' } };
    expect(await make(receiver.url).send({ id: 'm', to, text: 'x' }, { idempotencyKey: 'k' })).toMatchObject({
      errorClass: 'permanent',
      providerCode: '307',
    });
  });
});

describe('webhook outbound: SSRF — non-public targets are refused after DNS resolution', () => {
  const targets = [
    ['loopback 127.0.0.1', 'http://127.0.0.1:{port}/hooks'],
    ['loopback 127.5.6.7', 'http://127.5.6.7:{port}/hooks'],
    ['IPv6 loopback [::1]', 'http://[::1]:{port}/hooks'],
    ['IPv4-mapped loopback [::ffff:127.0.0.1]', 'http://[::ffff:127.0.0.1]:{port}/hooks'],
    ['a name resolving to loopback (localhost)', 'http://localhost:{port}/hooks'],
    ['private 10.x', 'http://10.1.2.3/hooks'],
    ['private 172.16/12 (low end)', 'http://172.16.0.1/hooks'],
    ['private 172.16/12 (high end)', 'http://172.31.255.254/hooks'],
    ['private 192.168/16', 'https://192.168.1.20/hooks'],
    ['the cloud metadata service 169.254.169.254', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 link-local [fe80::1]', 'http://[fe80::1]/hooks'],
    ['IPv6 unique-local [fd00::1]', 'http://[fd00::1]/hooks'],
    ['unspecified 0.0.0.0', 'http://0.0.0.0:{port}/hooks'],
    ['carrier-grade NAT 100.64.0.1', 'http://100.64.0.1/hooks'],
  ] as const;
  for (const [label, template] of targets) {
    it(`refuses ${label}`, async () => {
      const before = receiver.deliveries.length;
      // No allowTargets here: nothing non-public is allowed.
      const channel = new WebhookChannel(
        WebhookOptionsSchema.parse({ url: template.replace('{port}', String(receiver.port)), secrets: [SECRET], timeoutMs: 2000 }),
      );
      const result = await channel.send({ id: 'm', to, text: 'x' }, { idempotencyKey: 'k' });
      expect(result).toMatchObject({ status: 'failed', errorClass: 'permanent', providerCode: 'ERR_WEBHOOK_TARGET_REFUSED' });
      expect(receiver.deliveries.length).toBe(before);
    });
  }

  it('refuses a name whose DNS answer holds any private address, even beside a public one', async () => {
    const resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    const result = await make('https://bridge.example/hooks', { allowTargets: [] }, undefined, resolver).send(
      { id: 'm', to, text: 'x' },
      { idempotencyKey: 'k' },
    );
    expect(result).toMatchObject({ errorClass: 'permanent' });
    if (result.status === 'failed') expect(result.reason).toContain('10.0.0.5');
  });

  it('refuses a DNS answer that turns private between the check and the connection (rebinding)', async () => {
    let calls = 0;
    const resolver = async () => (++calls === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const before = receiver.deliveries.length;
    const channel = make(`http://rebind.example:${receiver.port}/hooks`, { allowTargets: [] }, undefined, resolver);
    const result = await channel.send({ id: 'm', to, text: 'x' }, { idempotencyKey: 'k' });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ errorClass: 'permanent', providerCode: 'ERR_WEBHOOK_TARGET_REFUSED' });
    expect(receiver.deliveries.length).toBe(before);
  });

  it('connects to what the guard resolved: a name allowed explicitly reaches the local receiver', async () => {
    const resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const channel = make(`http://bridge.internal:${receiver.port}/hooks`, { allowTargets: ['127.0.0.0/8'] }, undefined, resolver);
    expect(await channel.send({ id: 'm', to, text: 'x' }, { idempotencyKey: 'via-name' })).toMatchObject({ status: 'sent' });
    expect(receiver.deliveries.at(-1)?.headers.host).toBe(`bridge.internal:${receiver.port}`);
  });

  it('judges public addresses as reachable and everything else by range', () => {
    const guard = new TargetGuard(['10.20.0.0/16']);
    expect(guard.refusal('8.8.8.8')).toBeUndefined();
    expect(guard.refusal('172.32.0.1')).toBeUndefined(); // just outside 172.16/12
    expect(guard.refusal('2001:4860:4860::8888')).toBeUndefined();
    expect(guard.refusal('10.20.3.4')).toBeUndefined(); // allowed explicitly
    expect(guard.refusal('10.21.3.4')).toBe('private');
    expect(guard.refusal('::ffff:169.254.169.254')).toBe('linkLocal');
    expect(guard.refusal('not-an-ip')).toBe('unparseable');
  });
});
