import type { Crm, ErasureMode, ErasureResult, PrivacyArchive, RapportEvents, RetentionReport } from '@rapport/core';
import { describe, expectTypeOf, it } from 'vitest';

declare const crm: Crm;

describe('crm.privacy types', () => {
  it('types the API and its options; a wrong mode does not compile', () => {
    expectTypeOf(crm.privacy.export).returns.toEqualTypeOf<Promise<PrivacyArchive>>();
    expectTypeOf(crm.privacy.erase).returns.toEqualTypeOf<Promise<ErasureResult>>();
    expectTypeOf(crm.privacy.runRetention).returns.toEqualTypeOf<Promise<RetentionReport>>();
    expectTypeOf<ErasureResult['mode']>().toEqualTypeOf<ErasureMode>();
    // @ts-expect-error: not an erasure mode
    void crm.privacy.erase('id', { mode: 'shred' });
  });

  it('types the events it emits', () => {
    expectTypeOf<RapportEvents['customer.erased']['reason']>().toEqualTypeOf<'request' | 'retention'>();
    expectTypeOf<RapportEvents['privacy.retention.completed']['report']>().toEqualTypeOf<RetentionReport>();
    crm.events.on('customer.erased', (payload) => {
      expectTypeOf(payload.mergedIds).toEqualTypeOf<string[]>();
    });
    // @ts-expect-error: a misspelt event name
    crm.events.on('customer.erasedd', () => undefined);
  });
});
