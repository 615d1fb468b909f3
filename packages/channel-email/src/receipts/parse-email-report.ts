import { ChannelErrorCode, ChannelRequestError } from '@rapport/core';
import type { DeliveryReceipt } from '@rapport/core/plugin';
import type { Attachment } from 'mailparser';
import { parseMail } from '../inbound/parse-inbound-email.js';
import { type FieldGroup, parseFieldGroups, typedValue } from './report-fields.js';

function malformed(field: string, reason: string): ChannelRequestError {
  return new ChannelRequestError(ChannelErrorCode.ReceiptMalformed, { channel: 'email', field, reason });
}

const partOf = (attachments: readonly Attachment[], ...types: string[]) =>
  attachments.find((attachment) => types.includes(attachment.contentType.toLowerCase()));

/** The `Message-ID` of the original message a report returns (its full copy or just its headers). */
async function originalMessageId(attachments: readonly Attachment[], fallback: string | undefined): Promise<string> {
  const original = partOf(attachments, 'message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers');
  if (original) {
    // Only the original's own header section: a Message-ID line in its body is not its id.
    const headers = original.content.toString('utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
    const match = /^message-id:[ \t]*(<[^>\r\n]+>)/im.exec(headers);
    if (match?.[1]) return match[1];
  }
  // Without the original, RFC 3464's Original-Envelope-Id (the ENVID) is the only handle.
  if (fallback) return fallback;
  throw malformed('original message', 'the report carries neither the original Message-ID nor an Original-Envelope-Id');
}

/** RFC 3464 `Action: failed` with a 5.x.x status is a hard bounce, 4.x.x soft; `delivered` is a delivery. */
function dsnReceipt(group: FieldGroup, providerMessageId: string): DeliveryReceipt | undefined {
  const action = group.get('action')?.toLowerCase();
  const status = group.get('status') ?? '';
  const recipient = typedValue(group.get('final-recipient') ?? group.get('original-recipient'));
  if (action === 'delivered') return { providerMessageId, status: 'delivered', recipient };
  if (action !== 'failed') return undefined; // delayed, relayed, expanded: not final
  const bounce = status.startsWith('4') ? 'soft' : 'hard';
  const reason = typedValue(group.get('diagnostic-code')) ?? status;
  return { providerMessageId, status: 'bounced', bounce, recipient, reason };
}

/**
 * Parses a bounce (a `multipart/report; report-type=delivery-status` DSN, RFC 3464) or a
 * complaint (`report-type=feedback-report`, ARF, RFC 5965) into receipts keyed by the
 * original message's `Message-ID`: `bounced` (hard or soft), `delivered`, `complained`.
 */
export async function parseEmailReport(raw: Uint8Array): Promise<readonly DeliveryReceipt[]> {
  const mail = await parseMail(raw, ChannelErrorCode.ReceiptMalformed);
  const attachments = mail.attachments ?? [];
  const feedback = partOf(attachments, 'message/feedback-report');
  if (feedback) {
    const [fields] = parseFieldGroups(feedback.content.toString('utf8'));
    const type = fields?.get('feedback-type');
    if (!fields || !type) throw malformed('Feedback-Type', 'missing from the feedback report');
    const providerMessageId = await originalMessageId(attachments, undefined);
    const recipient = fields.get('original-rcpt-to');
    const at = fields.get('arrival-date') ? new Date(fields.get('arrival-date') as string) : undefined;
    return [{ providerMessageId, status: 'complained', recipient, reason: type, at: at && !Number.isNaN(at.getTime()) ? at : undefined }];
  }
  const status = partOf(attachments, 'message/delivery-status', 'message/global-delivery-status');
  if (!status) throw malformed('Content-Type', 'not a multipart/report with a delivery-status or feedback-report part');
  const [perMessage, ...perRecipient] = parseFieldGroups(status.content.toString('utf8'));
  if (!perMessage || perRecipient.length === 0) throw malformed('delivery-status', 'no per-recipient fields');
  const providerMessageId = await originalMessageId(attachments, typedValue(perMessage.get('original-envelope-id')));
  for (const [index, group] of perRecipient.entries()) {
    if (!group.get('action')) throw malformed(`delivery-status recipient ${index + 1} Action`, 'missing');
  }
  return perRecipient.map((group) => dsnReceipt(group, providerMessageId)).filter((receipt) => receipt !== undefined);
}
