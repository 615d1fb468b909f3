import { DEFAULT_ACTOR } from '../access/actor.js';
import { operationContext } from '../access/operation-context.js';
import type { AuditLog } from './audit-log.js';
import type { AuditedStoreParts } from './audited-store.js';

/** The operation a write made outside any Crm call is logged under (a plugin's background work). */
export const UNNAMED_OPERATION = 'store.write';

/** Connects an audited store to the log: entries name the actor and operation of the call running now. */
export function auditStoreParts(log: AuditLog): AuditedStoreParts {
  return {
    prepare: (store) => log.prepare(store),
    flush: (tx, written) => {
      const context = operationContext.getStore();
      const actor = context?.actor ?? DEFAULT_ACTOR;
      for (const subject of written) if (subject !== null) context?.written.add(subject);
      return log.flush(tx, written, (customerId) => ({
        actorId: actor.id,
        actorKind: actor.kind,
        operation: context?.operation ?? UNNAMED_OPERATION,
        outcome: 'ok',
        customerId,
      }));
    },
  };
}
