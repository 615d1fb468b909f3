import { isRapportError, type RapportError } from '@rapport/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';
import { hostileValue, withHostileField } from './hostile-arbitraries.js';
import { expectInvalidError, hostileCrm, safeString, tenantTotals } from './hostile-expect.js';

type Path = readonly (string | number)[];
type Outcome = { ok: true; value: unknown } | { ok: false; error: RapportError };

/** What a failed call may be besides invalid input: a not-found id, or a named conflict. */
interface Allowed {
  notFound?: boolean;
  conflicts?: readonly string[];
}

/**
 * Runs `call` and checks the contract of every public method: it returns, or throws a typed
 * RapportError — `invalid_input` with an issue at `path` (when given), or an allowed
 * `not_found` / `conflict` — and never a raw TypeError, RangeError or driver error.
 */
async function attempt(call: () => unknown, path: Path | null, allowed: Allowed = {}): Promise<Outcome> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    expect(isRapportError(error), `raw error escaped: ${safeString(error)}`).toBe(true);
    const typed = error as RapportError;
    if (typed.kind === 'not_found' && allowed.notFound) return { ok: false, error: typed };
    if (typed.kind === 'conflict' && allowed.conflicts?.includes(typed.code)) return { ok: false, error: typed };
    expect(typed.kind, `${typed.code}: ${typed.message}`).toBe('invalid_input');
    if (path) expectInvalidError(typed, [...path]);
    else expect((typed.details as { issues?: unknown[] }).issues?.length ?? 0, typed.message).toBeGreaterThan(0);
    return { ok: false, error: typed };
  }
}

/** JSON's view of a value (what every storage keeps): `-0` is `0`, `undefined` members vanish. */
const json = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * fast-check over the input of every public method, on the storage under test: wrong types,
 * ill-formed and huge strings, deep and wide values, special keys, extreme numbers and
 * dates, BigInt. Each call returns the right result or a typed error naming the field, and a
 * refused write leaves the tenant's customers, interactions and metrics as they were.
 */
