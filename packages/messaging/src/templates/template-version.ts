import type { RowOf } from '@rapport/core/plugin';
import type { templatesTable } from './template-tables.js';

/** One saved version of a template: a key's variant for one channel and locale. Never edited. */
export interface TemplateVersion {
  readonly key: string;
  readonly channel: string;
  readonly locale: string;
  /** 1 for the first save of this key, channel and locale; each save adds one. */
  readonly version: number;
  /** The locale a render falls back to when neither the asked locale nor its language exists. */
  readonly defaultLocale: string;
  readonly subject: string | null;
  readonly text: string | null;
  readonly html: string | null;
  readonly data: Readonly<Record<string, unknown>> | null;
  /** For SMS: the most segments a render may need. */
  readonly maxSegments: number | null;
  readonly createdAt: Date;
}

/** A stored row as the API shows it. */
export function toTemplateVersion(row: RowOf<typeof templatesTable>): TemplateVersion {
  const { templateKey, ...rest } = row;
  return { key: templateKey, ...rest };
}
