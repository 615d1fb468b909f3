export { EmailChannel, IDEMPOTENCY_HEADER } from './email-channel.js';
export { MAX_EMAIL_BYTES, parseInboundEmail } from './inbound/parse-inbound-email.js';
export { domainOf, messageIdFor } from './message-id.js';
export { type EmailOptions, EmailOptionsSchema, type ResolvedEmailOptions, SmtpOptionsSchema } from './options.js';
export { EMAIL_CHANNEL, EMAIL_PLUGIN, email } from './plugin.js';
export { parseEmailReport } from './receipts/parse-email-report.js';
export { classifySmtpFailure } from './smtp-failure.js';
