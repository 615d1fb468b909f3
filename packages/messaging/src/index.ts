/**
 * `@rapport/messaging`: the messaging hub. It owns consent at send time, frequency caps,
 * quiet hours, templates, the outbox, retries, routing and the timeline of every message;
 * channels (`@rapport/channel-email`, `-sms`, `-webhook`) only deliver.
 *
 * @packageDocumentation
 */

export { type CappedSend, capReason } from './caps/frequency-caps.js';
export type { MessageContent, RenderedTemplate, TemplateRenderer, TemplateRenderRequest } from './content/message-content.js';
export { ConversationAnnouncer } from './conversations/conversation-announcer.js';
export {
  type ConversationOptions,
  ConversationOptionsSchema,
  type ResolvedConversationOptions,
} from './conversations/conversation-options.js';
export {
  ConversationPlacer,
  PLACEMENT_RETRY_CODES,
  type PlacementResult,
  type PlaceRequest,
  placeWithRetry,
} from './conversations/conversation-placer.js';
export { ConversationService } from './conversations/conversation-service.js';
export {
  CONVERSATION_STATUSES,
  type ConversationStatus,
  conversationHeadsTable,
  conversationMessagesTable,
  conversationsTable,
  conversationTables,
  conversationThreadKeysTable,
  inboundFailuresTable,
} from './conversations/conversation-tables.js';
export type {
  Conversation,
  ConversationMessage,
  ConversationWithMessages,
  InboundFailure,
  InboundOutcome,
  OptOutOutcome,
  OutboundRecord,
  OutboundThreading,
  Placement,
  ReceiveResult,
} from './conversations/conversation-types.js';
export { CONVERSATIONS_PLUGIN, conversations, conversationsApi } from './conversations/conversations-plugin.js';
export { InboundFailures } from './conversations/inbound-failures.js';
export { InboundReceiver, type ReceiveOptions } from './conversations/inbound-receiver.js';
export { replyAddress, replyTokenCandidates, signReplyToken, verifyReplyToken } from './conversations/reply-token.js';
export { channelThreadKey, digest, messageThreadKey } from './conversations/thread-keys.js';
export { DISPATCH_JOB, type DispatchPayload } from './dispatch/dispatch-job.js';
export { type InstalledModules, installedModules } from './dispatch/installed-modules.js';
export type { MessageErrorDetails, SendRefusedDetails } from './error-codes.js';
export { MessagingErrorCode, type TemplateRenderFailureDetails } from './error-codes.js';
export { consentGuard, type GuardVerdict, runGuards, type SendCheck, type SendGuard } from './guards/send-guard.js';
export { suppressionGuard } from './guards/suppression-guard.js';
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
export { CompiledTemplate, type TemplateSource } from './templates/compiled-template.js';
export { measureSms, type SmsMeasure } from './templates/sms-measure.js';
export {
  DEFAULT_TEMPLATE_LIMITS,
  liquidErrorPosition,
  type SourcePosition,
  TEMPLATE_PARTS,
  TemplateEngine,
  type TemplateLimits,
  type TemplatePart,
} from './templates/template-engine.js';
export { type TemplateIdentity, TemplateSyntaxError, templateRenderError } from './templates/template-errors.js';
export {
  LocaleSchema,
  type SaveTemplateInput,
  SaveTemplateInputSchema,
  TemplateChannelSchema,
  TemplateKeySchema,
  type TemplateSelector,
  TemplateSelectorSchema,
} from './templates/template-input.js';
export { type ResolvedTemplateOptions, type TemplateOptions, TemplateOptionsSchema } from './templates/template-options.js';
export { createTemplateRuntime, type TemplateRuntime } from './templates/template-runtime.js';
export { type TemplatePreview, type TemplateRendering, TemplateService } from './templates/template-service.js';
export { templatesTable } from './templates/template-tables.js';
export { providedVariables, type TemplateVariableContribution } from './templates/template-variables.js';
export { type TemplateVersion, toTemplateVersion } from './templates/template-version.js';
export { messagingTemplates, TEMPLATES_PLUGIN, templatesApi, templateTables } from './templates/templates-plugin.js';
export { signUnsubscribeToken, type UnsubscribeClaim, unsubscribeLink, verifyUnsubscribeToken } from './unsubscribe/unsubscribe-token.js';
export type { UnsubscribeOutcome } from './unsubscribe/unsubscriber.js';
