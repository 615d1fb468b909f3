import type { Crm } from '@rapport/core';
import type { TemplateRenderer } from '../content/message-content.js';
import type { ConversationService } from '../conversations/conversation-service.js';

/**
 * The hub's optional partners, found on the tenant's Crm when their plugins are installed:
 * `messagingTemplates()` gives `crm.templates` (the default renderer) and `conversations()`
 * gives `crm.conversations` (outbound replies join their thread). Looked up at run time so
 * the hub works without either, and neither plugin has to know the hub.
 */
export interface InstalledModules {
  readonly templates: TemplateRenderer | undefined;
  readonly conversations: Pick<ConversationService, 'threadingFor' | 'recordOutboundNow'> | undefined;
}

/** Reads the partners off a Crm (its type does not name plugin APIs the hub did not install). */
export function installedModules(crm: Crm): InstalledModules {
  const apis = crm as unknown as { templates?: Partial<TemplateRenderer>; conversations?: Partial<ConversationService> };
  const templates = typeof apis.templates?.render === 'function' ? (apis.templates as TemplateRenderer) : undefined;
  const conversations =
    typeof apis.conversations?.recordOutboundNow === 'function' && typeof apis.conversations.threadingFor === 'function'
      ? (apis.conversations as ConversationService)
      : undefined;
  return { templates, conversations };
}
