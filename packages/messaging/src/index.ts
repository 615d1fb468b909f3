/**
 * `@rapport/messaging`: the messaging hub. It owns consent at send time, frequency caps,
 * quiet hours, templates, the outbox, retries, routing and the timeline of every message;
 * channels (`@rapport/channel-email`, `-sms`, `-webhook`) only deliver.
 *
 * @packageDocumentation
 */

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
export { MessagingErrorCode, type TemplateRenderFailureDetails } from './error-codes.js';
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
export { type TemplateVersion, toTemplateVersion } from './templates/template-version.js';
export { messagingTemplates, TEMPLATES_PLUGIN, templatesApi, templateTables } from './templates/templates-plugin.js';
