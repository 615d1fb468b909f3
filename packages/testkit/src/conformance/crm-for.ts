import { type Crm, type CrmOptions, createCrm, type RapportEventName } from '@rapport/core';
import { FakeClock } from '../fake-clock.js';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';

/** A Crm over the storage under test, for a fresh tenant (the storage is not closed). */
export async function crmFor(
  ctx: ConformanceContext,
  clock = new FakeClock('2026-06-01T00:00:00Z'),
  options: Omit<CrmOptions, 'storage' | 'tenant' | 'clock'> = {},
): Promise<{ crm: Crm; clock: FakeClock; events: { name: string; payload: unknown }[] }> {
  const crm = await createCrm({
    identities: { defaultRegion: 'GB' },
    ...options,
    storage: ctx.storage(),
    tenant: uniqueId('crm'),
    clock,
  });
  const events: { name: string; payload: unknown }[] = [];
  const names: RapportEventName[] = [
    'customer.created',
    'customer.updated',
    'customer.merged',
    'interaction.recorded',
    'consent.changed',
    'segment.entered',
    'segment.exited',
  ];
  for (const name of names) crm.events.on(name, (payload) => void events.push({ name, payload }));
  return { crm, clock, events };
}
