import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The ipaddr.js ranges a webhook may reach without being allowed explicitly: public unicast only. */
const PUBLIC_RANGES = new Set(['unicast']);

/** Resolves a host name to all its addresses (Node's `dns.lookup` by default; tests pass a fake resolver). */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The system resolver, as `dns.lookup(hostname, { all: true })`. */
export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/** Thrown (as the connection's error) when a target resolves to an address that is not allowed. */
export class TargetRefusedError extends Error {
  readonly code = 'ERR_WEBHOOK_TARGET_REFUSED';
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`refused: ${hostname} resolves to ${address}, a ${range} address (allow it with allowTargets)`);
    this.name = 'TargetRefusedError';
  }
}

/**
 * Checks the addresses a webhook may connect to. Loopback, private, link-local (the cloud
 * metadata service 169.254.169.254), unique-local, carrier-grade NAT, unspecified and
 * reserved addresses are refused unless inside one of `allowTargets`; IPv4-mapped IPv6
 * addresses are judged as the IPv4 address they carry.
 */
export class TargetGuard {
  readonly #allowed: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(
    allowTargets: readonly string[],
    private readonly resolver: Resolver = systemResolver,
  ) {
    this.#allowed = allowTargets.map((entry) => {
      const [address, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), undefined];
      const normalised = ipaddr.process(address.toString());
      return [normalised, bits ?? (normalised.kind() === 'ipv4' ? 32 : 128)];
    });
  }

  /** Why `address` is refused, or `undefined` when it may be reached. */
  refusal(address: string): string | undefined {
    if (!ipaddr.isValid(address)) return 'unparseable';
    const parsed = ipaddr.process(address);
    for (const [range, bits] of this.#allowed) {
      if (range.kind() === parsed.kind() && parsed.match(range as never, bits)) return undefined;
    }
    const range = parsed.range();
    return PUBLIC_RANGES.has(range) ? undefined : range;
  }

  /** Resolves `hostname` (an IP literal resolves to itself) and throws if any of its addresses is refused. */
  async check(hostname: string): Promise<readonly LookupAddress[]> {
    const bare = hostname.replace(/^\[|\]$/g, '');
    const addresses = ipaddr.isValid(bare)
      ? [{ address: bare, family: ipaddr.parse(bare).kind() === 'ipv4' ? 4 : 6 }]
      : await this.resolver(bare);
    if (addresses.length === 0) throw new TargetRefusedError(hostname, '(none)', 'unresolvable');
    for (const { address } of addresses) {
      const refused = this.refusal(address);
      if (refused) throw new TargetRefusedError(hostname, address, refused);
    }
    return addresses;
  }

  /**
   * A `lookup` for `http.request` that resolves through the guard, so the socket connects
   * to exactly the address that was checked (a DNS answer that changes between the check and
   * the connection — rebinding — cannot slip through).
   */
  lookup(): LookupFunction {
    return (hostname, options, callback) => {
      this.check(hostname).then(
        (addresses) => {
          if ((options as { all?: boolean }).all)
            return (callback as (error: null, addresses: LookupAddress[]) => void)(null, [...addresses]);
          const [first] = addresses as [LookupAddress];
          callback(null, first.address, first.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  }
}
