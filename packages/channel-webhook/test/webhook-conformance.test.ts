import { type ChannelHarness, runChannelConformance } from '@rapport/testkit';
import * as fc from 'fast-check';
import { WebhookOptionsSchema } from '../src/options.js';
import { WebhookChannel } from '../src/webhook-channel.js';
import { SECRET, signedRaw, signedRequest } from './webhook-fixtures.js';
import { startWebhookReceiver } from './webhook-receiver.js';

const options = (url: string) =>
  WebhookOptionsSchema.parse({ id: 'chat', url, secrets: [SECRET], allowTargets: ['127.0.0.1'], timeoutMs: 3000 });

async function harness(): Promise<ChannelHarness> {
  const receiver = await startWebhookReceiver();
  return {
    channel: new WebhookChannel(options(receiver.url)),
    behave: (behaviour) => {
      receiver.behaviour = behaviour;
    },
    calls: () => receiver.calls,
    close: () => receiver.close(),
  };
}

let delivery = 0;
const nextId = () => `msg_conformance_${++delivery}`;
const threadId = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/);
const unsigned = (body: string) => ({
  method: 'POST',
  url: 'https://crm.example/hooks',
  headers: {},
  body: new TextEncoder().encode(body),
});

runChannelConformance('webhook (Standard Webhooks)', harness, {
  message: (id) => ({
    id,
    to: { type: 'external', namespace: 'wechat', value: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' },
    type: 'message.created',
    text: '您的订单已发货',
  }),
  unreachable: () => new WebhookChannel(options('http://127.0.0.1:9/hooks')),
  inbound: {
    samples: fc.record({
      from: fc.record({ type: fc.constant('external' as const), namespace: fc.constantFrom('wechat', 'line', 'pos'), value: threadId }),
      text: fc.string({ unit: 'grapheme', maxLength: 80 }),
      threading: fc.record({
        conversationId: threadId,
        messageId: threadId,
        inReplyTo: threadId,
        references: fc.array(threadId, { maxLength: 3 }),
      }),
    }),
    encode: (sample) =>
      signedRequest(
        { type: 'message.received', data: { from: sample.from, text: sample.text, ...sample.threading } },
        { id: nextId(), at: new Date() },
      ),
    malformed: [
      { label: 'an unsigned request', request: unsigned('{"type":"message.received"}') },
      { label: 'a signed body that is not JSON', request: signedRaw('{not json', { id: 'bad-1', at: new Date() }) },
      {
        label: 'a signed event without a sender',
        request: signedRequest({ type: 'message.received', data: { text: 'hi' } }, { id: 'bad-2', at: new Date() }),
      },
      {
        label: 'a signed event with an invalid e-mail sender',
        request: signedRequest(
          { type: 'message.received', data: { from: { type: 'email', value: 'nope' }, text: 'hi' } },
          { id: 'bad-3', at: new Date() },
        ),
      },
      {
        label: 'a signed event of another type',
        request: signedRequest({ type: 'message.status', data: {} }, { id: 'bad-4', at: new Date() }),
      },
    ],
  },
  receipts: {
    samples: fc.record({
      providerMessageId: threadId,
      status: fc.constantFrom('delivered' as const, 'opened' as const, 'clicked' as const, 'failed' as const, 'bounced' as const),
    }),
    encode: (receipt) =>
      signedRequest(
        { type: 'message.status', data: { messageId: receipt.providerMessageId, status: receipt.status } },
        { id: nextId(), at: new Date() },
      ),
    malformed: [
      {
        label: 'an unknown status',
        request: signedRequest({ type: 'message.status', data: { messageId: 'm', status: 'teleported' } }, { id: 'bad-5', at: new Date() }),
      },
      {
        label: 'a status without messageId',
        request: signedRequest({ type: 'message.status', data: { status: 'delivered' } }, { id: 'bad-6', at: new Date() }),
      },
    ],
  },
});
