import type { ConsentRecord } from '../model/consent.js';
import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';

/**
 * The typed events of a Crm, by name. Plugins add theirs by declaration merging:
 *
 * ```ts
 * declare module '@rapport/core' {
 *   interface RapportEvents { 'ticket.breached': { tenantId: string; ticketId: string } }
 * }
 * ```
 *
 * Every event is emitted after the change it reports is committed.
 */
export interface RapportEvents {
  'customer.created': { tenantId: string; customer: Customer };
  'customer.updated': { tenantId: string; customer: Customer; changed: string[] };
  'customer.merged': { tenantId: string; survivorId: string; mergedId: string; customer: Customer };
  'interaction.recorded': { tenantId: string; interaction: Interaction };
  'consent.changed': { tenantId: string; record: ConsentRecord };
  'segment.entered': { tenantId: string; segmentKey: string; customerId: string; at: Date };
  'segment.exited': { tenantId: string; segmentKey: string; customerId: string; at: Date };
}

/** Any event name. */
export type RapportEventName = keyof RapportEvents;
