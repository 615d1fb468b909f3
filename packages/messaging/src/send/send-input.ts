import { DateInputSchema } from '@rapport/core';
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'must be 1-64 characters: a-z, 0-9, _ . : -');

/** Inline content: what the message says, for the channels that read each part. */
export const MessageContentSchema = z
  .object({
    subject: z.string().max(998).optional(),
    text: z.string().max(100_000).optional(),
    html: z.string().max(1_000_000).optional(),
    type: z.string().min(1).max(100).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((content) => Object.values(content).some((part) => part !== undefined), {
    message: 'give at least one of subject, text, html, type, data',
  });

/** A send request: to whom, why, and what (inline content or a stored template). */
export const SendInputSchema = z
  .object({
    customerId: z.string().min(1).max(64),
    /** Why the message is sent: a consent purpose among the configured `purposes`. */
    purpose: slug,
    /** The channel; routing chooses one when left out. */
    channel: slug.optional(),
    content: MessageContentSchema.optional(),
    template: z
      .object({ key: z.string().min(1).max(128), variables: z.record(z.string(), z.unknown()).default({}) })
      .strict()
      .optional(),
    /** A message the customer needs whatever their marketing consent (a receipt, a password reset). Default: `purpose === 'transactional'`. */
    transactional: z.boolean().optional(),
    /** The conversation the message continues. */
    conversationId: z.string().min(1).max(128).optional(),
    /** Sending the same key again (in this tenant) returns the first message instead of a second. */
    idempotencyKey: z.string().min(1).max(200).optional(),
    /** Not before this time; default now. Quiet hours may move it later. */
    sendAt: DateInputSchema.optional(),
  })
  .strict()
  .superRefine((input, context) => {
    if ((input.content === undefined) === (input.template === undefined)) {
      context.addIssue({ code: 'custom', path: ['content'], message: 'give exactly one of content and template' });
    }
  });

/** A send request as the app writes it. */
export type SendInput = z.input<typeof SendInputSchema>;
/** A send request after parsing. */
export type ParsedSend = z.output<typeof SendInputSchema>;
