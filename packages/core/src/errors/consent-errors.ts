import type { ConsentReason } from '../model/consent-decision.js';
import { CoreErrorCode } from './codes.js';
import { RapportError } from './rapport-error.js';

/** Details of a {@link ConsentRequiredError}. */
export interface ConsentRequiredDetails extends Record<string, unknown> {
  customerId: string;
  purpose: string;
  channel: string;
  /** Why the decision refused (see `ConsentDecision.reason`). */
  reason: ConsentReason;
  /** The id of the deciding ledger record, or null when nothing is on record. */
  recordId: string | null;
}

/** The consent gate refused: the customer has not consented to the purpose on the channel. */
export class ConsentRequiredError extends RapportError<ConsentRequiredDetails> {
  constructor(details: ConsentRequiredDetails) {
    super({
      code: CoreErrorCode.ConsentRequired,
      kind: 'forbidden',
      message: `consent required: ${details.purpose} on ${details.channel} is not allowed for customer "${details.customerId}" (${details.reason})`,
      details,
    });
    this.name = 'ConsentRequiredError';
  }
}

/**
 * Why a double opt-in token was refused: past its expiry, signature or claims altered,
 * not a token at all, issued for another tenant, already confirmed, or naming no pending
 * request of this tenant.
 */
export type ConsentTokenFailure = 'expired' | 'tampered' | 'malformed' | 'wrong-tenant' | 'used' | 'unknown-request';

/** A double opt-in token could not be confirmed; `details.reason` says why. */
export class ConsentTokenError extends RapportError<{ reason: ConsentTokenFailure; tokenId: string | null }> {
  constructor(reason: ConsentTokenFailure, tokenId: string | null = null, cause?: unknown) {
    super({
      code: CoreErrorCode.ConsentTokenInvalid,
      // A used token is a clash with the ledger's state; the rest are bad input.
      kind: 'invalid_input',
      message: `consent token refused: ${reason}`,
      details: { reason, tokenId },
      cause,
    });
    this.name = 'ConsentTokenError';
  }
}
