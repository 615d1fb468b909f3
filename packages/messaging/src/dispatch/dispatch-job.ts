/** The job type that sends one queued message. */
export const DISPATCH_JOB = 'messaging.dispatch';

/** The payload of a dispatch job. */
export interface DispatchPayload {
  readonly messageId: string;
  /** The send committed in the caller's transaction: the job announces `message.queued`. */
  readonly announce?: boolean | undefined;
}
