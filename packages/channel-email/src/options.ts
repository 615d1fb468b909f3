import { z } from 'zod';

/** The SMTP server the channel sends through. */
export const SmtpOptionsSchema = z.object({
  host: z.string().min(1),
  /** @default 587 */
  port: z.number().int().min(1).max(65_535).default(587),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. @default false */
  secure: z.boolean().default(false),
  /** Never upgrade with STARTTLS (a local relay or a test server). @default false */
  ignoreTLS: z.boolean().default(false),
  auth: z.object({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  /** How long to wait for the connection, the greeting and each reply. @default 30000 */
  timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
});

/** The options of `email()`, checked once when the plugin registers. */
export const EmailOptionsSchema = z.object({
  smtp: SmtpOptionsSchema,
  /** The sender, `Shop <hello@shop.example>` or a bare address. */
  from: z.string().min(3).max(320),
  /**
   * The domain of the `Message-ID`s the channel makes (`<id@domain>`), which receipts and
   * replies refer back to. Defaults to the domain of `from`.
   */
  messageIdDomain: z
    .string()
    .regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/, 'must be a domain name')
    .optional(),
  /**
   * The mailbox replies go to (`Reply-To`). A message in a conversation carries the hub's
   * reply token in its `+tag` (`hello+rt2.….…@shop.example`), so the customer's reply threads
   * into that conversation even from another address; other messages get the mailbox as it
   * is. Your inbound mail route must deliver `+tag` addresses to the same mailbox. No
   * `Reply-To` when left out (replies go to `from`).
   */
  replyTo: z
    .string()
    .regex(/^[^\s@+]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'must be a plain e-mail address without a +tag, e.g. hello@shop.example')
    .optional(),
  /**
   * The wait reported with a throttled send (SMTP 421/452 or a "rate limit" 4xx): SMTP has no
   * `Retry-After`. @default 60000
   */
  throttleRetryAfterMs: z.number().int().min(1).max(86_400_000).default(60_000),
});

/** The options of `email()` as the app passes them. */
export type EmailOptions = z.input<typeof EmailOptionsSchema>;
/** The options after defaults are applied. */
export type ResolvedEmailOptions = z.output<typeof EmailOptionsSchema>;
