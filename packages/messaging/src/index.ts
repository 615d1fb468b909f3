/**
 * `@rapport/messaging`: the messaging hub. It owns consent at send time, frequency caps,
 * quiet hours, templates, the outbox, retries, routing and the timeline of every message;
 * channels (`@rapport/channel-email`, `-sms`, `-webhook`) only deliver.
 *
 * @packageDocumentation
 */

export { type CappedSend, capReason } from './caps/frequency-caps.js';
export type { MessageContent, RenderedTemplate, TemplateRenderer, TemplateRenderRequest } from './content/message-content.js';
export { DISPATCH_JOB, type DispatchPayload } from './dispatch/dispatch-job.js';
export type { MessageErrorDetails, SendRefusedDetails } from './error-codes.js';
export { MessagingErrorCode } from './error-codes.js';
export { consentGuard, type GuardVerdict, runGuards, type SendCheck, type SendGuard } from './guards/send-guard.js';
export { type Message, type MessageListQuery, MessageListQuerySchema, MessagesApi } from './messages-api.js';
export {
  type FrequencyCap,
  FrequencyCapSchema,
  type MessagingOptions,
  MessagingOptionsSchema,
  type QuietHours,
  QuietHoursSchema,
  type ResolvedMessagingOptions,
} from './options.js';
export { MESSAGING_PLUGIN, messaging } from './plugin.js';
export { customerTimeZone, nextAllowedTime } from './quiet-hours/quiet-hours.js';
export { ReceiptHandler, type ReceiptOutcome } from './receipts/receipt-handler.js';
export { ChannelDirectory } from './routing/channel-directory.js';
export type { RoutingDecision } from './routing/route-message.js';
export { MAX_SEND_BATCH, MessageSender, type SendOptions } from './send/message-sender.js';
export { MessageContentSchema, type SendInput, SendInputSchema } from './send/send-input.js';
export type { SendManyOutcome, SendOutcome } from './send/send-outcome.js';
export type { BeforeSendFacts, MessageEvent } from './status/message-events.js';
export { COUNTED_STATUSES, MESSAGE_STATUSES, type MessageStatus, REPLAYABLE_STATUSES } from './status/message-status.js';
export { type MessageFailure, type MessageRow, messagesTable } from './tables.js';
