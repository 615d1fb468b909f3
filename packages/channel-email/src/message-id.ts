/** Characters a `Message-ID`'s left part may hold as they are (RFC 5322 dot-atom, less the rare ones). */
const PLAIN_ID = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * The `Message-ID` for a hub message id: `<id@domain>`, or `<b64.…@domain>` when the id has
 * characters a Message-ID cannot hold. The same id always gives the same Message-ID, so a
 * retry carries the one a receipt or a reply will refer to.
 */
export function messageIdFor(id: string, domain: string): string {
  const local = PLAIN_ID.test(id) && id.length <= 200 ? id : `b64.${Buffer.from(id, 'utf8').toString('base64url')}`;
  return `<${local}@${domain}>`;
}

/** The domain of an address such as `Shop <hello@shop.example>`, or `localhost` when there is none. */
export function domainOf(address: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address);
  return match?.[1]?.toLowerCase() ?? 'localhost';
}
