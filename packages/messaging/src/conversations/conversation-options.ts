import { z } from 'zod';

/** The options of the conversations module, checked once when the plugin registers. */
export const ConversationOptionsSchema = z.object({
  /**
   * How long after its last message a conversation is continued by a message that carries no
   * threading (no reply id, token or conversation id). Later, a new conversation opens.
   */
  continueWithinMs: z
    .number()
    .int()
    .min(0)
    .default(3 * 24 * 60 * 60 * 1000),
  /** Signs reply tokens (at least 32 characters). Without it `threadingFor` gives no token and none is accepted. */
  replyTokenSecret: z.string().min(32).optional(),
  /** The consent purposes an inbound opt-out (STOP, 退订, unsubscribe) withdraws on its channel. */
  optOutPurposes: z.array(z.string().min(1)).min(1).default(['marketing']),
  /** How much of a failed request's body is kept for inspection, in characters. */
  rawBodyLimit: z.number().int().min(0).max(65_536).default(8_192),
  /** How much of each message's text a conversation keeps, in characters. */
  textLimit: z.number().int().min(0).max(10_000).default(4_000),
});
/** The conversations module's options as given. */
export type ConversationOptions = z.input<typeof ConversationOptionsSchema>;
/** The conversations module's options with defaults applied. */
export type ResolvedConversationOptions = z.output<typeof ConversationOptionsSchema>;
