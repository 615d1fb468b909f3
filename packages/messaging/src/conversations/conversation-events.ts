import type { ConversationStatus } from './conversation-tables.js';

declare module '@rapport/core' {
  interface RapportEvents {
    /** A message opened a new conversation. */
    'conversation.opened': { tenantId: string; conversationId: string; customerId: string; channel: string };
    /** A message joined a conversation (the opening one too). */
    'conversation.message': {
      tenantId: string;
      conversationId: string;
      customerId: string;
      messageId: string;
      channel: string;
      direction: 'inbound' | 'outbound';
    };
    /** A conversation's status changed. */
    'conversation.status': {
      tenantId: string;
      conversationId: string;
      customerId: string;
      from: ConversationStatus;
      to: ConversationStatus;
    };
  }
}
