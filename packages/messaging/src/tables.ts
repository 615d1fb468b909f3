import type { ChannelAddress } from '@rapport/core/plugin';
import { column, defineTable, type RowOf } from '@rapport/core/plugin';
import type { MessageContent } from './content/message-content.js';

/** Why a message failed, as recorded on it: a code to branch on and the reason for people. */
export interface MessageFailure {
  readonly code: string;
  readonly reason: string;
  /** The provider's own code (an SMTP reply code, an HTTP status), when there is one. */
  readonly providerCode?: string | undefined;
}

/**
 * One row per outbound message: the outbox. It commits with the dispatch job that sends it,
 * and every status change after that is written here first. The recipient, the content and
 * the template variables are personal data (privacy export and erasure find them).
 */
export const messagesTable = defineTable('messages', {
  columns: {
    id: column.text({ maxLength: 64 }),
    customerId: column.text({ maxLength: 64 }).customerRef(),
    channel: column.text({ maxLength: 64 }),
    purpose: column.text({ maxLength: 64 }),
    transactional: column.boolean(),
    status: column.text({ maxLength: 32 }),
    recipient: column.json<ChannelAddress>().personal(),
    content: column.json<MessageContent>().nullable().personal(),
    templateKey: column.text({ maxLength: 128 }).nullable(),
    templateVersion: column.integer().nullable(),
    templateLocale: column.text({ maxLength: 35 }).nullable(),
    variables: column.json<Record<string, unknown>>().nullable().personal(),
    conversationId: column.text({ maxLength: 128 }).nullable(),
    idempotencyKey: column.text({ maxLength: 200 }).nullable(),
    /** The routing decision's reasons, one line per channel looked at. */
    routing: column.json<string[]>(),
    attempts: column.integer().default(0),
    providerMessageId: column.text({ maxLength: 256 }).nullable(),
    /** The dispatch job that sends it now (a deferral or a replay moves it to a new one). */
    jobId: column.text({ maxLength: 64 }).nullable(),
    /** Why it is blocked, vetoed or deferred. */
    reason: column.text({ maxLength: 1000 }).nullable(),
    error: column.json<MessageFailure>().nullable(),
    /** When it is (or was) due: the caller's `sendAt`, moved out of quiet hours. */
    sendAt: column.timestamp(),
    sentAt: column.timestamp().nullable(),
    createdAt: column.timestamp(),
    updatedAt: column.timestamp(),
  },
  primaryKey: ['id'],
  unique: [['idempotencyKey']],
  indexes: [['customerId', 'sendAt'], ['providerMessageId'], ['status', 'updatedAt']],
});

/** A stored message row. */
export type MessageRow = RowOf<typeof messagesTable>;
