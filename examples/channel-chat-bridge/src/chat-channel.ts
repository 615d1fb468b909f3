import { timingSafeEqual } from 'node:crypto';
import { ChannelErrorCode, ChannelRequestError } from '@rapport/core';
import {
  type Channel,
  classifyHttpFailure,
  classifyThrown,
  definePlugin,
  defineToken,
  headerValue,
  type InboundMessage,
  type InboundRequest,
  type OutboundMessage,
  parsePluginOptions,
  type SendOptions,
  type SendResult,
  type Token,
} from '@rapport/core/plugin';
import { z } from 'zod';

/** The options, checked once when the plugin registers. */
export const ChatOptionsSchema = z.object({
  /** The chat service's API, e.g. `https://chat.example/api`. */
  url: z.url(),
  /** Sent as a bearer token, and expected back on inbound calls. */
  token: z.string().min(16),
});
/** The options as the app passes them. */
export type ChatOptions = z.input<typeof ChatOptionsSchema>;

const InboundSchema = z.object({ from: z.string().min(1).max(256), text: z.string().max(4000), thread: z.string().max(256).optional() });

function malformed(field: string, reason: string): ChannelRequestError {
  return new ChannelRequestError(ChannelErrorCode.InboundMalformed, { channel: 'chat', field, reason });
}

/** A thin provider: it delivers one message and reads inbound calls; the hub owns every rule. */
export class ChatChannel implements Channel {
  readonly id = 'chat';
  readonly addresses = ['external'] as const;
  readonly capabilities = ['inbound', 'threading'] as const;

  constructor(private readonly options: z.output<typeof ChatOptionsSchema>) {}

  async send(message: OutboundMessage, { idempotencyKey, signal }: SendOptions): Promise<SendResult> {
    if (message.to.type !== 'external' || message.to.namespace !== 'chat') {
      return { status: 'failed', errorClass: 'permanent', reason: 'the chat channel addresses external ids in the "chat" namespace' };
    }
    try {
      const response = await fetch(new URL('messages', `${this.options.url}/`), {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify({ to: message.to.value, text: message.text ?? '', thread: message.threading?.conversationId }),
        signal,
        redirect: 'manual',
      });
      if (!response.ok) {
        return classifyHttpFailure(response.status, {
          retryAfter: response.headers.get('retry-after'),
          defaultRetryAfterMs: 1000,
          now: new Date(),
        });
      }
      const { id } = (await response.json()) as { id?: unknown };
      if (typeof id !== 'string') return { status: 'failed', errorClass: 'transient', reason: 'the chat service answered without an id' };
      return { status: 'sent', providerMessageId: id };
    } catch (error) {
      return classifyThrown(error); // refused, timed out, aborted: worth another try
    }
  }

  async parseInbound(request: InboundRequest): Promise<readonly InboundMessage[]> {
    const given = Buffer.from(headerValue(request, 'authorization') ?? '');
    const expected = Buffer.from(`Bearer ${this.options.token}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ChannelRequestError(ChannelErrorCode.SignatureInvalid, {
        channel: 'chat',
        field: 'header authorization',
        reason: 'wrong token',
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
    } catch {
      throw malformed('body', 'not UTF-8 JSON');
    }
    const parsed = InboundSchema.safeParse(json);
    if (!parsed.success) throw malformed(`body.${parsed.error.issues[0]?.path.join('.')}`, parsed.error.issues[0]?.message ?? 'invalid');
    const { from, text, thread } = parsed.data;
    return [
      {
        channel: this.id,
        from: { type: 'external', namespace: 'chat', value: from },
        text,
        threading: { conversationId: thread },
        optOut: text.trim().toUpperCase() === 'STOP',
      },
    ];
  }
}

/** Where the channel is provided in the Crm's container. */
export const CHAT_CHANNEL: Token<ChatChannel> = defineToken('acme-chat:channel');

/** The plugin: `createCrm({ plugins: [chat({ url, token })] })` gives `crm.chatChannel`. */
export const chat = (options: ChatOptions) =>
  definePlugin({
    name: 'acme-chat',
    contributes: { channels: [{ id: 'chat', token: CHAT_CHANNEL }] },
    register({ container }) {
      container.value(CHAT_CHANNEL, new ChatChannel(parsePluginOptions('acme-chat', ChatOptionsSchema, options)));
    },
    api: { chatChannel: (tenant) => tenant.resolve(CHAT_CHANNEL) },
  });
