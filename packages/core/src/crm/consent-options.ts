import { z } from 'zod';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';
import { ConsentPurposeSchema } from '../model/consent.js';
import {
  type ConsentNotice,
  type ConsentNoticeInput,
  ConsentNoticeSchema,
  type ConsentPolicy,
  type ConsentRules,
  consentRules,
} from '../model/consent-rules.js';
import { parseInput } from '../util/parse.js';

/** The `consent` options of `createCrm`. */
export interface ConsentOptions {
  /**
   * The default policy per purpose, used when a customer has no record for it.
   * @defaultValue `{ transactional: 'opt-out' }`, every other purpose `'opt-in'`
   */
  policies?: Readonly<Record<string, ConsentPolicy>>;
  /** The privacy notice versions per purpose; a `material` one requires fresh consent. */
  notices?: readonly ConsentNoticeInput[];
  /**
   * The HMAC-SHA256 key that signs double opt-in tokens (at least 32 bytes; a string counts
   * its UTF-8 bytes). Required for `requestGrant` and `confirm`; keep it out of the code.
   */
  secret?: string | Uint8Array;
  /**
   * How long a double opt-in token stays valid, in seconds.
   * @defaultValue `172800` (48 hours)
   */
  tokenTtlSeconds?: number;
}

/** The consent configuration services read, after defaults. */
export interface ResolvedConsentConfig {
  readonly rules: ConsentRules;
  readonly notices: readonly ConsentNotice[];
  /** The token key, or null when no secret is configured. */
  readonly secret: Uint8Array | null;
  readonly tokenTtlSeconds: number;
}

const MIN_SECRET_BYTES = 32;

const ConsentOptionsSchema = z.object({
  policies: z.record(ConsentPurposeSchema, z.enum(['opt-in', 'opt-out'])).optional(),
  notices: z.array(ConsentNoticeSchema).max(1000).optional(),
  secret: z
    .union([z.string(), z.instanceof(Uint8Array)])
    .refine(
      (secret) => (typeof secret === 'string' ? new TextEncoder().encode(secret) : secret).byteLength >= MIN_SECRET_BYTES,
      `must be at least ${MIN_SECRET_BYTES} bytes`,
    )
    .optional(),
  tokenTtlSeconds: z
    .number()
    .int()
    .positive()
    .max(365 * 86_400)
    .optional(),
});

/** Validates the `consent` options (naming `options.consent.<field>`) and applies defaults. */
export function resolveConsentOptions(options: ConsentOptions | undefined): ResolvedConsentConfig {
  const parsed = parseInput(ConsentOptionsSchema, options ?? {}, ['options', 'consent'], CoreErrorCode.InvalidOptions);
  const notices = parsed.notices ?? [];
  const seen = new Set<string>();
  for (const [index, notice] of notices.entries()) {
    const key = `${notice.purpose}\u0000${notice.version}`;
    if (seen.has(key)) {
      throw new ValidationError(CoreErrorCode.InvalidOptions, [
        {
          path: ['options', 'consent', 'notices', index, 'version'],
          message: `"${notice.version}" is registered twice for ${notice.purpose}`,
        },
      ]);
    }
    seen.add(key);
  }
  const secret =
    parsed.secret === undefined ? null : typeof parsed.secret === 'string' ? new TextEncoder().encode(parsed.secret) : parsed.secret;
  return { rules: consentRules(parsed.policies, notices), notices, secret, tokenTtlSeconds: parsed.tokenTtlSeconds ?? 172_800 };
}
