import './conversation-events.js';
import { definePlugin, parsePluginOptions, type TenantContext } from '@rapport/core/plugin';
import { type ConversationOptions, ConversationOptionsSchema, type ResolvedConversationOptions } from './conversation-options.js';
import { ConversationService } from './conversation-service.js';
import { conversationTables } from './conversation-tables.js';

/** The plugin name of the stand-alone conversations module. */
export const CONVERSATIONS_PLUGIN = '@rapport/conversations';

/** `crm.conversations` for one tenant: what the `api` factory returns. */
export function conversationsApi(tenant: TenantContext, options: ResolvedConversationOptions): ConversationService {
  return new ConversationService(tenant, options);
}

/**
 * Conversations across channels as a plugin of their own: `crm.conversations`. It finds the
 * installed channels through their contributions, so install the channel plugins beside it.
 * The messaging hub folds the same parts (`conversationTables`, `conversationsApi`) into `messaging()`.
 */
export const conversations = (options: ConversationOptions = {}) => {
  let parsed: ResolvedConversationOptions = ConversationOptionsSchema.parse({});
  return definePlugin({
    name: CONVERSATIONS_PLUGIN,
    tables: [...conversationTables],
    register() {
      parsed = parsePluginOptions(CONVERSATIONS_PLUGIN, ConversationOptionsSchema, options);
    },
    api: { conversations: (tenant) => conversationsApi(tenant, parsed) },
  });
};
