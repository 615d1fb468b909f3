import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** A Standard Webhooks secret: `whsec_` + base64 of at least 24 bytes. */
const secret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
  .refine((value) => Buffer.from(value.slice(6), 'base64').length >= 24, 'must hold at least 24 bytes of key');

const cidr = z.string().refine((value) => {
  try {
    ipaddr.parseCIDR(value.includes('/') ? value : `${value}/${ipaddr.parse(value).kind() === 'ipv4' ? 32 : 128}`);
    return true;
  } catch {
    return false;
  }
}, 'must be an IP address or CIDR range such as 10.0.0.0/8');

/** The options of `webhook()`, checked once when the plugin registers. */
export const WebhookOptionsSchema = z.object({
  /** The channel's id; one bridge per id (`wechat`, `pos`). @default "webhook" */
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/)
    .default('webhook'),
  /** Where outbound events are posted (https, or http for an explicitly allowed local target). */
  url: z.url({ protocol: /^https?$/ }),
  /**
   * Signing secrets, newest first. During a rotation give two: each event carries a
   * signature per secret, so the receiver may check either.
   */
  secrets: z.array(secret).min(1).max(2),
  /**
   * Addresses the target may resolve to although they are loopback, private or link-local
   * (`127.0.0.1`, `10.0.0.0/8`). Everything else non-public is refused after DNS resolution.
   * @default []
   */
  allowTargets: z.array(cidr).default([]),
  /** Secrets inbound events are verified with (the bridge's), any of which may match. Defaults to `secrets`. */
  inboundSecrets: z.array(secret).min(1).max(2).optional(),
  /** How far a signed timestamp may be from now, either way. @default 300 */
  toleranceSeconds: z.number().int().min(1).max(3600).default(300),
  /** @default 10000 */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** The wait reported for a 429 without a readable `Retry-After`. @default 5000 */
  throttleRetryAfterMs: z.number().int().min(1).max(86_400_000).default(5000),
});

/** The options of `webhook()` as the app passes them. */
export type WebhookOptions = z.input<typeof WebhookOptionsSchema>;
/** The options after defaults are applied. */
export type ResolvedWebhookOptions = z.output<typeof WebhookOptionsSchema>;
