import type { Channel, ChannelAddress, DeliveryReceipt, InboundRequest, MessageThreading, OutboundMessage } from '@rapport/core/plugin';
import type * as fc from 'fast-check';

/**
 * How the fake provider behind a harness answers the next sends: `accept`; `reject` — a
 * permanent refusal (a bad address, SMTP 5xx, HTTP 400); `throttle` — slow down (HTTP 429
 * with `Retry-After`, SMTP 421/451); `fail` — a temporary fault (HTTP 503, SMTP 4xx).
 */
export type ProviderBehaviour =
  | { readonly kind: 'accept' }
  | { readonly kind: 'reject' }
  | { readonly kind: 'throttle'; readonly retryAfterMs: number }
  | { readonly kind: 'fail' };

/** One call the fake provider received. */
export interface ProviderCall {
  /** The idempotency key as the provider saw it (a header, a field, a Message-ID). */
  readonly idempotencyKey: string | undefined;
  /** The recipient as the provider saw it. */
  readonly to: string | undefined;
}

/**
 * A channel wired to a real, local fake of its provider (an SMTP server, an HTTP server),
 * which the conformance suite scripts and inspects.
 */
export interface ChannelHarness {
  readonly channel: Channel;
  /** Makes the provider answer the following sends this way (until told otherwise). */
  behave(behaviour: ProviderBehaviour): void;
  /** Every call the provider received since the harness was made, in order. */
  calls(): readonly ProviderCall[];
  /** Stops the provider and closes the channel. */
  close(): Promise<void>;
}

/** What an inbound round trip generates: a message as its sender wrote it. */
export interface InboundSample {
  readonly from: ChannelAddress;
  readonly text: string;
  readonly threading: MessageThreading;
}

/** How a channel's inbound parser is exercised by the suite. */
export interface InboundConformance {
  /** Samples the channel's provider could send (addresses in the form the channel normalises to). */
  readonly samples: fc.Arbitrary<InboundSample>;
  /** Builds the request the provider would send for a sample (signed, if the channel verifies signatures). */
  encode(sample: InboundSample): InboundRequest | Promise<InboundRequest>;
  /** Texts the channel must flag as opt-outs (`STOP`, `退订`); each is checked. */
  readonly optOutTexts?: readonly string[];
  /** Bodies the channel must reject with a typed error, each with a label for the test name. */
  readonly malformed: readonly { readonly label: string; readonly request: InboundRequest }[];
}

/** How a channel's receipt parser is exercised by the suite. */
export interface ReceiptConformance {
  /** Receipts the provider could send. */
  readonly samples: fc.Arbitrary<DeliveryReceipt>;
  /** Builds the callback the provider would send for a receipt. */
  encode(receipt: DeliveryReceipt): InboundRequest | Promise<InboundRequest>;
  /** Bodies the channel must reject with a typed error, each with a label. */
  readonly malformed: readonly { readonly label: string; readonly request: InboundRequest }[];
}

/** Options of `runChannelConformance`. */
export interface ChannelConformanceOptions {
  /** A message the channel can deliver, with the given hub message id. */
  message(id: string): OutboundMessage;
  /**
   * A channel whose provider cannot be reached (a closed port): its sends must be
   * `transient`. Leave out only for a channel that calls no provider.
   */
  unreachable?: () => Channel | Promise<Channel>;
  inbound?: InboundConformance;
  receipts?: ReceiptConformance;
  /** Rounds of 8 concurrent sends on one channel. Default 5. */
  concurrencyRounds?: number;
  /** fast-check runs of each parser property. Default 50. */
  runs?: number;
}
