import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';

/**
 * One hook point: the `input` a hook may return changed, and the `facts` it may read besides
 * (the current record of an update). Nothing in `facts` is written back.
 */
export interface HookPoint<TInput, TFacts = Record<never, never>> {
  readonly input: TInput;
  readonly facts: TFacts;
}

/**
 * The hook points of a Crm, by name. Each runs awaited, inside the write transaction, before
 * the record is stored; a hook may return a changed input or veto. Packages add their own
 * points by declaration merging and run them with `HookRunner.run`:
 *
 * ```ts
 * declare module '@rapport/core' {
 *   interface RapportHooks { 'message.beforeSend': HookPoint<OutgoingMessage> }
 * }
 * ```
 */
export interface RapportHooks {
  /**
   * A customer is about to be created (`create`, `upsert` of someone new, or an interaction
   * for an unknown identity). The input is the record to be stored; a hook may change its
   * `traits`, `tags` and `lifecycleStage`.
   */
  'customer.beforeCreate': HookPoint<Customer>;
  /**
   * A customer is about to change (`update`, `upsert`'s update path, `tag`/`untag`,
   * `addIdentity`/`removeIdentity`; not `merge`). The input is the record as it will be
   * stored; `current` is the stored one and `changed` lists the changed fields
   * (`traits.tier`, `tags`, `lifecycleStage`, `identities`). A hook may change `traits`,
   * `tags` and `lifecycleStage`.
   */
  'customer.beforeUpdate': HookPoint<Customer, { readonly current: Customer; readonly changed: readonly string[] }>;
  /**
   * An interaction is about to be stored (`record`, and each item of `recordMany`). A hook
   * may change `channel`, `type`, `direction`, `occurredAt`, `properties` and `source`; in a
   * batch a veto rejects only that item.
   */
  'interaction.beforeRecord': HookPoint<Interaction>;
}

/** Any hook point name. */
export type HookName = keyof RapportHooks & string;
/** The input type of hook point `K`. */
export type HookInput<K extends HookName> = RapportHooks[K]['input'];
/** The facts a hook of point `K` reads besides its input. */
export type HookFacts<K extends HookName> = RapportHooks[K]['facts'];
