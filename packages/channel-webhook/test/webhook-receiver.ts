import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderBehaviour, ProviderCall } from '@rapport/testkit';

/** A delivery the receiver got. */
export interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local HTTP endpoint receiving webhook deliveries, scripted with the conformance behaviours or an exact status. */
export interface WebhookReceiver {
  readonly url: string;
  readonly port: number;
  readonly deliveries: Delivery[];
  readonly calls: ProviderCall[];
  behaviour: ProviderBehaviour;
  status: { code: number; headers?: Record<string, string> } | undefined;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    port: 0,
    deliveries: [],
    calls: [],
    behaviour: { kind: 'accept' },
    status: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      receiver.deliveries.push({ headers: request.headers, body });
      if (receiver.status) {
        response.writeHead(receiver.status.code, receiver.status.headers).end();
        return;
      }
      const behaviour = receiver.behaviour;
      if (behaviour.kind === 'reject') return void response.writeHead(400).end('bad event');
      if (behaviour.kind === 'throttle')
        return void response.writeHead(429, { 'retry-after': String(behaviour.retryAfterMs / 1000) }).end();
      if (behaviour.kind === 'fail') return void response.writeHead(503).end();
      const id = request.headers['webhook-id'];
      const to = (JSON.parse(body) as { data?: { to?: { value?: string } } }).data?.to?.value;
      receiver.calls.push({ idempotencyKey: typeof id === 'string' ? id : undefined, to });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  Object.assign(receiver, { port, url: `http://127.0.0.1:${port}/hooks/rapport` });
  return receiver;
}
