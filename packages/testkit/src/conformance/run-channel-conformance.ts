import { ChannelErrorCode, IDENTITY_TYPES, isRapportError } from '@rapport/core';
import {
  CHANNEL_CAPABILITIES,
  type Channel,
  type InboundRequest,
  MAX_RETRY_AFTER_MS,
  RECEIPT_STATUSES,
  type SendResult,
} from '@rapport/core/plugin';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelConformanceOptions, ChannelHarness, InboundSample } from './channel-harness.js';

const CHANNEL_CODES: readonly string[] = Object.values(ChannelErrorCode);

/** Expects a parser call to reject with one of the channel error codes (never another error). */
async function expectTypedRejection(parse: () => Promise<unknown>): Promise<void> {
  const error = await parse().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'the parser accepted a malformed request').toBeDefined();
  expect(isRapportError(error) && CHANNEL_CODES.includes(error.code), `not a typed channel error: ${String(error)}`).toBe(true);
  expect((error as { details: { field?: unknown } }).details.field, 'the error names the field').toBeTypeOf('string');
}

function expectFailure(result: SendResult, errorClass: 'permanent' | 'throttled' | 'transient'): void {
  expect(result.status, JSON.stringify(result)).toBe('failed');
  if (result.status !== 'failed') return;
  expect(result.errorClass, result.reason).toBe(errorClass);
  expect(result.reason).toBeTypeOf('string');
}

function sameThreading(parsed: InboundSample['threading'], sample: InboundSample['threading']): void {
  if (sample.messageId !== undefined) expect(parsed.messageId).toBe(sample.messageId);
  if (sample.inReplyTo !== undefined) expect(parsed.inReplyTo).toBe(sample.inReplyTo);
  if (sample.conversationId !== undefined) expect(parsed.conversationId).toBe(sample.conversationId);
  expect(parsed.references ?? []).toEqual(sample.references ?? []);
}

const randomRequest = (base: InboundRequest): fc.Arbitrary<InboundRequest> =>
  fc
    .oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.string({ unit: 'binary', maxLength: 256 }).map((text) => new TextEncoder().encode(text)),
    )
    .map((body) => ({ ...base, body }));

/**
 * The conformance suite every channel passes: what it declares, how it classifies its
 * provider's answers, that the idempotency key reaches the provider, and — when it parses
 * inbound messages or receipts — round trips, opt-out detection and typed rejection of
 * malformed bodies (with fast-check). `makeChannel` wires the channel to a real, local
 * fake of its provider.
 */
