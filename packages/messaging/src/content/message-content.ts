/**
 * What a message says on one channel, before it is addressed: the parts of the core
 * `OutboundMessage` that a sender writes or a template renders. A channel reads the parts
 * its capabilities name (`subject` and `html` for e-mail, `text` for SMS, `type` and `data`
 * for webhooks).
 */
export interface MessageContent {
  /** The subject line, for channels with `subject`. */
  readonly subject?: string | undefined;
  /** The plain-text body (the SMS text, the e-mail text part). */
  readonly text?: string | undefined;
  /** The HTML body, for channels with `html`. */
  readonly html?: string | undefined;
  /** An event type, for channels with `data`. */
  readonly type?: string | undefined;
  /** A JSON payload, for channels with `data`. */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

/** A request to render a stored template for one send. */
export interface TemplateRenderRequest {
  /** The template's key, e.g. `order-shipped`. */
  readonly template: string;
  /** The channel the message goes out on; a template has a variant per channel. */
  readonly channel: string;
  /** The customer's locale (BCP 47); the renderer falls back to the template's default locale. */
  readonly locale?: string | undefined;
  /** The variables: the customer's traits and metrics and the sender's own, merged by the hub. */
  readonly variables: Readonly<Record<string, unknown>>;
  /**
   * Variables computed on demand (what plugins contribute as `templateVariables`): each is
   * called only when the template reads a variable of that name and `variables` has none, so
   * a template that does not use it costs nothing.
   */
  readonly provided?: Readonly<Record<string, () => Promise<unknown>>> | undefined;
}

/** What a rendered template produced, and which version of it, so a message records the version it used. */
export interface RenderedTemplate {
  readonly content: MessageContent;
  readonly template: string;
  readonly version: number;
  readonly locale: string;
}

/**
 * Renders stored templates for the hub. The templates module implements it; the hub calls
 * it at send time (not queue time), so a missing variable fails the send, not the enqueue.
 */
export interface TemplateRenderer {
  render(request: TemplateRenderRequest): Promise<RenderedTemplate>;
}
