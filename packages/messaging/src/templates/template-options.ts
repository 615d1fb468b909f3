import { z } from 'zod';
import { DEFAULT_TEMPLATE_LIMITS } from './template-engine.js';

/** The options of the templates module, checked once when the plugin registers. */
export const TemplateOptionsSchema = z.object({
  /** Channels whose text is an SMS: renders and previews report its encoding and segments. */
  smsChannels: z.array(z.string().min(1)).default(['sms']),
  /** Parsed templates kept in memory, per process (each version parses once). */
  cacheSize: z.number().int().min(1).max(1_000_000).default(1_000),
  /**
   * How long, in ms, a render reuses the version it last resolved for a key, channel and locale
   * instead of reading the table again (the read cost more than the render). A save in this Crm
   * is seen at once; a save by another process within this time. 0 reads on every render.
   */
  resolveCacheMs: z.number().int().min(0).max(3_600_000).default(1_000),
  /** liquidjs render limits against runaway templates (see `TemplateLimits`). */
  limits: z
    .object({
      parseLimit: z.number().int().min(1).default(DEFAULT_TEMPLATE_LIMITS.parseLimit),
      renderLimit: z.number().int().min(1).default(DEFAULT_TEMPLATE_LIMITS.renderLimit),
      memoryLimit: z.number().int().min(1).default(DEFAULT_TEMPLATE_LIMITS.memoryLimit),
    })
    .prefault({}),
});
/** The templates module's options as given. */
export type TemplateOptions = z.input<typeof TemplateOptionsSchema>;
/** The templates module's options with defaults applied. */
export type ResolvedTemplateOptions = z.output<typeof TemplateOptionsSchema>;
