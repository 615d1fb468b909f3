import { Webhook } from 'standardwebhooks';

/** The three Standard Webhooks headers of one delivery attempt. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * Signs `body` per Standard Webhooks with the `standardwebhooks` package: `v1,` + base64
 * HMAC-SHA256 of `id.timestamp.body`, one signature per secret (space-separated) so a
 * receiver in the middle of a rotation accepts either.
 */
export function signEvent(secrets: readonly string[], id: string, at: Date, body: string): WebhookHeaders {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(id, at, body));
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signatures.join(' ') };
}
