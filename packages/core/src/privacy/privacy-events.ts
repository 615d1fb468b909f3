import type { ErasureMode } from './personal-data-repository.js';
import type { RetentionReport } from './retention.js';

declare module '../events/event-map.js' {
  interface RapportEvents {
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
}
