/**
 * A typed key for a value in the Crm's container. Unlike tsyringe's symbol tokens it
 * carries its type through `resolve`, so a plugin's service is typed where it is resolved.
 */
export type Token<T> = symbol & { readonly __rapportToken?: T };

/**
 * Makes a {@link Token}. The description is global (`Symbol.for`), so two copies of a
 * package (ESM and CJS) still agree on the token; prefix it with your package name.
 *
 * @example
 * ```ts
 * export const TICKETS: Token<TicketService> = defineToken('@acme/tickets:service');
 * ```
 */
export function defineToken<T>(description: string): Token<T> {
  return Symbol.for(description) as Token<T>;
}
