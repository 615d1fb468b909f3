import { IdentityInputSchema } from '@rapport/core';
import { RECEIPT_STATUSES } from '@rapport/core/plugin';
import { z } from 'zod';

const id = z.string().min(1).max(998);

/**
 * An inbound message a bridge posts (a chat, social, app, POS or WeChat message):
 * `{ type: 'message.received', data: { from, text, … } }`, `from` an identity as
 * `crm.customers.upsert` takes it.
 */
export const InboundEventSchema = z.object({
  type: z.literal('message.received'),
  data: z.object({
    id: id.optional(),
    from: IdentityInputSchema,
    to: z.string().max(320).optional(),
    text: z.string().max(100_000),
    subject: z.string().max(998).optional(),
    receivedAt: z.iso.datetime({ offset: true }).optional(),
    conversationId: id.optional(),
    messageId: id.optional(),
    inReplyTo: id.optional(),
    references: z.array(id).max(100).optional(),
    /** The bridge recognised an opt-out (a platform's unsubscribe action or keyword). */
    optOut: z.boolean().optional(),
  }),
});

/** A status update a bridge posts about a message it was sent: `{ type: 'message.status', data: { messageId, status } }`. */
export const ReceiptEventSchema = z.object({
  type: z.literal('message.status'),
  data: z.object({
    /** The `webhook-id` of the delivery it is about (the channel's provider message id). */
    messageId: id,
    status: z.enum(RECEIPT_STATUSES),
    bounce: z.enum(['hard', 'soft']).optional(),
    recipient: z.string().max(320).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
    reason: z.string().max(1000).optional(),
    url: z.string().max(2048).optional(),
  }),
});
