/**
 * `@rapport/messaging`: the messaging hub. It owns consent at send time, frequency caps,
 * quiet hours, templates, the outbox, retries, routing and the timeline of every message;
 * channels (`@rapport/channel-email`, `-sms`, `-webhook`) only deliver.
 *
 * @packageDocumentation
 */

export type { MessageContent, RenderedTemplate, TemplateRenderer, TemplateRenderRequest } from './content/message-content.js';
export { MessagingErrorCode } from './error-codes.js';
