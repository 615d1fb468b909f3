import { isRapportError } from '@rapport/core';
import { FakeClock } from '@rapport/testkit';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryReplayStore } from '../src/inbound/replay-store.js';
import { WebhookOptionsSchema } from '../src/options.js';
import { WebhookChannel } from '../src/webhook-channel.js';
import { OLD_SECRET, SECRET, signedRequest } from './webhook-fixtures.js';

const NOW = new Date('2026-12-02T04:00:00Z');
const channelAt = (clock: FakeClock, inboundSecrets?: string[]) =>
  new WebhookChannel(WebhookOptionsSchema.parse({ url: 'https://bridge.example/out', secrets: [SECRET], inboundSecrets }), {
    clock,
    replayStore: new MemoryReplayStore(),
  });
const event = (text = 'Where is my order?') => ({
  type: 'message.received',
  data: { from: { type: 'external', namespace: 'wechat', value: 'openid-9' }, text, conversationId: 'c-1' },
});

async function rejection(promise: Promise<unknown>): Promise<{ code: string; field: string }> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(isRapportError(error), `expected a typed error, got ${String(error)}`).toBe(true);
  return { code: (error as { code: string }).code, field: (error as { details: { field: string } }).details.field };
}

describe('webhook inbound verification', () => {
  it('accepts a fresh, correctly signed event and normalises it', async () => {
    const [message] = await channelAt(new FakeClock(NOW)).parseInbound(signedRequest(event(), { id: 'evt-1', at: NOW }));
    expect(message).toMatchObject({
      channel: 'webhook',
      from: { type: 'external', namespace: 'wechat', value: 'openid-9' },
      text: 'Where is my order?',
      optOut: false,
      duplicate: false,
    });
    expect(message?.threading.conversationId).toBe('c-1');
  });

  it('tampering with any byte of the body or the signed headers is rejected (fast-check)', async () => {
    const clock = new FakeClock(NOW);
    const channel = channelAt(clock);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('body', 'webhook-id', 'webhook-timestamp', 'webhook-signature'),
        async (text, position, flip, part) => {
          const request = signedRequest(event(text), { id: `evt-${position}-${flip}`, at: NOW });
          const headers = { ...request.headers } as Record<string, string>;
          let body = request.body;
          if (part === 'body') {
            body = Uint8Array.from(request.body);
            const index = position % body.length;
            body[index] = (body[index] as number) ^ flip;
          } else {
            const value = Buffer.from(headers[part] as string);
            const index = part === 'webhook-signature' ? 3 + (position % (value.length - 3)) : position % value.length; // past "v1,"
            value[index] = (value[index] as number) ^ flip;
            headers[part] = value.toString('latin1');
          }
          const { code } = await rejection(channel.parseInbound({ ...request, headers, body }));
          expect(['CHANNEL_SIGNATURE_INVALID', 'CHANNEL_INBOUND_MALFORMED']).toContain(code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a timestamp more than 5 minutes away either way is rejected; 299 s is accepted (fast-check over the offset)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -3600, max: 3600 }), async (offsetSeconds) => {
        const channel = channelAt(new FakeClock(NOW));
        const request = signedRequest(event(), { id: `evt-skew-${offsetSeconds}`, at: new Date(NOW.getTime() + offsetSeconds * 1000) });
        if (Math.abs(offsetSeconds) <= 300) {
          expect(await channel.parseInbound(request)).toHaveLength(1);
        } else {
          expect(await rejection(channel.parseInbound(request))).toEqual({
            code: 'CHANNEL_SIGNATURE_INVALID',
            field: 'header webhook-timestamp',
          });
        }
      }),
      { numRuns: 200 },
    );
    const channel = channelAt(new FakeClock(NOW));
    const future = signedRequest(event(), { id: 'evt-future', at: new Date(NOW.getTime() + 10 * 60_000) });
    expect((await rejection(channel.parseInbound(future))).field).toBe('header webhook-timestamp');
    expect(await channel.parseInbound(signedRequest(event(), { id: 'evt-299', at: new Date(NOW.getTime() - 299_000) }))).toHaveLength(1);
  });

  it('a replayed id is reported as a duplicate (fast-check over ids and replays)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/), fc.integer({ min: 1, max: 4 }), async (id, replays) => {
        const clock = new FakeClock(NOW);
        const channel = channelAt(clock);
        const request = signedRequest(event(), { id, at: NOW });
        expect((await channel.parseInbound(request))[0]?.duplicate).toBe(false);
        for (let replay = 0; replay < replays; replay++) {
          clock.advance({ seconds: 60 });
          expect((await channel.parseInbound(request))[0]?.duplicate).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('concurrent deliveries of one id: exactly one is new, every round', async () => {
    const channel = channelAt(new FakeClock(NOW));
    for (let round = 0; round < 200; round++) {
      const request = signedRequest(event(), { id: `evt-race-${round}`, at: NOW });
      const results = await Promise.all(Array.from({ length: 8 }, () => channel.parseInbound(request)));
      expect(results.filter(([message]) => message?.duplicate === false)).toHaveLength(1);
    }
  });

  it('an event that fails parsing does not use its id up', async () => {
    const channel = channelAt(new FakeClock(NOW));
    await rejection(channel.parseInbound(signedRequest({ type: 'message.received', data: {} }, { id: 'evt-fix', at: NOW })));
    expect((await channel.parseInbound(signedRequest(event(), { id: 'evt-fix', at: NOW })))[0]?.duplicate).toBe(false);
  });

  it('during a rotation an event signed with either inbound secret is accepted, another secret is not', async () => {
    const channel = channelAt(new FakeClock(NOW), [SECRET, OLD_SECRET]);
    expect(await channel.parseInbound(signedRequest(event(), { id: 'r-1', at: NOW, secrets: [OLD_SECRET] }))).toHaveLength(1);
    expect(await channel.parseInbound(signedRequest(event(), { id: 'r-2', at: NOW, secrets: [SECRET] }))).toHaveLength(1);
    const other = `whsec_${Buffer.from('a-third-secret-nobody-configured').toString('base64')}`;
    expect((await rejection(channel.parseInbound(signedRequest(event(), { id: 'r-3', at: NOW, secrets: [other] })))).field).toBe(
      'header webhook-signature',
    );
  });

  it('missing headers are named; a replayed status receipt is reported once', async () => {
    const channel = channelAt(new FakeClock(NOW));
    const request = signedRequest(event(), { id: 'h-1', at: NOW });
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== header));
      expect(await rejection(channel.parseInbound({ ...request, headers }))).toEqual({
        code: 'CHANNEL_SIGNATURE_INVALID',
        field: `header ${header}`,
      });
    }
    const receipt = signedRequest({ type: 'message.status', data: { messageId: 'msg-1', status: 'delivered' } }, { id: 'st-1', at: NOW });
    expect(await channel.parseReceipt(receipt)).toEqual([{ providerMessageId: 'msg-1', status: 'delivered', at: undefined }]);
    expect(await channel.parseReceipt(receipt)).toEqual([]);
  });
});
