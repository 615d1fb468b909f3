import { z } from 'zod';

/** Availability states an item can be in; only `in_stock` and `preorder` can be recommended. */
export const AVAILABILITY = ['in_stock', 'preorder', 'out_of_stock', 'discontinued'] as const;
/** One of {@link AVAILABILITY}. */
export type Availability = (typeof AVAILABILITY)[number];

/** Availability states that may be shown to a customer. */
export const RECOMMENDABLE: ReadonlySet<Availability> = new Set<Availability>(['in_stock', 'preorder']);

/** Highest price accepted; larger values are typing errors (a barcode in the price column). */
export const MAX_PRICE = 1_000_000_000;

const categorySegment = z
  .string()
  .trim()
  .min(1, 'a category segment may not be empty')
  .max(128, 'a category segment is at most 128 characters')
  .refine((value) => !value.includes('/'), 'a category segment may not contain "/"');

/** A catalogue row as the app or an import gives it. */
export const CatalogueItemSchema = z.strictObject({
  id: z.string().trim().min(1, 'an item id may not be empty').max(256),
  title: z.string().trim().min(1, 'a title may not be empty').max(512),
  /** Root first: `['home', 'kitchen', 'teapots']`. */
  categoryPath: z.array(categorySegment).min(1, 'give at least one category').max(10, 'at most 10 category levels'),
  price: z
    .number({ error: 'price must be a number' })
    .refine(Number.isFinite, 'price must be a finite number')
    .min(0, 'price may not be negative')
    .max(MAX_PRICE, `price may not exceed ${MAX_PRICE}`),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  availability: z.enum(AVAILABILITY, { error: `availability must be one of ${AVAILABILITY.join(', ')}` }).default('in_stock'),
});

/** A catalogue row as passed in. */
export type CatalogueItemInput = z.input<typeof CatalogueItemSchema>;
/** A validated catalogue item. */
export type CatalogueItem = z.output<typeof CatalogueItemSchema>;

/** The category key of an item: its path joined with `/` (`home/kitchen/teapots`). */
export function categoryKey(item: Pick<CatalogueItem, 'categoryPath'>): string {
  return item.categoryPath.join('/');
}

/** True when `key` is `prefix` or lies under it (`home/kitchen` covers `home/kitchen/teapots`). */
export function categoryWithin(key: string, prefix: string): boolean {
  return key === prefix || key.startsWith(`${prefix}/`);
}
