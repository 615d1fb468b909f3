import { createTransport } from 'nodemailer';

const composer = createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });

/** A raw RFC 822 message composed by nodemailer, as a mail server would hand it over. */
export async function composeRaw(mail: {
  from: string;
  to?: string;
  subject?: string;
  text: string;
  messageId?: string;
  inReplyTo?: string;
  references?: readonly string[];
}): Promise<Uint8Array> {
  const info = await composer.sendMail({
    from: mail.from,
    to: mail.to ?? 'hello@shop.example',
    subject: mail.subject ?? 'Re: your order',
    text: mail.text,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references ? [...mail.references] : undefined,
  });
  return new Uint8Array(info.message as Buffer);
}

/** A DSN (RFC 3464) bounce for `messageId`, as a receiving MTA writes it. */
export function dsn(options: {
  messageId: string;
  recipient: string;
  action: string;
  status: string;
  diagnostic?: string;
  withOriginal?: boolean;
}): Uint8Array {
  const original =
    options.withOriginal === false
      ? ''
      : [
          '--BOUNDARY',
          'Content-Type: text/rfc822-headers',
          '',
          'From: Shop <hello@shop.example>',
          `To: ${options.recipient}`,
          `Message-ID: ${options.messageId}`,
          'Subject: Your order',
          '',
        ].join('\r\n');
  return new TextEncoder().encode(
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example>',
      'To: hello@shop.example',
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"',
      '',
      '--BOUNDARY',
      'Content-Type: text/plain',
      '',
      'The message could not be delivered.',
      '',
      '--BOUNDARY',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example',
      'Arrival-Date: Wed, 2 Dec 2026 03:00:00 +0000',
      '',
      `Final-Recipient: rfc822; ${options.recipient}`,
      `Action: ${options.action}`,
      `Status: ${options.status}`,
      ...(options.diagnostic ? [`Diagnostic-Code: smtp; ${options.diagnostic}`, '  (folded continuation)'] : []),
      '',
      original,
      '--BOUNDARY--',
      '',
    ].join('\r\n'),
  );
}

/** An ARF (RFC 5965) abuse report about `messageId`, as a mailbox provider's feedback loop sends it. */
export function arf(options: { messageId: string; recipient: string; feedbackType?: string }): Uint8Array {
  return new TextEncoder().encode(
    [
      'From: Feedback Loop <fbl@isp.example>',
      'To: abuse@shop.example',
      'Subject: FW: Your order',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"',
      '',
      '--ARF',
      'Content-Type: text/plain',
      '',
      'This is an abuse report.',
      '',
      '--ARF',
      'Content-Type: message/feedback-report',
      '',
      `Feedback-Type: ${options.feedbackType ?? 'abuse'}`,
      'User-Agent: ISP-FBL/1.0',
      'Version: 1',
      `Original-Rcpt-To: ${options.recipient}`,
      'Arrival-Date: Wed, 2 Dec 2026 03:10:00 +0000',
      '',
      '--ARF',
      'Content-Type: message/rfc822',
      '',
      'From: Shop <hello@shop.example>',
      `To: ${options.recipient}`,
      `Message-ID: ${options.messageId}`,
      'Subject: Your order',
      '',
      'Hello',
      '',
      '--ARF--',
      '',
    ].join('\r\n'),
  );
}
