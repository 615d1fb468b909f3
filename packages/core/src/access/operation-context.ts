import { AsyncLocalStorage } from 'node:async_hooks';
import type { ResolvedActor } from './actor.js';

/** The call running now: who runs it and what it is; the audit log reads it. */
export interface OperationContext {
  readonly actor: ResolvedActor;
  /** The Crm method, e.g. `customers.update`. */
  readonly operation: string;
  /** Customers the call wrote to (each has its write entry, so its read is not logged again). */
  readonly written: Set<string>;
}

/**
 * Carries the actor and operation from `crm.as(actor).customers.update(…)` down to the
 * audited store, so services need no actor parameter and the checks stay in one place.
 */
export const operationContext = new AsyncLocalStorage<OperationContext>();
