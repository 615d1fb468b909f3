import { ChannelErrorCode, ChannelRequestError, normalizeEmail } from '@rapport/core';
import type { InboundMessage } from '@rapport/core/plugin';
import { type ParsedMail, simpleParser } from 'mailparser';

/** Bodies larger than this are refused before parsing (a mailbox's usual limit is far below). */
export const MAX_EMAIL_BYTES = 25 * 1024 * 1024;

const OPT_OUT = /^\s*unsubscribe\s*$/i;

function malformed(field: string, reason: string, cause?: unknown): ChannelRequestError {
  return new ChannelRequestError(ChannelErrorCode.InboundMalformed, { channel: 'email', field, reason }, cause);
}

/** Parses raw RFC 822 bytes with mailparser; any parser failure is a typed `field` error. */
export async function parseMail(raw: Uint8Array, code: ChannelErrorCode = ChannelErrorCode.InboundMalformed): Promise<ParsedMail> {
  const fail = (field: string, reason: string, cause?: unknown) =>
    new ChannelRequestError(code, { channel: 'email', field, reason }, cause);
  if (raw.byteLength === 0) throw fail('body', 'empty');
  if (raw.byteLength > MAX_EMAIL_BYTES) throw fail('body', `larger than ${MAX_EMAIL_BYTES} bytes`);
  try {
    return await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
      skipImageLinks: true,
      skipTextToHtml: true,
      // DSN status parts stay parts (parseEmailReport reads them) instead of being folded into the text.
      keepDeliveryStatus: true,
    });
  } catch (error) {
    throw fail('body', 'not an RFC 822 message', error);
  }
}

/** `References` as mailparser gives it (absent, one id or several) as a list. */
export function referencesOf(mail: ParsedMail): string[] {
  const references = mail.references;
  if (references === undefined) return [];
  return (Array.isArray(references) ? references : [references]).flatMap((value) => value.split(/\s+/)).filter(Boolean);
}

/**
 * Parses a raw RFC 822 message (a reply, a new question) into an inbound message: the
 * sender's address (normalised), the text, and its `Message-ID`, `In-Reply-To` and
 * `References` for threading. A body of just "unsubscribe" is flagged as an opt-out.
 */
export async function parseInboundEmail(raw: Uint8Array): Promise<InboundMessage> {
  const mail = await parseMail(raw);
  const sender = mail.from?.value.find((address) => address.address)?.address;
  if (!sender) throw malformed('From', 'no sender address');
  let from: string;
  try {
    from = normalizeEmail(sender);
  } catch (error) {
    throw malformed('From', 'not an e-mail address', error);
  }
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  const text = (mail.text ?? '').replace(/\r\n/g, '\n').trim();
  return {
    channel: 'email',
    providerMessageId: mail.messageId,
    from: { type: 'email', value: from },
    to: to?.value.find((address) => address.address)?.address,
    text,
    subject: mail.subject,
    html: typeof mail.html === 'string' ? mail.html : undefined,
    receivedAt: mail.date,
    threading: { messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: referencesOf(mail) },
    optOut: OPT_OUT.test(text) || OPT_OUT.test(mail.subject ?? ''),
  };
}
