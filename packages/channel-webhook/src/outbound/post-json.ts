import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/** Node's own code for a socket timeout (not a Rapport code), so the failure classifies as a network one. */
const NODE_TIMEOUT_CODE = 'ETIMEDOUT';

/** A response, read to the end (the body is capped: receivers answer briefly). */
export interface PostedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs a JSON body with node:http(s), connecting through `lookup` (the target guard), never
 * following redirects. Rejects on a network error, a timeout or an abort.
 */
export function postJson(
  url: URL,
  body: string,
  options: { headers: Record<string, string>; lookup: LookupFunction; timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<PostedResponse> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...options.headers },
        lookup: options.lookup,
        timeout: options.timeoutMs,
        signal: options.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: NODE_TIMEOUT_CODE })),
    );
    request.on('error', reject);
    request.end(body);
  });
}
