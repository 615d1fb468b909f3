import type { ResolvedAccessConfig } from './access-config.js';

/** A customer-shaped value: what masking and the read log look for in results. */
interface CustomerLike {
  id: string;
  identities: { type: string; value: string }[];
  traits: Record<string, unknown>;
}

/** An interaction-shaped value. */
interface InteractionLike {
  id: string;
  customerId: string;
  channel: string;
  properties: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !(value instanceof Date) && !Array.isArray(value);

/** True for a customer record (an id, identities and traits). */
export function isCustomerLike(value: unknown): value is CustomerLike {
  return isObject(value) && typeof value.id === 'string' && Array.isArray(value.identities) && isObject(value.traits);
}

/** True for an interaction (an id, a customer id, a channel and properties). */
export function isInteractionLike(value: unknown): value is InteractionLike {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.customerId === 'string' &&
    typeof value.channel === 'string' &&
    isObject(value.properties)
  );
}

const isIdentityLike = (value: unknown): value is { type: string; value: string } =>
  isObject(value) && typeof value.value === 'string' && (value.type === 'email' || value.type === 'phone' || value.type === 'external');

/**
 * How a masked identity value looks: an e-mail keeps its first letter and its domain
 * (`a***@example.com`), a phone its last two digits (`***89`), an external id its first
 * character (`w***`).
 */
export function maskIdentityValue(type: string, value: string): string {
  if (type === 'email') {
    const at = value.lastIndexOf('@');
    return at > 0 ? `${value.slice(0, 1)}***${value.slice(at)}` : '***';
  }
  if (type === 'phone') return `***${value.slice(-2)}`;
  return `${value.slice(0, 1)}***`;
}

/**
 * How a masked personal field looks: a string keeps its first character (`A***`), an object
 * has each member masked the same way, and any other value (a number, a boolean) becomes null.
 */
export function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length === 0 ? value : `${value.slice(0, 1)}***`;
  if (Array.isArray(value)) return value.map(maskValue);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, maskValue(member)]));
  return value === undefined ? undefined : null;
}

function maskFields(record: Record<string, unknown>, personal: ReadonlySet<string>): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...record };
  for (const key of Object.keys(record)) if (personal.has(key)) masked[key] = maskValue(record[key]);
  return masked;
}

/** The shape of a plugin table's rows with personal columns: a row is an object holding every column. */
export interface PersonalRowShape {
  readonly columns: readonly string[];
  readonly personal: ReadonlySet<string>;
}

/**
 * A copy of `value` (a read's result) with personal data masked wherever it holds customers,
 * interactions or identities, however deep (a page's items, a profile, an upsert result), and
 * rows of plugin tables with personal columns (an object holding every column of the table).
 */
export function maskPersonalData<T>(value: T, config: ResolvedAccessConfig, rows: readonly PersonalRowShape[] = []): T {
  return mask(value, { config, rows }, 0) as T;
}

interface MaskRules {
  config: ResolvedAccessConfig;
  rows: readonly PersonalRowShape[];
}

function mask(value: unknown, rules: MaskRules, depth: number): unknown {
  if (depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => mask(item, rules, depth + 1));
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return value;
  if (isIdentityLike(value)) return { ...value, value: maskIdentityValue(value.type, value.value) };
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) copy[key] = mask(member, rules, depth + 1);
  if (isCustomerLike(value)) copy.traits = maskFields(value.traits, rules.config.personalTraits);
  if (isInteractionLike(value)) copy.properties = maskFields(value.properties, rules.config.personalProperties);
  for (const shape of rules.rows) {
    if (shape.columns.every((column) => Object.hasOwn(value, column))) Object.assign(copy, maskFields(value, shape.personal));
  }
  return copy;
}

/** Ids of the customers whose personal data `value` holds (customers, and interactions by customer). */
export function personalDataSubjects(value: unknown, found: Set<string> = new Set(), depth = 0): Set<string> {
  if (depth > 8) return found;
  if (Array.isArray(value)) {
    for (const item of value) personalDataSubjects(item, found, depth + 1);
    return found;
  }
  if (!isObject(value)) return found;
  if (isCustomerLike(value)) found.add(value.id);
  else if (isInteractionLike(value)) found.add(value.customerId);
  else for (const member of Object.values(value)) personalDataSubjects(member, found, depth + 1);
  return found;
}
