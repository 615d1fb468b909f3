import { z } from 'zod';
import type { TemplateRenderer } from './content/message-content.js';
import type { SendGuard } from './guards/send-guard.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'must be 1-64 characters: a-z, 0-9, _ . : -');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time such as "21:00"');

/** A frequency cap: at most `max` messages of `purposes` on `channels` (all when left out) within `withinDays`. */
export const FrequencyCapSchema = z.object({
  /** The purposes counted together, e.g. `['marketing']`. */
  purposes: z.array(slug).min(1),
  /** The channels counted together; every channel when left out (a cap across channels). */
  channels: z.array(slug).min(1).optional(),
  max: z.number().int().min(1).max(10_000),
  /** The sliding window, in days (fractions allowed: `1 / 24` is an hour). */
  withinDays: z.number().positive().max(366),
});
/** A frequency cap rule. */
export type FrequencyCap = z.output<typeof FrequencyCapSchema>;

/** Quiet hours, in the customer's time zone: a send inside them is deferred to `end`. */
export const QuietHoursSchema = z
  .object({
    /** Local time quiet hours begin, e.g. `21:00`. */
    start: clockTime,
    /** Local time they end (may be the next day), e.g. `08:00`. */
    end: clockTime,
    /**
     * Whether transactional messages wait too.
     * @defaultValue false
     */
    transactional: z.boolean().default(false),
  })
  .refine((hours) => hours.start !== hours.end, { message: 'start and end must differ', path: ['end'] });
/** Quiet hours as configured. */
export type QuietHours = z.output<typeof QuietHoursSchema>;

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** The options of `messaging()`, checked once when the plugin registers. */
export const MessagingOptionsSchema = z.object({
  /**
   * The channels routing may choose, in the order it tries them; every installed channel (in
   * plugin order) when left out. An explicit `channel` must be installed, not necessarily listed.
   */
  channels: z.array(slug).min(1).optional(),
  /**
   * The purposes a message may be sent for.
   * @defaultValue `['marketing', 'transactional']`
   */
  purposes: z.array(slug).min(1).default(['marketing', 'transactional']),
  /** The customer trait holding their preferred channel id. @defaultValue `preferredChannel` */
  preferredChannelTrait: z.string().min(1).default('preferredChannel'),
  /** The customer trait holding their IANA time zone. @defaultValue `timezone` */
  timezoneTrait: z.string().min(1).default('timezone'),
  /** The time zone of customers without a (valid) one. @defaultValue `UTC` */
  defaultTimezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as "Europe/London"').default('UTC'),
  /** Frequency caps, all of which must hold. */
  caps: z.array(FrequencyCapSchema).default([]),
  /** Quiet hours; none when left out. */
  quietHours: QuietHoursSchema.optional(),
  /** Attempts before a message is dead-lettered. @defaultValue 5 */
  maxAttempts: z.number().int().min(1).max(100).default(5),
  /** First retry delay of a transient failure, doubled per attempt with jitter. @defaultValue 1000 */
  backoffMs: z.number().int().min(1).default(1_000),
  /** Longest retry delay. @defaultValue 3600000 */
  maxBackoffMs: z.number().int().min(1).default(3_600_000),
  /** Renders `template` sends (the templates module); template sends fail without it. */
  renderer: z
    .custom<TemplateRenderer>(
      (value) => typeof (value as TemplateRenderer | undefined)?.render === 'function',
      'must have a render() method',
    )
    .optional(),
  /**
   * One-click unsubscribe links (RFC 8058): each non-transactional message on a channel with
   * the `unsubscribe` capability carries `url?token=…`, signed with `secret`, as its
   * `List-Unsubscribe` link, and templates get it as `unsubscribeUrl`. Mount `url` in the app
   * and pass the token to `crm.messages.unsubscribe(token)` on POST.
   */
  unsubscribe: z
    .object({
      url: z
        .string()
        .url()
        .refine((value) => value.startsWith('https://'), 'must be an https URL (RFC 8058)'),
      secret: z.string().min(32, 'must be at least 32 characters'),
    })
    .strict()
    .optional(),
  /** Checks run at send time after consent and caps (a suppression list, an erasure). */
  guards: z
    .array(z.custom<SendGuard>((value) => typeof (value as SendGuard | undefined)?.check === 'function', 'must have a check() method'))
    .default([]),
});

/** The options of `messaging()` as an app writes them. */
export type MessagingOptions = z.input<typeof MessagingOptionsSchema>;
/** The options after defaults. */
export type ResolvedMessagingOptions = z.output<typeof MessagingOptionsSchema>;
