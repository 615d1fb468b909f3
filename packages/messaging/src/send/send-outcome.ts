import type { RapportError } from '@rapport/core';
import type { MessageStatus } from '../status/message-status.js';

/** What a queued send returns: the message, where it goes and why. */
export interface SendOutcome {
  readonly messageId: string;
  /** `queued`, or `deferred` out of quiet hours (for a repeated idempotency key, the first message's status). */
  readonly status: MessageStatus;
  /** True when the idempotency key was used before: this is that message. */
  readonly existing: boolean;
  readonly channel: string;
  /** The routing decision's reasons, one line per channel looked at. */
  readonly reasons: readonly string[];
  /** When it goes out. */
  readonly sendAt: Date;
}

/** The outcome of one input of `sendMany`: queued (or existing), or rejected with its typed error. */
export type SendManyOutcome =
  | ({ readonly index: number; readonly outcome: 'queued' } & SendOutcome)
  | { readonly index: number; readonly outcome: 'rejected'; readonly error: RapportError };
