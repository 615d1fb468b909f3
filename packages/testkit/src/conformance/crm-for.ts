import type { CrmOptions } from '@rapport/core';
import { FakeClock } from '../fake-clock.js';
import { createTestCrm, TEST_EPOCH, type TestCrm } from '../test-crm.js';
import type { ConformanceContext } from './context.js';

/** A Crm over the storage under test, for a fresh tenant (the storage stays open). */
export async function crmFor(
  ctx: ConformanceContext,
  clock = new FakeClock(TEST_EPOCH),
  options: Omit<CrmOptions, 'storage' | 'tenant' | 'clock'> = {},
): Promise<{
  crm: TestCrm<Record<string, unknown>, Record<string, unknown>, unknown>;
  clock: FakeClock;
  events: { name: string; payload: unknown }[];
}> {
  const crm = await createTestCrm({ ...options, storage: ctx.storage(), clock });
  return { crm, clock, events: crm.recorded };
}
