import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderBehaviour, ProviderCall } from '@rapport/testkit';

/** A request the fake provider received. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * A local HTTP server shaped like two SMS providers: Twilio's Messages API (form posts,
 * `sid`) at `/2010-04-01/Accounts/:sid/Messages.json`, and a JSON API (`{ data: { id } }`)
 * at `/v1/messages`. Scripted with the conformance behaviours.
 */
export interface FakeSmsProvider {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly calls: ProviderCall[];
  behaviour: ProviderBehaviour;
  /** Overrides the next responses with this status, headers and body. */
  override: { status: number; headers?: Record<string, string>; body: string } | undefined;
  close(): Promise<void>;
}

export async function startFakeSmsProvider(): Promise<FakeSmsProvider> {
  let sequence = 0;
  const fake: FakeSmsProvider = {
    url: '',
    requests: [],
    calls: [],
    behaviour: { kind: 'accept' },
    override: undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '';
      fake.requests.push({ path, headers: request.headers, body });
      const twilio = path.startsWith('/2010-04-01/');
      const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(payload));
      };
      if (fake.override) {
        response.writeHead(fake.override.status, { 'content-type': 'application/json', ...fake.override.headers });
        response.end(fake.override.body);
        return;
      }
      const behaviour = fake.behaviour;
      if (behaviour.kind === 'reject')
        return reply(400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 });
      if (behaviour.kind === 'throttle')
        return reply(
          429,
          { code: 20429, message: 'Too Many Requests' },
          { 'retry-after': String(Math.ceil(behaviour.retryAfterMs / 1000)) },
        );
      if (behaviour.kind === 'fail') return reply(503, { message: 'Service Unavailable' });
      const to = twilio ? new URLSearchParams(body).get('To') : (JSON.parse(body) as { recipient?: string }).recipient;
      const key = request.headers[twilio ? 'i-twilio-idempotency-token' : 'idempotency-key'];
      fake.calls.push({ idempotencyKey: typeof key === 'string' ? key : undefined, to: to ?? undefined });
      sequence++;
      if (twilio) return reply(201, { sid: `SM${String(sequence).padStart(32, '0')}`, status: 'queued' });
      return reply(200, { data: { id: `gen-${sequence}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
