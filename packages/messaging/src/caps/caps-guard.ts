import type { TenantStore } from '@rapport/core/plugin';
import type { SendGuard } from '../guards/send-guard.js';
import type { FrequencyCap } from '../options.js';
import { messagesTable } from '../tables.js';
import { capReason } from './frequency-caps.js';

/**
 * The caps checked again at dispatch, the message itself left out of the count: caps that
 * were tightened, or messages queued long ahead, do not slip through. Caps apply by purpose,
 * so they run for transactional messages too (a rule names the purposes it caps).
 */
export function capsGuard(store: () => TenantStore, caps: readonly FrequencyCap[]): SendGuard {
  return {
    name: 'frequency-cap',
    transactional: true,
    async check(send) {
      if (caps.length === 0) return { allowed: true };
      const reason = await capReason(store().table(messagesTable), caps, { ...send, due: send.at, excludeId: send.messageId });
      return reason === null ? { allowed: true } : { allowed: false, reason };
    },
  };
}