export function runChannelConformance(
  name: string,
  makeChannel: () => ChannelHarness | Promise<ChannelHarness>,
  options: ChannelConformanceOptions,
): void {
  const runs = options.runs ?? 50;
  describe(`channel conformance: ${name}`, () => {
    let harness: ChannelHarness;
    let channel: Channel;
    let sequence = 0;
    const nextId = () => `conformance-${name}-${++sequence}-${Date.now().toString(36)}`;
    const sendOne = async (id = nextId()) => ({ id, result: await channel.send(options.message(id), { idempotencyKey: `key-${id}` }) });

    beforeAll(async () => {
      harness = await makeChannel();
      channel = harness.channel;
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('declares a slug id, the identity types it addresses and capabilities that match its parsers', () => {
      expect(channel.id).toMatch(/^[a-z][a-z0-9-]{0,31}$/);
      expect(channel.addresses.length).toBeGreaterThan(0);
      for (const type of channel.addresses) expect(IDENTITY_TYPES).toContain(type);
      for (const capability of channel.capabilities) expect(CHANNEL_CAPABILITIES).toContain(capability);
      expect(typeof channel.parseInbound === 'function').toBe(channel.capabilities.includes('inbound'));
      expect(typeof channel.parseReceipt === 'function').toBe(channel.capabilities.includes('receipts'));
      expect(options.message('x').to.type, 'the sample message goes to an address type the channel handles').toSatisfy((type: string) =>
        channel.addresses.includes(type as never),
      );
    });

    it('an accepted send is `sent` with a provider message id, and the provider received the idempotency key', async () => {
      harness.behave({ kind: 'accept' });
      const before = harness.calls().length;
      const { id, result } = await sendOne();
      expect(result.status, JSON.stringify(result)).toBe('sent');
      if (result.status === 'sent') expect(result.providerMessageId.length).toBeGreaterThan(0);
      const calls = harness.calls().slice(before);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.idempotencyKey).toBe(`key-${id}`);
    });

    it('a retry of one message carries the same idempotency key; two messages get two provider ids', async () => {
      harness.behave({ kind: 'accept' });
      const before = harness.calls().length;
      const id = nextId();
      const first = await channel.send(options.message(id), { idempotencyKey: `key-${id}` });
      const retry = await channel.send(options.message(id), { idempotencyKey: `key-${id}` });
      const other = await sendOne();
      expect([first.status, retry.status, other.result.status]).toEqual(['sent', 'sent', 'sent']);
      const keys = harness
        .calls()
        .slice(before)
        .map((call) => call.idempotencyKey);
      expect(keys).toEqual([`key-${id}`, `key-${id}`, `key-${other.id}`]);
      if (first.status === 'sent' && other.result.status === 'sent') {
        expect(other.result.providerMessageId).not.toBe(first.providerMessageId);
      }
    });

    it('concurrent sends each reach the provider once with their own key and get distinct provider ids', async () => {
      harness.behave({ kind: 'accept' });
      for (let round = 0; round < (options.concurrencyRounds ?? 5); round++) {
        const before = harness.calls().length;
        const ids = Array.from({ length: 8 }, () => nextId());
        const results = await Promise.all(ids.map((id) => channel.send(options.message(id), { idempotencyKey: `key-${id}` })));
        expect(results.map((result) => result.status)).toEqual(ids.map(() => 'sent'));
        const providerIds = results.map((result) => (result.status === 'sent' ? result.providerMessageId : ''));
        expect(new Set(providerIds).size).toBe(ids.length);
        const keys = harness
          .calls()
          .slice(before)
          .map((call) => call.idempotencyKey);
        expect([...keys].sort()).toEqual(ids.map((id) => `key-${id}`).sort());
      }
    });

    it('a refusal is `permanent`', async () => {
      harness.behave({ kind: 'reject' });
      expectFailure((await sendOne()).result, 'permanent');
    });

    it('a throttle is `throttled` with a positive, bounded retryAfterMs', async () => {
      harness.behave({ kind: 'throttle', retryAfterMs: 7000 });
      const { result } = await sendOne();
      expectFailure(result, 'throttled');
      if (result.status === 'failed' && result.errorClass === 'throttled') {
        expect(result.retryAfterMs).toBeGreaterThan(0);
        expect(result.retryAfterMs).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
      }
    });

    it('a temporary fault is `transient`', async () => {
      harness.behave({ kind: 'fail' });
      expectFailure((await sendOne()).result, 'transient');
    });

    it('an aborted attempt is `transient`, never a throw', async () => {
      harness.behave({ kind: 'accept' });
      const id = nextId();
      const result = await channel.send(options.message(id), { idempotencyKey: `key-${id}`, signal: AbortSignal.abort() });
      expectFailure(result, 'transient');
    });

    it('an address type it does not handle is `permanent` without calling the provider', async () => {
      harness.behave({ kind: 'accept' });
      const foreign = IDENTITY_TYPES.find((type) => !channel.addresses.includes(type));
      if (foreign === undefined) return; // the channel addresses every type: nothing is foreign
      const before = harness.calls().length;
      const id = nextId();
      const message = {
        ...options.message(id),
        to: { type: foreign, value: 'x', namespace: foreign === 'external' ? 'other' : undefined },
      };
      expectFailure(await channel.send(message, { idempotencyKey: `key-${id}` }), 'permanent');
      expect(harness.calls().length).toBe(before);
    });

    if (options.unreachable) {
      const unreachable = options.unreachable;
      it('an unreachable provider is `transient`', async () => {
        const lonely = await unreachable();
        try {
          const id = nextId();
          expectFailure(await lonely.send(options.message(id), { idempotencyKey: `key-${id}` }), 'transient');
        } finally {
          await lonely.close?.();
        }
      });
    }

    const inbound = options.inbound;
    if (inbound) {
      const parse = (request: InboundRequest) => {
        if (!channel.parseInbound) throw new Error(`${name} has the inbound capability but no parseInbound`);
        return channel.parseInbound(request);
      };
      it('inbound: what the provider sends parses back to the sender, text and threading ids (fast-check)', async () => {
        await fc.assert(
          fc.asyncProperty(inbound.samples, async (sample) => {
            const messages = await parse(await inbound.encode(sample));
            expect(messages).toHaveLength(1);
            const [message] = messages;
            if (!message) return;
            expect(message.channel).toBe(channel.id);
            expect({ type: message.from.type, value: message.from.value }).toEqual({ type: sample.from.type, value: sample.from.value });
            expect(message.text).toBe(sample.text);
            sameThreading(message.threading, sample.threading);
          }),
          { numRuns: runs },
        );
      });
      for (const text of inbound.optOutTexts ?? []) {
        it(`inbound: "${text}" is flagged as an opt-out, and ordinary text is not`, async () => {
          const sample = fc.sample(inbound.samples, 1)[0] as InboundSample;
          const [optOut] = await parse(await inbound.encode({ ...sample, text }));
          expect(optOut?.optOut).toBe(true);
          const [plain] = await parse(await inbound.encode({ ...sample, text: `Can I ${text.toLowerCase()} by the shop on Friday?` }));
          expect(plain?.optOut).toBe(false);
        });
      }
      for (const { label, request } of inbound.malformed) {
        it(`inbound: rejects ${label} with a typed error naming the field`, async () => {
          await expectTypedRejection(() => parse(request));
        });
      }
      it('inbound: random bodies never crash the parser — a result or a typed error (fast-check)', async () => {
        const base = await inbound.encode(fc.sample(inbound.samples, 1)[0] as InboundSample);
        await fc.assert(
          fc.asyncProperty(randomRequest(base), async (request) => {
            await parse(request).then(
              (messages) => expect(Array.isArray(messages)).toBe(true),
              (error: unknown) => expect(isRapportError(error) && CHANNEL_CODES.includes(error.code), String(error)).toBe(true),
            );
          }),
          { numRuns: runs },
        );
      });
    }

    const receipts = options.receipts;
    if (receipts) {
      const parse = (request: InboundRequest) => {
        if (!channel.parseReceipt) throw new Error(`${name} has the receipts capability but no parseReceipt`);
        return channel.parseReceipt(request);
      };
      it('receipts: a callback parses back to the provider id and status (fast-check)', async () => {
        await fc.assert(
          fc.asyncProperty(receipts.samples, async (receipt) => {
            const parsed = await parse(await receipts.encode(receipt));
            expect(parsed).toHaveLength(1);
            expect(RECEIPT_STATUSES).toContain(parsed[0]?.status);
            expect({ id: parsed[0]?.providerMessageId, status: parsed[0]?.status }).toEqual({
              id: receipt.providerMessageId,
              status: receipt.status,
            });
            if (receipt.bounce !== undefined) expect(parsed[0]?.bounce).toBe(receipt.bounce);
          }),
          { numRuns: runs },
        );
      });
      for (const { label, request } of receipts.malformed) {
        it(`receipts: rejects ${label} with a typed error naming the field`, async () => {
          await expectTypedRejection(() => parse(request));
        });
      }
      it('receipts: random bodies never crash the parser — a result or a typed error (fast-check)', async () => {
        const base = await receipts.encode(fc.sample(receipts.samples, 1)[0] as never);
        await fc.assert(
          fc.asyncProperty(randomRequest(base), async (request) => {
            await parse(request).then(
              (parsed) => expect(Array.isArray(parsed)).toBe(true),
              (error: unknown) => expect(isRapportError(error) && CHANNEL_CODES.includes(error.code), String(error)).toBe(true),
            );
          }),
          { numRuns: runs },
        );
      });
    }
  });
}