export function inputFuzzSuite(ctx: ConformanceContext, numRuns: number): void {
  describe(`${ctx.name}: input fuzz`, () => {
    // A fixed seed keeps CI deterministic; RAPPORT_FUZZ_SEED explores others.
    const settings = { numRuns, seed: Number(process.env.RAPPORT_FUZZ_SEED ?? 9), endOnFailure: true };

    it('customers.create and upsert: a hostile field is stored exactly or refused, naming it', async () => {
      const crm = await hostileCrm(ctx);
      const template = {
        identities: [{ type: 'external', namespace: 'fuzz', value: 'v' }],
        traits: { name: 'Ada', note: 'n' },
        tags: ['a'],
        lifecycleStage: 'lead',
      };
      const paths: Path[] = [
        ['identities'],
        ['identities', 0],
        ['identities', 0, 'value'],
        ['identities', 0, 'namespace'],
        ['traits'],
        ['traits', 'note'],
        ['traits', 'name'],
        ['tags'],
        ['tags', 0],
        ['lifecycleStage'],
      ];
      await fc.assert(
        fc.asyncProperty(withHostileField(template, paths), fc.boolean(), async ({ input, path, value }, upsert) => {
          if (path[0] !== 'identities') (input.identities[0] as { value: string }).value = uniqueId('v');
          const before = await tenantTotals(crm);
          const outcome = await attempt(
            () => (upsert ? crm.customers.upsert(input as never) : crm.customers.create(input as never)),
            [path[0] as string],
            { conflicts: ['IDENTITY_TAKEN'] },
          );
          if (!outcome.ok) {
            expect(await tenantTotals(crm)).toEqual(before);
            return;
          }
          const returned = (upsert ? (outcome.value as { customer: unknown }).customer : outcome.value) as { id: string; traits: object };
          const stored = await crm.customers.get(returned.id);
          expect(stored).toEqual(returned);
          if (path[0] === 'traits' && path.length === 2)
            expect(json((stored.traits as Record<string, unknown>)[path[1] as string])).toEqual(json(value));
        }),
        settings,
      );
    });

    it('customers.update, tag, untag, addIdentity, removeIdentity: refused input changes nothing', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: `${uniqueId('u')}@fuzz.io` }] });
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('update-trait', 'update', 'tag', 'untag', 'addIdentity', 'removeIdentity', 'id'),
          hostileValue,
          async (method, value) => {
            const before = await crm.customers.get(customer.id);
            const calls: Record<string, [() => Promise<unknown>, Path | null]> = {
              'update-trait': [() => crm.customers.update(customer.id, { traits: { x: value } }), ['traits']],
              update: [() => crm.customers.update(customer.id, value as never), null],
              tag: [() => crm.customers.tag(customer.id, value as never), ['tags']],
              untag: [() => crm.customers.untag(customer.id, value as never), ['tags']],
              addIdentity: [() => crm.customers.addIdentity(customer.id, value as never), ['identity']],
              removeIdentity: [() => crm.customers.removeIdentity(customer.id, value as never), ['identity']],
              id: [() => crm.customers.update(value as never, { traits: { x: 1 } }), null],
            };
            const [call, path] = calls[method] as [() => Promise<unknown>, Path | null];
            const outcome = await attempt(call, path, { notFound: true, conflicts: ['IDENTITY_TAKEN'] });
            const after = await crm.customers.get(customer.id);
            if (!outcome.ok) {
              expect(after).toEqual(before);
              return;
            }
            if (method === 'update-trait') expect(json((after.traits as Record<string, unknown>).x)).toEqual(json(value ?? undefined));
            if (method === 'tag') expect(after.tags).toEqual(expect.arrayContaining(typeof value === 'string' ? [value.trim()] : []));
            // Put the profile back, so every run starts from the same customer.
            await crm.customers.update(customer.id, { traits: { x: null } });
            if (method === 'addIdentity') await crm.customers.removeIdentity(customer.id, value as never);
          },
        ),
        settings,
      );
    });

    it('interactions.record and recordMany: a hostile field is stored exactly or refused alone', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: `${uniqueId('r')}@fuzz.io` }] });
      const template = {
        customerId: customer.id,
        channel: 'web',
        type: 'purchase',
        direction: 'inbound',
        occurredAt: '2026-05-01T00:00:00Z',
        properties: { amount: 5, note: 'n' },
        source: 'shop',
        idempotencyKey: 'k',
      };
      const paths: Path[] = [
        ['customerId'],
        ['channel'],
        ['type'],
        ['direction'],
        ['occurredAt'],
        ['properties'],
        ['properties', 'amount'],
        ['properties', 'note'],
        ['source'],
        ['idempotencyKey'],
        ['identity'],
      ];
      const good = () => ({ customerId: customer.id, channel: 'web', type: 'view', idempotencyKey: uniqueId('g') });
      await fc.assert(
        fc.asyncProperty(withHostileField(template, paths), fc.boolean(), async ({ input, path, value }, batch) => {
          if (path[0] !== 'idempotencyKey') input.idempotencyKey = uniqueId('k');
          const before = await tenantTotals(crm);
          let stored = null as { properties: Record<string, unknown> } | null;
          if (batch) {
            const result = await crm.interactions.recordMany([good(), input as never, good()]);
            const [first, item, last] = result.outcomes;
            expect([first?.status, last?.status]).toEqual(['stored', 'stored']);
            if (item?.status === 'rejected') await attempt(() => Promise.reject(item.error), [path[0] as string], { notFound: true });
            if (item?.status === 'stored') stored = item.interaction as never;
            const added = item?.status === 'stored' ? 3 : 2;
            expect((await tenantTotals(crm)).interactions).toBe(before.interactions + added);
          } else {
            const outcome = await attempt(() => crm.interactions.record(input as never), [path[0] as string], { notFound: true });
            const after = await tenantTotals(crm);
            if (!outcome.ok || (outcome.value as { status: string }).status === 'duplicate') expect(after).toEqual(before);
            else {
              stored = (outcome.value as { interaction: typeof stored }).interaction;
              expect(after.interactions).toBe(before.interactions + 1);
            }
          }
          if (!stored) return;
          const timeline = await crm.interactions.timeline(customer.id, { limit: 1000 });
          expect(timeline.items).toContainEqual(stored);
          if (path[0] === 'properties' && path.length === 2) expect(json(stored.properties[path[1] as string])).toEqual(json(value));
          const metrics = (await crm.customers.get(customer.id)).metrics;
          expect(Number.isFinite(metrics.totalSpend)).toBe(true);
        }),
        settings,
      );
    });

    it('reads and whole-argument calls (get, find, list, timeline, profile, consent, segments, merge, record): a typed answer and no change', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: `${uniqueId('q')}@fuzz.io` }] });
      await crm.segments.define({ key: 'fuzz', name: 'Fuzz', condition: { kind: 'tag', op: 'has', value: 'a' } });
      const id = customer.id;
      const reads: Record<string, (value: unknown) => Promise<unknown>> = {
        get: (value) => crm.customers.get(value as never),
        find: (value) => crm.customers.find(value as never),
        list: (value) => crm.customers.list(value as never),
        'list-field': (value) => crm.customers.list({ tag: value, createdAfter: value, cursor: value } as never),
        timeline: (value) => crm.interactions.timeline(id, value as never),
        'timeline-field': (value) => crm.interactions.timeline(id, { types: [value], since: value, cursor: value } as never),
        'timeline-id': (value) => crm.interactions.timeline(value as never),
        profile: (value) => crm.profile(value as never),
        'profile-options': (value) => crm.profile(id, value as never),
        history: (value) => crm.consent.history(id, value as never),
        states: (value) => crm.consent.states(value as never),
        check: (value) => crm.consent.check({ customerId: id, purpose: value, channel: 'email' } as never),
        'segment-get': (value) => crm.segments.get(value as never),
        'segment-evaluate': (value) => crm.segments.evaluate('fuzz', value as never),
        'segment-members': (value) => crm.segments.memberIds('fuzz', value as never),
        'segment-count-where': (value) => crm.segments.countWhere({ kind: 'trait', field: 'name', op: 'eq', value } as never),
        'segment-validate': (value) => Promise.resolve().then(() => crm.segments.validate(value as never)),
        merge: (value) => crm.customers.merge(id, value as never),
        'merge-options': (value) => crm.customers.merge(id, id, value as never),
        upsert: (value) => crm.customers.upsert(value as never),
        record: (value) => crm.interactions.record(value as never),
        recordMany: (value) => crm.interactions.recordMany(value as never),
        'segment-remove': (value) => crm.segments.remove(value as never),
        'segment-refresh': (value) => crm.segments.refresh(value as never),
        'segment-refresh-customer': (value) => crm.segments.refreshCustomer(value as never),
        'segment-update': (value) => crm.segments.update('fuzz', { name: value } as never),
        'consent-withdraw': (value) => crm.consent.withdraw({ customerId: id, purpose: 'marketing', source: value } as never),
        'for-tenant': (value) => Promise.resolve().then(() => crm.forTenant(value as never).tenantId),
      };
      const before = await tenantTotals(crm);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...Object.keys(reads)), hostileValue, async (name, value) => {
          const read = reads[name] as (value: unknown) => Promise<unknown>;
          await attempt(() => read(value), null, { notFound: true, conflicts: [] });
        }),
        { ...settings, numRuns: numRuns * 2 },
      );
      expect(await tenantTotals(crm)).toEqual(before);
      expect(await crm.customers.get(id)).toEqual(customer);
    });

    it('consent.grant and segments.define: a hostile field is stored exactly or refused, naming it', async () => {
      const crm = await hostileCrm(ctx);
      const customer = await crm.customers.create({ identities: [{ type: 'email', value: `${uniqueId('c')}@fuzz.io` }] });
      const consent = {
        customerId: customer.id,
        purpose: 'marketing',
        channel: 'email',
        source: 'form',
        noticeVersion: 'v1',
        proof: { ip: '192.0.2.1' },
        occurredAt: '2026-05-01T00:00:00Z',
      };
      const consentPaths: Path[] = [
        ['customerId'],
        ['purpose'],
        ['channel'],
        ['source'],
        ['noticeVersion'],
        ['proof'],
        ['proof', 'ip'],
        ['occurredAt'],
      ];
      const segment = { key: 'k', name: 'Seg', description: 'd', condition: { kind: 'trait', field: 'name', op: 'eq', value: 'x' } };
      const segmentPaths: Path[] = [
        ['key'],
        ['name'],
        ['description'],
        ['condition'],
        ['condition', 'value'],
        ['condition', 'field'],
        ['condition', 'op'],
      ];
      await fc.assert(
        fc.asyncProperty(withHostileField(consent, consentPaths), withHostileField(segment, segmentPaths), async (grant, define) => {
          const history = await crm.consent.history(customer.id);
          const granted = await attempt(() => crm.consent.grant(grant.input as never), [grant.path[0] as string], { notFound: true });
          const after = await crm.consent.history(customer.id);
          if (!granted.ok) expect(after).toEqual(history);
          else {
            expect(after).toContainEqual(granted.value);
            if (grant.path.join('.') === 'proof.ip')
              expect(json((granted.value as { proof: { ip: unknown } }).proof.ip)).toEqual(json(grant.value));
          }
          if (define.path[0] !== 'key') define.input.key = uniqueId('s').toLowerCase();
          const defined = await attempt(() => crm.segments.define(define.input as never), ['segment', define.path[0] as string], {
            conflicts: ['SEGMENT_EXISTS'],
          });
          if (defined.ok) {
            const key = (defined.value as { key: string }).key;
            expect(await crm.segments.get(key)).toEqual(defined.value);
            expect(await crm.segments.count(key)).toBeGreaterThanOrEqual(0);
            await crm.segments.remove(key);
          }
        }),
        settings,
      );
    });
  });
}
