import { type OutboundMessage, parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import type { MessageContent } from '../content/message-content.js';
import type { MessageRow } from '../tables.js';

/** What a `message.beforeSend` hook may change; the id and the recipient stay as they were. */
const HookChangeSchema = z.object({
  subject: z.string().max(998).optional(),
  text: z.string().max(100_000).optional(),
  html: z.string().max(1_000_000).optional(),
  type: z.string().min(1).max(100).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

/** The message a channel receives: the row's recipient and ids, the content rendered or given. */
export function outboundMessage(row: MessageRow, content: MessageContent): OutboundMessage {
  return {
    id: row.id,
    to: row.recipient,
    ...(content.subject !== undefined ? { subject: content.subject } : {}),
    ...(content.text !== undefined ? { text: content.text } : {}),
    ...(content.html !== undefined ? { html: content.html } : {}),
    ...(content.type !== undefined ? { type: content.type } : {}),
    ...(content.data !== undefined ? { data: content.data } : {}),
    ...(row.conversationId ? { threading: { conversationId: row.conversationId } } : {}),
    metadata: { purpose: row.purpose },
  };
}

/** Checks a hook's change and keeps what it may not touch (id, recipient, threading, the unsubscribe link). */
export function validateHookChange(changed: unknown, before: OutboundMessage): OutboundMessage {
  // A ValidationError here becomes HOOK_INVALID_CHANGE naming the hook and the field.
  const parsed = parseInput(HookChangeSchema, changed);
  return {
    ...parsed,
    id: before.id,
    to: before.to,
    ...(before.threading ? { threading: before.threading } : {}),
    ...(before.unsubscribeUrl ? { unsubscribeUrl: before.unsubscribeUrl } : {}),
  };
}
