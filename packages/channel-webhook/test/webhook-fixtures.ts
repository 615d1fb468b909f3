import type { InboundRequest } from '@rapport/core/plugin';
import { signEvent } from '../src/outbound/sign-event.js';

export const SECRET = `whsec_${Buffer.from('rapport-webhook-secret-0123456789').toString('base64')}`;
export const OLD_SECRET = `whsec_${Buffer.from('rapport-webhook-secret-before-rotation').toString('base64')}`;

/** An inbound delivery signed as a bridge signs it. */
export function signedRequest(event: unknown, options: { id: string; at: Date; secrets?: readonly string[] }): InboundRequest {
  return signedRaw(JSON.stringify(event), options);
}

/** A delivery of exactly `body`, signed. */
export function signedRaw(body: string, options: { id: string; at: Date; secrets?: readonly string[] }): InboundRequest {
  const headers = signEvent(options.secrets ?? [SECRET], options.id, options.at, body);
  return {
    method: 'POST',
    url: 'https://crm.example/hooks/bridge',
    headers: { 'content-type': 'application/json', ...headers },
    body: new TextEncoder().encode(body),
  };
}
