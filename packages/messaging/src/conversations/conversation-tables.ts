import { column, defineTable } from '@rapport/core/plugin';

/** The statuses a conversation moves between: `open` (awaiting the business), `pending` (awaiting the customer), `closed`. */
export const CONVERSATION_STATUSES = ['open', 'pending', 'closed'] as const;
/** One of {@link CONVERSATION_STATUSES}. */
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** One row per conversation with one customer, across every channel it used. */
export const conversationsTable = defineTable('conversations', {
  columns: {
    id: column.text({ maxLength: 64 }),
    customerId: column.text({ maxLength: 64 }).customerRef(),
    status: column.text({ maxLength: 16 }),
    subject: column.text({ maxLength: 500 }).nullable().personal(),
    /** The channel of the first message. */
    channel: column.text({ maxLength: 64 }),
    openedAt: column.timestamp(),
    lastMessageAt: column.timestamp(),
    /** Messages so far; the next message's position is this + 1 (a conditional update serialises writers). */
    messageCount: column.integer().default(0),
    version: column.integer().default(1),
  },
  primaryKey: ['id'],
  indexes: [['customerId', 'lastMessageAt']],
  version: 'version',
});

/**
 * Each customer's latest conversation, one row per customer: opening a conversation updates
 * it with a version check, so concurrent first messages of one customer open one
 * conversation, not several. Not a customer reference: after a merge the survivor keeps its
 * own row and the retired one is never read again.
 */
export const conversationHeadsTable = defineTable('conversation_heads', {
  columns: {
    customerId: column.text({ maxLength: 64 }),
    conversationId: column.text({ maxLength: 64 }),
    version: column.integer().default(1),
  },
  primaryKey: ['customerId'],
  version: 'version',
});

/** The messages of a conversation, inbound and outbound, from every channel, in `position` order. */
export const conversationMessagesTable = defineTable('conversation_messages', {
  columns: {
    /** `in:<channel>:<digest of the provider id>` inbound, `out:<hub message id>` outbound: a redelivery finds its row. */
    id: column.text({ maxLength: 160 }),
    conversationId: column.text({ maxLength: 64 }),
    customerId: column.text({ maxLength: 64 }).customerRef(),
    position: column.integer(),
    channel: column.text({ maxLength: 64 }),
    direction: column.text({ maxLength: 8 }),
    occurredAt: column.timestamp(),
    subject: column.text({ maxLength: 500 }).nullable().personal(),
    text: column.text({ maxLength: 10_000 }).nullable().personal(),
    /** The channel's own id for the message (an e-mail `Message-ID`, a provider SID). */
    externalId: column.text({ maxLength: 1_000 }).nullable(),
  },
  primaryKey: ['id'],
  unique: [['conversationId', 'position']],
});

/**
 * Ids that thread a later message into a conversation: e-mail `Message-ID`s (matched by a
 * reply's `In-Reply-To` and `References`) and a bridge's own thread ids.
 */
export const conversationThreadKeysTable = defineTable('conversation_thread_keys', {
  columns: {
    threadKey: column.text({ maxLength: 200 }),
    conversationId: column.text({ maxLength: 64 }),
  },
  primaryKey: ['threadKey'],
});

/** Inbound requests a channel could not parse (or whose messages failed), kept for inspection. */
export const inboundFailuresTable = defineTable('inbound_failures', {
  columns: {
    id: column.text({ maxLength: 64 }),
    channel: column.text({ maxLength: 64 }),
    receivedAt: column.timestamp(),
    code: column.text({ maxLength: 100 }),
    reason: column.text({ maxLength: 2_000 }),
    details: column.json<Record<string, unknown>>().nullable(),
    /** The raw body as UTF-8, cut at the `rawBodyLimit` option. */
    rawBody: column.text({ maxLength: 65_536 }).personal(),
    /** The body's full size in bytes, before truncation. */
    bodyBytes: column.integer(),
    contentType: column.text({ maxLength: 255 }).nullable(),
  },
  primaryKey: ['id'],
  indexes: [['receivedAt'], ['channel', 'receivedAt']],
});

/** Every table of the conversations module. */
export const conversationTables = [
  conversationsTable,
  conversationHeadsTable,
  conversationMessagesTable,
  conversationThreadKeysTable,
  inboundFailuresTable,
] as const;
