import type { IdentityType } from '@rapport/core';
import type {
  Channel,
  ChannelCapability,
  DeliveryReceipt,
  InboundMessage,
  InboundRequest,
  OutboundMessage,
  SendOptions,
  SendResult,
} from '@rapport/core/plugin';
import { createTransport, type Transporter } from 'nodemailer';
import { parseInboundEmail } from './inbound/parse-inbound-email.js';
import { domainOf, messageIdFor } from './message-id.js';
import type { ResolvedEmailOptions } from './options.js';
import { parseEmailReport } from './receipts/parse-email-report.js';
import { classifySmtpFailure } from './smtp-failure.js';

/** The header carrying the send's idempotency key, for relays and archives that deduplicate on it. */
export const IDEMPOTENCY_HEADER = 'X-Idempotency-Key';

/**
 * The e-mail channel: sends over SMTP with nodemailer; parses inbound replies (raw RFC 822)
 * and bounce (RFC 3464 DSN) and complaint (ARF) reports with mailparser. Each message gets
 * a `Message-ID` made from the hub's message id, which is also its provider message id, so
 * bounces, complaints and replies find the message they are about.
 */
export class EmailChannel implements Channel {
  readonly id = 'email';
  readonly addresses: readonly IdentityType[] = ['email'];
  readonly capabilities: readonly ChannelCapability[] = ['html', 'subject', 'threading', 'unsubscribe', 'inbound', 'receipts'];
  readonly #transport: Transporter;
  readonly #options: ResolvedEmailOptions;
  readonly #domain: string;

  constructor(options: ResolvedEmailOptions) {
    this.#options = options;
    this.#domain = options.messageIdDomain ?? domainOf(options.from);
    const { smtp } = options;
    this.#transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ignoreTLS: smtp.ignoreTLS,
      auth: smtp.auth,
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
    });
  }

  async send(message: OutboundMessage, options: SendOptions): Promise<SendResult> {
    if (message.to.type !== 'email') {
      return { status: 'failed', errorClass: 'permanent', reason: `the email channel cannot address a ${message.to.type} identity` };
    }
    if (message.unsubscribeUrl !== undefined && !/^https:\/\//i.test(message.unsubscribeUrl)) {
      return { status: 'failed', errorClass: 'permanent', reason: 'unsubscribeUrl must be an https URL (RFC 8058)' };
    }
    if (options.signal?.aborted) return { status: 'failed', errorClass: 'transient', reason: 'aborted before sending' };
    const messageId = messageIdFor(message.id, this.#domain);
    const headers: Record<string, string> = { [IDEMPOTENCY_HEADER]: options.idempotencyKey };
    if (message.unsubscribeUrl !== undefined) {
      // RFC 8058: the link in angle brackets, and the POST body a one-click client sends to it.
      headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    const threading = message.threading;
    const sending = this.#transport.sendMail({
      ...(this.#options.replyTo ? { replyTo: replyToFor(this.#options.replyTo, threading?.conversationId) } : {}),
      from: this.#options.from,
      to: message.to.value,
      subject: message.subject ?? '',
      text: message.text,
      html: message.html,
      messageId,
      inReplyTo: threading?.inReplyTo,
      references: threading?.references ? [...threading.references] : undefined,
      headers,
    });
    try {
      await abortable(sending, options.signal);
      return { status: 'sent', providerMessageId: messageId };
    } catch (error) {
      if (error instanceof AbortedError) return { status: 'failed', errorClass: 'transient', reason: error.message };
      return classifySmtpFailure(error, this.#options.throttleRetryAfterMs);
    }
  }

  parseInbound(request: InboundRequest): Promise<readonly InboundMessage[]> {
    return parseInboundEmail(request.body).then((message) => [message]);
  }

  parseReceipt(request: InboundRequest): Promise<readonly DeliveryReceipt[]> {
    return parseEmailReport(request.body);
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}

/** RFC 5321's limit on a local part; a longer one may be refused by the customer's mail server. */
const MAX_LOCAL_PART_OCTETS = 64;

/**
 * Where replies go: the mailbox, with the conversation's reply token as its `+tag` when the
 * token fits a local part and the tagged local part stays within 64 octets. Otherwise the
 * plain mailbox: the reply still threads by `In-Reply-To`/`References`, and is not bounced.
 */
function replyToFor(mailbox: string, token: string | undefined): string {
  if (!token || !/^[A-Za-z0-9._-]{1,200}$/.test(token)) return mailbox;
  const at = mailbox.lastIndexOf('@');
  const local = `${mailbox.slice(0, at)}+${token}`;
  if (Buffer.byteLength(local, 'utf8') > MAX_LOCAL_PART_OCTETS) return mailbox;
  return `${local}${mailbox.slice(at)}`;
}

class AbortedError extends Error {}

/**
 * Waits for `work` unless `signal` aborts first. SMTP cannot take a message back, so an
 * aborted send may still be delivered; the retry carries the same Message-ID and key.
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError('aborted while sending'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
