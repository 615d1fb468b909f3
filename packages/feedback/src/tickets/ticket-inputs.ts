import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);

/** The zod schema of {@link OpenTicketInput}. */
export const OpenTicketInputSchema = z.object({
  customerId: text(64),
  subject: text(500),
  /** Where it came from. @default 'api' */
  source: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'a channel slug: a-z, 0-9, _ . : -')
    .default('api'),
  conversationId: text(255).nullable().optional(),
  category: text(128).nullable().optional(),
  priority: text(32).default('normal'),
  assignee: text(128).nullable().optional(),
  /** The customer's first message, if the ticket came with one. */
  body: text(100_000).optional(),
});

/** What opening a ticket takes (from the API, a store, a channel). */
export type OpenTicketInput = z.input<typeof OpenTicketInputSchema>;

/** The zod schema of {@link InboundTicketInput}. */
export const InboundTicketInputSchema = z.object({
  customerId: text(64),
  /** The channel the message came in on (`email`, `sms`, `webhook`, …). */
  channel: z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'a channel slug: a-z, 0-9, _ . : -'),
  /** The thread it belongs to: a message in a thread with an unfinished ticket is added to that ticket. */
  conversationId: text(255),
  subject: text(500).optional(),
  text: text(100_000),
  category: text(128).nullable().optional(),
  priority: text(32).optional(),
});

/** An inbound message, as the messaging hub (or a channel's inbound parser) hands it over. */
export type InboundTicketInput = z.input<typeof InboundTicketInputSchema>;

/** The zod schema of {@link TicketReplyInput}. */
export const TicketReplyInputSchema = z
  .object({
    body: text(100_000),
    /** Who wrote: an agent's reply meets the response targets, a customer's starts the next one. */
    from: z.enum(['agent', 'customer']),
    /**
     * Sends an agent's reply to the customer through the messaging hub (`crm.messages`), as a
     * transactional message in the ticket's conversation. Needs `@rapport/messaging` installed.
     * @default false
     */
    send: z.boolean().default(false),
    /** The channel to send on; by default the conversation's (its latest inbound message's), else the ticket's source. */
    channel: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'a channel slug: a-z, 0-9, _ . : -')
      .optional(),
    /** The sent message's subject. @default `Re: ` and the ticket's subject */
    subject: text(998).optional(),
  })
  .refine((reply) => !reply.send || reply.from === 'agent', { path: ['send'], message: 'only an agent reply is sent to the customer' })
  .refine((reply) => reply.send || (reply.channel === undefined && reply.subject === undefined), {
    path: ['channel'],
    message: 'channel and subject are for a reply with send: true',
  });

/** A public message on a ticket. */
export type TicketReplyInput = z.input<typeof TicketReplyInputSchema>;

/** The zod schema of {@link TicketListFilter}. */
export const TicketListFilterSchema = z.object({
  customerId: text(64).optional(),
  status: z.enum(['new', 'open', 'pending', 'resolved', 'closed']).optional(),
  limit: z.int().min(1).max(1000).default(50),
  cursor: z.string().optional(),
});

/** Which tickets `list` returns. */
export type TicketListFilter = z.input<typeof TicketListFilterSchema>;

/** A note's body. */
export const noteSchema = z.object({ body: text(100_000) });
/** An assignee or category name. */
export const nameSchema = text(128);
/** A priority name. */
export const prioritySchema = text(32);
