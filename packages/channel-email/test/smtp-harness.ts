import type { AddressInfo } from 'node:net';
import type { ChannelHarness, ProviderBehaviour, ProviderCall } from '@rapport/testkit';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { EmailChannel } from '../src/email-channel.js';
import { EmailOptionsSchema } from '../src/options.js';

/** A message the SMTP server accepted, as it arrived. */
export interface ReceivedMail {
  readonly envelopeTo: readonly string[];
  readonly raw: string;
  readonly parsed: ParsedMail;
}

/** An SMTP server in the test process, scripted per the conformance behaviours (or an exact reply code). */
export interface SmtpHarness extends ChannelHarness {
  readonly channel: EmailChannel;
  readonly port: number;
  readonly received: ReceivedMail[];
  /** Makes RCPT TO answer with this code and text (overrides `behave`). */
  replyWith(code: number, text: string): void;
}

const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

export async function startSmtpHarness(): Promise<SmtpHarness> {
  let reply: { code: number; text: string } | undefined;
  const received: ReceivedMail[] = [];
  const calls: ProviderCall[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(reply ? smtpError(reply.code, reply.text) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((parsed) => {
          received.push({ envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, parsed });
          const key = parsed.headers.get('x-idempotency-key');
          calls.push({ idempotencyKey: typeof key === 'string' ? key : undefined, to: session.envelope.rcptTo[0]?.address });
          callback(null);
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const channel = new EmailChannel(
    EmailOptionsSchema.parse({ smtp: { host: '127.0.0.1', port, ignoreTLS: true, timeoutMs: 5000 }, from: 'Shop <hello@shop.example>' }),
  );
  return {
    channel,
    port,
    received,
    behave(behaviour: ProviderBehaviour) {
      const replies = {
        accept: undefined,
        reject: { code: 550, text: '5.1.1 No such user here' },
        throttle: { code: 421, text: '4.7.0 Try again later, closing connection' },
        fail: { code: 451, text: '4.3.0 Local error in processing' },
      } as const;
      reply = replies[behaviour.kind];
    },
    replyWith(code, text) {
      reply = { code, text };
    },
    calls: () => calls,
    async close() {
      await channel.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
