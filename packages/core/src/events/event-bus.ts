import { EventEmitter } from 'eventemitter3';
import type { RapportEventName, RapportEvents } from './event-map.js';

/** A listener of one event. It may be async; its failure never reaches the emitter. */
export type EventListener<K extends RapportEventName> = (payload: RapportEvents[K]) => void | Promise<void>;

/** Called when a listener throws or rejects. */
export type ListenerErrorHandler = (error: unknown, event: string) => void;

/**
 * The Crm's typed, in-process event bus (eventemitter3). A listener that throws does not
 * break the operation that emitted the event nor the other listeners: its error goes to the
 * `onListenerError` handler.
 *
 * Listeners are told after the change is committed and are **not awaited**: an async
 * listener keeps running after the call that emitted the event has returned, so what it does
 * (tagging the customer on `interaction.recorded`, say) may not be visible right after
 * `await crm.interactions.record(…)`. Nothing in Rapport waits for a listener.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();
  /** Per event, the error-catching wrapper of each listener (so `off` can find it). */
  private readonly wrapped = new Map<string, WeakMap<object, (payload: unknown) => void>>();

  constructor(private readonly onListenerError: ListenerErrorHandler) {}

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends RapportEventName>(event: K, listener: EventListener<K>): () => void {
    this.emitter.on(event, this.wrap(event, listener));
    return () => this.off(event, listener);
  }

  /** Subscribes to the next occurrence of an event only. */
  once<K extends RapportEventName>(event: K, listener: EventListener<K>): () => void {
    this.emitter.once(event, this.wrap(event, listener));
    return () => this.off(event, listener);
  }

  /** Unsubscribes a listener added with {@link EventBus.on} or {@link EventBus.once}. */
  off<K extends RapportEventName>(event: K, listener: EventListener<K>): void {
    const wrapped = this.wrapped.get(event)?.get(listener);
    if (wrapped) this.emitter.off(event, wrapped);
  }

  /** Tells every listener of `event`. Only Rapport and its plugins should emit. */
  emit<K extends RapportEventName>(event: K, payload: RapportEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  /** How many listeners `event` has. */
  listenerCount(event: RapportEventName): number {
    return this.emitter.listenerCount(event);
  }

  /** Removes every listener (on `crm.close()`). */
  clear(): void {
    this.emitter.removeAllListeners();
  }

  private wrap<K extends RapportEventName>(event: K, listener: EventListener<K>): (payload: unknown) => void {
    let forEvent = this.wrapped.get(event);
    if (!forEvent) {
      forEvent = new WeakMap();
      this.wrapped.set(event, forEvent);
    }
    const existing = forEvent.get(listener);
    if (existing) return existing;
    const safe = (payload: unknown): void => {
      try {
        const result = listener(payload as RapportEvents[K]);
        if (result instanceof Promise) result.catch((error: unknown) => this.onListenerError(error, event));
      } catch (error) {
        this.onListenerError(error, event);
      }
    };
    forEvent.set(listener, safe);
    return safe;
  }
}
