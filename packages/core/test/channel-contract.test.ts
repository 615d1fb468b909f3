import { ChannelErrorCode, ChannelRequestError, createCrm, isRapportError, memoryStorage } from '@rapport/core';
import {
  type Channel,
  classifyHttpFailure,
  classifyThrown,
  defineToken,
  headerValue,
  inboundRequestFromFetch,
  parseRetryAfter,
} from '@rapport/core/plugin';
import { describe, expect, it } from 'vitest';

const NOW = new Date('2026-12-02T04:00:00Z');

describe('channel contract helpers', () => {
  it('parseRetryAfter reads seconds and HTTP dates, floors past dates at 0, caps at a day, ignores garbage', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Wed, 02 Dec 2026 04:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Wed, 02 Dec 2026 03:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('999999999', NOW)).toBe(86_400_000);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });

  it.each([
    [429, 'throttled'],
    [408, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [400, 'permanent'],
    [403, 'permanent'],
    [410, 'permanent'],
    [301, 'permanent'],
  ] as const)('classifyHttpFailure(%i) → %s', (status, errorClass) => {
    const result = classifyHttpFailure(status, { retryAfter: '3', defaultRetryAfterMs: 1000, now: NOW });
    expect(result).toMatchObject({ status: 'failed', errorClass, providerCode: String(status) });
    if (result.errorClass === 'throttled') expect(result.retryAfterMs).toBe(3000);
    if (result.errorClass === 'permanent') expect(result.disableEndpoint).toBe(status === 410 ? true : undefined);
  });

  it('a 429 without Retry-After waits the default; a thrown network error is transient with its code', () => {
    expect(classifyHttpFailure(429, { defaultRetryAfterMs: 1234, now: NOW })).toMatchObject({ retryAfterMs: 1234 });
    const refused = Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(classifyThrown(refused)).toEqual({
      status: 'failed',
      errorClass: 'transient',
      reason: 'fetch failed',
      providerCode: 'ECONNREFUSED',
    });
  });

  it('headerValue matches names in any case and joins repeated headers', () => {
    const request = { headers: { 'Content-Type': 'text/plain', 'x-list': ['a', 'b'], absent: undefined } };
    expect(headerValue(request, 'content-type')).toBe('text/plain');
    expect(headerValue(request, 'X-LIST')).toBe('a, b');
    expect(headerValue(request, 'absent')).toBeUndefined();
  });

  it('inboundRequestFromFetch keeps the method, URL, headers and raw bytes', async () => {
    const bytes = new Uint8Array([0xff, 0x00, 0x41]);
    const request = await inboundRequestFromFetch(
      new Request('https://crm.example/hooks?x=1', { method: 'POST', headers: { 'X-Sig': 's' }, body: bytes }),
    );
    expect(request).toEqual({ method: 'POST', url: 'https://crm.example/hooks?x=1', headers: { 'x-sig': 's' }, body: bytes });
  });

  it('ChannelRequestError: malformed bodies are invalid_input, bad signatures forbidden, both naming the field', () => {
    const malformed = new ChannelRequestError(ChannelErrorCode.InboundMalformed, { channel: 'sms', field: 'body.From', reason: 'missing' });
    const forged = new ChannelRequestError(ChannelErrorCode.SignatureInvalid, {
      channel: 'sms',
      field: 'header X-Sig',
      reason: 'no match',
    });
    expect([malformed.kind, forged.kind]).toEqual(['invalid_input', 'forbidden']);
    expect(isRapportError(malformed, 'CHANNEL_INBOUND_MALFORMED')).toBe(true);
    expect(malformed.message).toBe('[sms] body.From: missing');
  });
});

describe('channel contributions', () => {
  const channel = (id: string): Channel => ({
    id,
    addresses: ['email'],
    capabilities: [],
    send: async () => ({ status: 'sent', providerMessageId: 'x' }),
  });
  const plugin = (name: string, id: string) => {
    const token = defineToken<Channel>(`test:${name}`);
    return {
      name,
      contributes: { channels: [{ id, token }] },
      register: ({ container }: { container: { value: (t: typeof token, v: Channel) => void } }) => container.value(token, channel(id)),
    };
  };

  it('lists every installed channel with the plugin it came from', async () => {
    const crm = await createCrm({ storage: memoryStorage(), plugins: [plugin('a', 'email'), plugin('b', 'sms')] });
    expect(crm.contributions.of('channels').map(({ plugin, value }) => [plugin, value.id])).toEqual([
      ['a', 'email'],
      ['b', 'sms'],
    ]);
    const [first] = crm.contributions.of('channels');
    expect(first && crm.container.resolve(first.value.token).id).toBe('email');
    await crm.close();
  });

  it('two plugins contributing one channel id fail createCrm with PLUGIN_CONTRIBUTION_CONFLICT', async () => {
    const error = await createCrm({ storage: memoryStorage(), plugins: [plugin('a', 'email'), plugin('b', 'email')] }).catch(
      (thrown: unknown) => thrown,
    );
    expect(isRapportError(error, 'PLUGIN_CONTRIBUTION_CONFLICT')).toBe(true);
  });
});
