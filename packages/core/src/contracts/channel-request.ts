/**
 * An inbound webhook as any HTTP framework can give it: the method, the URL, the headers and
 * the raw body bytes. Signatures are computed over the raw bytes, so a body a framework has
 * already parsed as JSON cannot be verified — pass the bytes.
 */
export interface InboundRequest {
  readonly method: string;
  /** The full URL the provider called (Twilio signs it). */
  readonly url: string;
  /** Header names in any case; Node's `IncomingMessage.headers` fits as it is. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Uint8Array;
}

/** A header of `request`, matched case-insensitively; repeated headers are joined with `, `. */
export function headerValue(request: Pick<InboundRequest, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

/** Reads a Fetch API `Request` (Hono, Next.js, Bun, Deno) into an {@link InboundRequest}. */
export async function inboundRequestFromFetch(request: Request): Promise<InboundRequest> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return { method: request.method, url: request.url, headers, body: new Uint8Array(await request.arrayBuffer()) };
}
