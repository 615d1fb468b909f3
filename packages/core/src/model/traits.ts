import { z } from 'zod';

/** A postal address, as far as a CRM needs one. */
export const AddressSchema = z.object({
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  /** ISO 3166-1 alpha-2 country code. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "GB"')
    .optional(),
});

/**
 * Traits every customer may have. All optional: a customer first seen as a phone number
 * has no name yet. The app's own custom fields are added with `createCrm({ schema })`.
 */
export const StandardTraitsSchema = z.object({
  name: z.string().max(200).optional(),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
  /** ISO date, `YYYY-MM-DD`. */
  birthday: z.iso.date().optional(),
  /** BCP 47 language tag such as `en-GB` or `zh-CN`. */
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag such as "en-GB"')
    .optional(),
  /** IANA time zone such as `Europe/London`; used for quiet hours. */
  timezone: z.string().refine(isIanaTimeZone, 'must be an IANA time zone such as "Europe/London"').optional(),
  address: AddressSchema.optional(),
});
/** The standard traits. */
export type StandardTraits = z.infer<typeof StandardTraitsSchema>;

function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Any object schema the app may pass for its own traits or interaction properties. */
export type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * Joins the standard traits with the app's own. The app's fields win on a name clash, so an
 * app can make `name` required, say.
 */
export function buildTraitsSchema(custom?: AnyObjectSchema): AnyObjectSchema {
  return custom ? StandardTraitsSchema.extend(custom.shape) : StandardTraitsSchema;
}
