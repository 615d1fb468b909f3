import type { EventBus } from '@rapport/core';
import type { PlacementResult } from './conversation-placer.js';

/** Tells the bus what a committed placement did: `conversation.opened`, `conversation.message`, `conversation.status`. */
export class ConversationAnnouncer {
  constructor(
    private readonly events: EventBus,
    private readonly tenantId: string,
  ) {}

  /** Call after the placement's transaction committed; a duplicate announces nothing. */
  announce(placement: PlacementResult): void {
    if (placement.status !== 'recorded') return;
    const { tenantId } = this;
    const { conversationId, customerId, channel, messageId, direction } = placement;
    if (placement.opened) this.events.emit('conversation.opened', { tenantId, conversationId, customerId, channel });
    this.events.emit('conversation.message', { tenantId, conversationId, customerId, messageId, channel, direction });
    if (placement.statusChange)
      this.events.emit('conversation.status', { tenantId, conversationId, customerId, ...placement.statusChange });
  }
}
