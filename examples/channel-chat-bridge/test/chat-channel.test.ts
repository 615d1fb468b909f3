import { runChannelConformance } from '@rapport/testkit';
import * as fc from 'fast-check';
import { ChatChannel, ChatOptionsSchema } from '../src/chat-channel.js';
import { startChatHarness, TOKEN } from './chat-server.js';

const inbound = (body: string, token = TOKEN) => ({
  method: 'POST',
  url: 'https://crm.example/hooks/chat',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: new TextEncoder().encode(body),
});

runChannelConformance('chat bridge (example)', startChatHarness, {
  message: (id) => ({ id, to: { type: 'external', namespace: 'chat', value: 'user-42' }, text: 'Your table is ready' }),
  unreachable: () => new ChatChannel(ChatOptionsSchema.parse({ url: 'http://127.0.0.1:9/api', token: TOKEN })),
  inbound: {
    samples: fc.record({
      from: fc.record({
        type: fc.constant('external' as const),
        namespace: fc.constant('chat'),
        value: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
      }),
      text: fc.string({ maxLength: 200 }).filter((text) => text.trim().toUpperCase() !== 'STOP'),
      threading: fc.record({ conversationId: fc.stringMatching(/^[a-z0-9]{1,12}$/) }),
    }),
    encode: (sample) => inbound(JSON.stringify({ from: sample.from.value, text: sample.text, thread: sample.threading.conversationId })),
    optOutTexts: ['STOP', ' stop '],
    malformed: [
      { label: 'a wrong token', request: inbound('{"from":"u","text":"hi"}', 'not-the-token-at-all!') },
      { label: 'a body that is not JSON', request: inbound('from=u') },
      { label: 'a message without a sender', request: inbound('{"text":"hi"}') },
    ],
  },
});
