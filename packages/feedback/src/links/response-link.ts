import { ConflictError, RapportError, ValidationError } from '@rapport/core';
import { errors, jwtVerify, SignJWT } from 'jose';
import { FeedbackErrorCode } from '../error-codes.js';

/** The audience every response link carries, so a token signed for another purpose (a consent link) is refused. */
export const RESPONSE_LINK_AUDIENCE = 'rapport:survey-response';

/** Why a response link was refused. */
export type ResponseLinkRefusal = 'malformed' | 'signature' | 'purpose' | 'expired' | 'used';

/** What a response link says: one link per customer and survey send. */
export interface ResponseLinkClaims {
  /** Unique id of this link (a survey send); one response is stored per link. */
  linkId: string;
  /** The customer it was sent to. */
  customerId: string;
  /** The survey it answers. */
  surveyId: string;
  /** The survey version sent. */
  surveyVersion: number;
  /** When it was issued. */
  issuedAt: Date;
  /** When it stops being accepted. */
  expiresAt: Date;
}

/** What {@link createResponseLinkToken} needs. */
export interface CreateResponseLinkInput {
  /** The HMAC key: at least 32 bytes (a string is taken as UTF-8). */
  secret: Uint8Array | string;
  /** Unique id of the link. */
  linkId: string;
  /** The customer. */
  customerId: string;
  /** The survey. */
  surveyId: string;
  /** The survey version. */
  surveyVersion: number;
  /** Issue time, from the injected clock. */
  now: Date;
  /**
   * How long the link is accepted.
   * @default 30 days (43,200 minutes)
   */
  expiresInMinutes?: number;
}

/**
 * A signed, expiring response link token: a compact JWS (HS256, via `jose`) whose audience
 * is {@link RESPONSE_LINK_AUDIENCE}. Put it in the survey URL; {@link verifyResponseLinkToken}
 * reads it back.
 */
export async function createResponseLinkToken(input: CreateResponseLinkInput): Promise<string> {
  const key = keyOf(input.secret);
  const minutes = input.expiresInMinutes ?? 43_200;
  const issues = [
    ...(['linkId', 'customerId', 'surveyId'] as const).flatMap((field) =>
      typeof input[field] === 'string' && input[field].length > 0 ? [] : [{ path: [field], message: 'must be a non-empty string' }],
    ),
    ...(Number.isInteger(input.surveyVersion) && input.surveyVersion >= 1
      ? []
      : [{ path: ['surveyVersion'], message: 'must be a whole number ≥ 1' }]),
    ...(Number.isFinite(minutes) && minutes > 0 ? [] : [{ path: ['expiresInMinutes'], message: 'must be > 0' }]),
  ];
  if (issues.length > 0) throw new ValidationError(FeedbackErrorCode.InvalidOptions, issues);
  const iat = Math.floor(input.now.getTime() / 1000);
  return new SignJWT({ svy: input.surveyId, ver: input.surveyVersion })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(RESPONSE_LINK_AUDIENCE)
    .setSubject(input.customerId)
    .setJti(input.linkId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.round(minutes * 60))
    .sign(key);
}

/**
 * Checks a response link token at `now`. Throws a `RapportError` naming the reason in
 * `details.reason`: `FEEDBACK_LINK_INVALID` (`malformed`, `signature` — tampered or another
 * key — or `purpose` — not a response link) or `FEEDBACK_LINK_EXPIRED` (`expired`).
 */
export async function verifyResponseLinkToken(token: string, secret: Uint8Array | string, now: Date): Promise<ResponseLinkClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      audience: RESPONSE_LINK_AUDIENCE,
      currentDate: now,
      clockTolerance: 0,
    }));
  } catch (error) {
    throw refusal(error);
  }
  const { aud, sub, jti, svy, ver, iat, exp } = payload;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(RESPONSE_LINK_AUDIENCE))
    throw linkError(FeedbackErrorCode.LinkInvalid, 'purpose', 'The token is not a survey response link');
  if (
    typeof sub !== 'string' ||
    typeof jti !== 'string' ||
    typeof svy !== 'string' ||
    typeof ver !== 'number' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number'
  ) {
    throw linkError(FeedbackErrorCode.LinkInvalid, 'malformed', 'The response link lacks its claims');
  }
  return {
    linkId: jti,
    customerId: sub,
    surveyId: svy,
    surveyVersion: ver,
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
  };
}

/** The response already stored for a link, if any. */
export interface StoredLinkResponse {
  /** When it was first answered. */
  answeredAt: Date;
}

/** What a verified link may do now: store the first response, or edit the one stored. */
export type LinkResponseMode = 'create' | 'edit';

/**
 * One response per link, editable for `editableForMinutes` after the first answer: `create`
 * when nothing is stored, `edit` within the window, else `FEEDBACK_LINK_USED` (a
 * `ConflictError`, `details.reason` `used`). The storage-backed service keeps the link id
 * unique so two racing first answers cannot both create.
 */
export function linkResponseMode(existing: StoredLinkResponse | null | undefined, now: Date, editableForMinutes: number): LinkResponseMode {
  if (!(Number.isFinite(editableForMinutes) && editableForMinutes >= 0)) {
    throw new ValidationError(FeedbackErrorCode.InvalidOptions, [
      { path: ['editableForMinutes'], message: 'must be a number of minutes ≥ 0' },
    ]);
  }
  if (!existing) return 'create';
  const until = existing.answeredAt.getTime() + editableForMinutes * 60_000;
  if (now.getTime() < until) return 'edit';
  throw new ConflictError(FeedbackErrorCode.LinkUsed, 'This response link was already used and can no longer be edited', {
    reason: 'used' satisfies ResponseLinkRefusal,
    answeredAt: existing.answeredAt.toISOString(),
    editableUntil: new Date(until).toISOString(),
  });
}

function keyOf(secret: Uint8Array | string): Uint8Array {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (key.byteLength < 32)
    throw new ValidationError(FeedbackErrorCode.InvalidOptions, [{ path: ['secret'], message: 'must be at least 32 bytes' }]);
  return key;
}

function refusal(error: unknown): RapportError {
  if (error instanceof errors.JWTExpired)
    return linkError(FeedbackErrorCode.LinkExpired, 'expired', 'The response link has expired', error);
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return linkError(FeedbackErrorCode.LinkInvalid, 'signature', 'The response link signature does not match', error);
  if (error instanceof errors.JWTClaimValidationFailed)
    return linkError(FeedbackErrorCode.LinkInvalid, 'purpose', `The response link claim "${error.claim}" is not valid`, error);
  return linkError(FeedbackErrorCode.LinkInvalid, 'malformed', 'The response link is not a valid token', error);
}

function linkError(code: FeedbackErrorCode, reason: ResponseLinkRefusal, message: string, cause?: unknown): RapportError {
  return new RapportError({ code, kind: 'forbidden', message, details: { reason }, cause });
}
