import { z } from 'zod';
import { DEFAULT_OPT_OUT_KEYWORDS } from './opt-out.js';

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550100');
const httpUrl = z.url({ protocol: /^https?$/ });

/** A Twilio-shaped provider: the Messages REST API, form posts, `X-Twilio-Signature` on callbacks. */
export const TwilioProviderSchema = z.object({
  kind: z.literal('twilio'),
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID (AC + 32 hex digits)'),
  authToken: z.string().min(16),
  /** The API's origin. @default "https://api.twilio.com" */
  baseUrl: httpUrl.default('https://api.twilio.com'),
  /** Where the provider posts delivery receipts (sent as `StatusCallback`). */
  statusCallbackUrl: httpUrl.optional(),
  /** Check `X-Twilio-Signature` on inbound and receipt callbacks. @default true */
  verifySignatures: z.boolean().default(true),
});

const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), token: z.string().min(1) }),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) }),
  z.object({ type: z.literal('header'), name: z.string().min(1), value: z.string().min(1) }),
]);

const callbackFormat = z.enum(['json', 'form']).default('json');

/**
 * A configurable provider: where to post, how to authenticate, the body as a template with
 * `{{to}}`, `{{from}}`, `{{text}}`, `{{id}}` and `{{idempotencyKey}}`, and where the
 * response, inbound and receipt bodies keep their fields (dotted paths).
 */
export const GenericProviderSchema = z.object({
  kind: z.literal('generic'),
  url: httpUrl,
  /** @default "POST" */
  method: z.enum(['POST', 'PUT']).default('POST'),
  auth: authSchema.optional(),
  /** @default "json" */
  bodyFormat: z.enum(['json', 'form']).default('json'),
  body: z
    .record(z.string(), z.string())
    .refine((body) => Object.values(body).some((value) => value.includes('{{text}}')), 'must place {{text}}'),
  /** The header the idempotency key goes in. @default "Idempotency-Key" */
  idempotencyHeader: z.string().min(1).default('Idempotency-Key'),
  /** Where a 2xx response keeps the message id, e.g. `data.id`. */
  responseIdPath: z.string().min(1),
  inbound: z
    .object({
      format: callbackFormat,
      from: z.string().min(1),
      text: z.string().min(1),
      to: z.string().min(1).optional(),
      id: z.string().min(1).optional(),
    })
    .optional(),
  receipts: z
    .object({
      format: callbackFormat,
      id: z.string().min(1),
      status: z.string().min(1),
      reason: z.string().min(1).optional(),
      /** The provider's status values for each receipt status; values not listed are not final and give no receipt. */
      statuses: z.object({ delivered: z.array(z.string()).min(1), failed: z.array(z.string()).min(1) }),
    })
    .optional(),
  /** A shared secret the provider sends on callbacks, checked in constant time. */
  callbackSecret: z.object({ header: z.string().min(1), value: z.string().min(16) }).optional(),
});

/** The options of `sms()`, checked once when the plugin registers. */
export const SmsOptionsSchema = z.object({
  provider: z.discriminatedUnion('kind', [TwilioProviderSchema, GenericProviderSchema]),
  /** The sending number. */
  from: e164,
  /** The region of inbound numbers written without a country code. */
  defaultRegion: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  /** Messages longer than this many segments are refused (they cost that many SMS). @default 10 */
  maxSegments: z.number().int().min(1).max(50).default(10),
  /** @default ["STOP","STOPALL","UNSUBSCRIBE","CANCEL","END","QUIT","OPTOUT","退订","TD"] */
  optOutKeywords: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_OPT_OUT_KEYWORDS]),
  /** The wait reported for a 429 without a readable `Retry-After`. @default 1000 */
  throttleRetryAfterMs: z.number().int().min(1).max(86_400_000).default(1000),
  /** @default 15000 */
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
});

/** The options of `sms()` as the app passes them. */
export type SmsOptions = z.input<typeof SmsOptionsSchema>;
/** The options after defaults are applied. */
export type ResolvedSmsOptions = z.output<typeof SmsOptionsSchema>;
/** A resolved Twilio provider. */
export type TwilioProviderOptions = z.output<typeof TwilioProviderSchema>;
/** A resolved generic provider. */
export type GenericProviderOptions = z.output<typeof GenericProviderSchema>;
