import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One event a webhook channel posted: the Standard Webhooks JSON body. */
export interface PostedEvent {
  type: string;
  data: {
    id: string;
    to: { type: string; value: string; namespace?: string };
    text?: string;
    subject?: string;
    threading?: { conversationId?: string };
  };
}

/** A real local HTTP server that a webhook channel posts to: it answers 200 and keeps every JSON body. */
export class HttpSink {
  readonly events: PostedEvent[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PostedEvent);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/events`;
    return this;
  }

  /** The events addressed to one external id. */
  to(value: string): PostedEvent[] {
    return this.events.filter((event) => event.data.to.value === value);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())));
  }
}
