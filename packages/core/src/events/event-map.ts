import type { ConsentRecord } from '../model/consent.js';
import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';
import type { ErasureMode } from '../privacy/personal-data-repository.js';
import type { RetentionReport } from '../privacy/retention.js';

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
  /**
   * A person's data was erased (on request, or by the inactive-customers retention rule).
   * Plugins that passed the person's data on (recipients, processors) tell them here.
   */
  'customer.erased': {
    tenantId: string;
    customerId: string;
    /** Merged-away records of the person erased with them. */
    mergedIds: string[];
    mode: ErasureMode;
    reason: 'request' | 'retention';
    /** The request-log entry; null for retention. */
    requestId: string | null;
    /** The types of the identities that were suppressed (never their values). */
    suppressedIdentityTypes: string[];
    at: Date;
  };
  /** A retention run finished; the payload says what it removed. */
  'privacy.retention.completed': { tenantId: string; report: RetentionReport };
}

/** Any event name. */
export type RapportEventName = keyof RapportEvents;
