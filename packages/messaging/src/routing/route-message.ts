import { type Customer, RapportError } from '@rapport/core';
import type { Channel, ChannelAddress } from '@rapport/core/plugin';
import { MessagingErrorCode } from '../error-codes.js';

/** Where a message goes and why: one reason per channel looked at, in order. */
export interface RoutingDecision {
  readonly channel: string;
  readonly address: ChannelAddress;
  readonly reasons: readonly string[];
}

/** What routing needs to know about one send. */
export interface RoutingRequest {
  readonly customer: Customer;
  readonly purpose: string;
  readonly transactional: boolean;
  /** The channel the caller named, already known to be installed. */
  readonly explicit?: string | undefined;
  /** The channels routing may choose, in order. */
  readonly order: readonly string[];
  /** The customer's preferred channel id (from the trait), if any. */
  readonly preferred?: unknown;
  readonly channel: (id: string) => Channel | undefined;
  /** Whether consent allows the purpose on a channel now (a reason when not). */
  readonly consent: (channel: string) => Promise<string | null>;
}

/** The customer's first identity a channel addresses, as a channel address. */
export function addressFor(customer: Customer, channel: Channel): ChannelAddress | null {
  const identity = customer.identities.find((candidate) => channel.addresses.includes(candidate.type));
  if (!identity) return null;
  return identity.type === 'external'
    ? { type: identity.type, value: identity.value, namespace: identity.namespace }
    : { type: identity.type, value: identity.value };
}

/**
 * Chooses the channel: the explicit one; else the preferred channel if routing may use it,
 * it has an address and consent allows it; else the next channel in order that has an
 * address and consent. When channels have addresses but none has consent, the first of them
 * is chosen and the send-time gate blocks it with the reason — a refusal is recorded, never
 * silent. No address at all is `MESSAGING_NO_ADDRESS`, with every reason.
 */
export async function routeMessage(request: RoutingRequest): Promise<RoutingDecision> {
  const reasons: string[] = [];
  const noAddress = (id: string, channel: Channel) => `${id}: no ${channel.addresses.join('/')} address`;
  if (request.explicit !== undefined) {
    const channel = request.channel(request.explicit) as Channel;
    const address = addressFor(request.customer, channel);
    if (address) return { channel: request.explicit, address, reasons: [`${request.explicit}: chosen (explicit)`] };
    throw refused(request, [noAddress(request.explicit, channel)]);
  }
  const candidates: { id: string; why: string }[] = [];
  const preferred = typeof request.preferred === 'string' ? request.preferred : undefined;
  if (preferred !== undefined) {
    if (request.order.includes(preferred) && request.channel(preferred)) candidates.push({ id: preferred, why: 'preferred' });
    else reasons.push(`${preferred}: preferred, but not a channel routing may use`);
  }
  for (const id of request.order) if (id !== preferred) candidates.push({ id, why: 'next in order' });
  let fallback: RoutingDecision | null = null;
  for (const { id, why } of candidates) {
    const channel = request.channel(id);
    if (!channel) continue;
    const address = addressFor(request.customer, channel);
    if (!address) {
      reasons.push(noAddress(id, channel));
      continue;
    }
    const withheld = request.transactional ? null : await request.consent(id);
    if (withheld === null) return { channel: id, address, reasons: [...reasons, `${id}: chosen (${why})`] };
    reasons.push(`${id}: ${withheld}`);
    fallback ??= { channel: id, address, reasons: [] };
  }
  if (fallback) {
    return { ...fallback, reasons: [...reasons, `${fallback.channel}: chosen without consent on any channel; the send-time gate decides`] };
  }
  throw refused(request, reasons.length > 0 ? reasons : ['no channel is installed']);
}

function refused(request: RoutingRequest, reasons: string[]): RapportError {
  return new RapportError({
    code: MessagingErrorCode.NoAddress,
    kind: 'forbidden',
    message: `no channel can reach customer "${request.customer.id}" — ${reasons.join('; ')}`,
    details: { customerId: request.customer.id, purpose: request.purpose, field: 'channel', reasons },
  });
}
