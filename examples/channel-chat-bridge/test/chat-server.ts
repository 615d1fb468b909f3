import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelHarness, ProviderBehaviour, ProviderCall } from '@rapport/testkit';
import { ChatChannel, ChatOptionsSchema } from '../src/chat-channel.js';

export const TOKEN = 'chat-token-0123456789';

/** The chat service as a local HTTP server, wired to a ChatChannel: what runChannelConformance drives. */
export async function startChatHarness(): Promise<ChannelHarness> {
  let behaviour: ProviderBehaviour = { kind: 'accept' };
  const calls: ProviderCall[] = [];
  let sequence = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.headers.authorization !== `Bearer ${TOKEN}`) return void response.writeHead(401).end();
      if (behaviour.kind === 'reject') return void response.writeHead(422).end('{"error":"unknown user"}');
      if (behaviour.kind === 'throttle')
        return void response.writeHead(429, { 'retry-after': String(behaviour.retryAfterMs / 1000) }).end();
      if (behaviour.kind === 'fail') return void response.writeHead(503).end();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string };
      const key = request.headers['idempotency-key'];
      calls.push({ idempotencyKey: typeof key === 'string' ? key : undefined, to: body.to });
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `chat-${++sequence}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return {
    channel: new ChatChannel(ChatOptionsSchema.parse({ url, token: TOKEN })),
    behave: (next) => {
      behaviour = next;
    },
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
