import { z } from 'zod';

const slug = z
  .string()
  .min(1)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-", starting with a letter or digit');

/** A BCP 47 language tag, canonicalised (`pt-br` → `pt-BR`), so `pt-BR` and `pt-br` are one locale. */
export const LocaleSchema = z
  .string()
  .min(2)
  .max(35)
  .transform((value, context) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(value);
      if (canonical) return canonical;
    } catch {
      // reported below
    }
    context.addIssue({ code: 'custom', message: `"${value}" is not a BCP 47 language tag such as en or pt-BR` });
    return z.NEVER;
  });

/** A template key, e.g. `order-shipped`. */
export const TemplateKeySchema = slug.max(128);
/** A channel id, e.g. `email`. */
export const TemplateChannelSchema = slug.max(64);

/** What `templates.save` takes: the Liquid parts of one channel's variant in one locale. */
export const SaveTemplateInputSchema = z
  .object({
    key: TemplateKeySchema,
    channel: TemplateChannelSchema,
    locale: LocaleSchema,
    /** Makes this the key's fallback locale from now on; without it the key keeps its default (the first locale saved). */
    defaultLocale: LocaleSchema.optional(),
    subject: z.string().max(2_000).optional(),
    text: z.string().max(100_000).optional(),
    html: z.string().max(500_000).optional(),
    /** A JSON payload (webhooks) whose string leaves are Liquid. */
    data: z.record(z.string(), z.unknown()).optional(),
    /** For SMS: refuse a render that needs more segments than this. */
    maxSegments: z.number().int().min(1).max(255).optional(),
  })
  .refine((input) => [input.subject, input.text, input.html, input.data].some((part) => part !== undefined), {
    message: 'give at least one of subject, text, html or data',
    path: ['text'],
  });
/** A template version to save, as the app passes it in. */
export type SaveTemplateInput = z.input<typeof SaveTemplateInputSchema>;

/** Which variant of a key to read: its channel, a locale (resolved with fallback) and a version (default the latest). */
export const TemplateSelectorSchema = z.object({
  channel: TemplateChannelSchema,
  locale: LocaleSchema.optional(),
  version: z.number().int().min(1).optional(),
});
/** Which variant of a template key to read. */
export type TemplateSelector = z.input<typeof TemplateSelectorSchema>;
