/**
 * Where a message is in its life. `queued` and `deferred` wait for dispatch (deferred: moved
 * out of quiet hours); `sent` the provider accepted it; `delivered`, `opened`, `clicked`,
 * `bounced`, `complained` come from receipts; `failed` a permanent failure or a render
 * error; `dead` every attempt failed (replayable); `blocked` a send-time guard (consent, a
 * cap, a suppression) refused it; `vetoed` a `message.beforeSend` hook did.
 */
export const MESSAGE_STATUSES = [
  'queued',
  'deferred',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'failed',
  'dead',
  'blocked',
  'vetoed',
] as const;

/** One of {@link MESSAGE_STATUSES}. */
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Statuses a dispatch job still acts on. */
export const WAITING_STATUSES: readonly MessageStatus[] = ['queued', 'deferred'];

/** Statuses of a message that reached (or will reach) the customer: what frequency caps count. */
export const COUNTED_STATUSES: readonly MessageStatus[] = [
  'queued',
  'deferred',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
];

/** Statuses of a message the provider accepted. */
export const SENT_STATUSES: readonly MessageStatus[] = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained'];

/** Statuses `crm.messages.replay` starts again from. */
export const REPLAYABLE_STATUSES: readonly MessageStatus[] = ['dead', 'failed'];
