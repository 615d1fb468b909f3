import { isRapportError, type Page } from '@rapport/core';
import { headerValue, type InboundRequest, type TenantContext } from '@rapport/core/plugin';
import { MessagingErrorCode } from '../error-codes.js';
import type { ResolvedConversationOptions } from './conversation-options.js';
import { inboundFailuresTable } from './conversation-tables.js';
import type { InboundFailure } from './conversation-types.js';

/** A value as JSON can hold it (a details object may carry a Date or a cycle); undefined when it cannot. */
function jsonSafe(value: unknown): Record<string, unknown> | null {
  try {
    const json = JSON.parse(JSON.stringify(value ?? null)) as unknown;
    return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The record of inbound requests that failed: the channel, the typed error's code and reason,
 * and the raw body truncated, so an operator can see what a provider sent. Writing it never
 * throws past the caller's own error.
 */
export class InboundFailures {
  constructor(
    private readonly tenant: TenantContext,
    private readonly options: ResolvedConversationOptions,
  ) {}

  /** Records a failure and returns its id. */
  async record(channel: string, request: InboundRequest, error: unknown): Promise<string> {
    const id = this.tenant.ids.next();
    const limit = this.options.rawBodyLimit;
    const body = request.body instanceof Uint8Array ? request.body : new Uint8Array();
    // Decoded leniently (bad bytes become U+FFFD) and without NUL, which PostgreSQL text cannot hold.
    const rawBody = new TextDecoder('utf-8', { fatal: false })
      .decode(body.subarray(0, limit * 4))
      .slice(0, limit)
      .replaceAll('\u0000', '\uFFFD');
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
    await this.tenant.store.table(inboundFailuresTable).insert({
      id,
      channel: channel.slice(0, 64),
      receivedAt: this.tenant.clock.now(),
      code: (isRapportError(error) ? error.code : MessagingErrorCode.InboundRejected).slice(0, 100),
      reason,
      details: isRapportError(error) ? jsonSafe(error.details) : null,
      rawBody,
      bodyBytes: body.byteLength,
      contentType: headerValue(request, 'content-type')?.slice(0, 255) ?? null,
    });
    return id;
  }

  /** Failed inbound requests, newest first, optionally of one channel. */
  async list(query: { channel?: string; cursor?: string; limit?: number } = {}): Promise<Page<InboundFailure>> {
    return this.tenant.store.table(inboundFailuresTable).find({
      where: query.channel === undefined ? {} : { channel: query.channel },
      orderBy: [{ column: 'receivedAt', direction: 'desc' }],
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
  }
}
