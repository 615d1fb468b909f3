import { createCrm, memoryStorage, type RapportError, ValidationError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rejection } from './rejection.js';

const makeCrm = () =>
  createCrm({
    storage: memoryStorage(),
    schema: {
      traits: z.object({ tier: z.enum(['bronze', 'gold']).optional() }),
      interactionProperties: z.object({ amount: z.number().optional(), sku: z.string().optional() }),
    },
  });

const paths = (error: RapportError) => (error as ValidationError).issues.map((issue) => issue.path.join('.'));

describe('validation reports every issue of the input at once', () => {
  it('names a bad e-mail and a bad birthday in one error, as docs/getting-started.md shows', async () => {
    const crm = await makeCrm();
    const input = { identities: [{ type: 'email' as const, value: 'nope' }], traits: { birthday: '2001-13-40' } };
    for (const call of [() => crm.customers.create(input), () => crm.customers.upsert(input)]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.kind).toBe('invalid_input');
      expect(`${error.name}: ${error.message}`).toBe(
        'ValidationError: Invalid input — traits.birthday: Invalid ISO date; identities.0.value: "nope" is not a valid e-mail address',
      );
    }
    expect((await crm.customers.list()).items).toEqual([]);
  });

  it('lists issues of every kind together: identities, the app’s traits, tags and the lifecycle stage', async () => {
    const crm = await makeCrm();
    const error = await rejection(
      crm.customers.create({
        identities: [
          { type: 'phone', value: '12' },
          { type: 'email', value: 'ok@x.io' },
          { type: 'email', value: 'bad' },
        ],
        traits: { tier: 'platinum', birthday: 'soon' } as never,
        tags: [''],
        lifecycleStage: 'Not A Slug',
      }),
    );
    expect(paths(error)).toEqual([
      'traits.birthday',
      'traits.tier',
      'identities.0.value',
      'identities.2.value',
      'tags.0',
      'lifecycleStage',
    ]);
  });

  it('checks an upsert’s traits patch key by key, together with its identities', async () => {
    const crm = await makeCrm();
    const error = await rejection(
      crm.customers.upsert({
        identities: [
          { type: 'external', namespace: 'POS!', value: 'x' },
          { type: 'phone', value: 'call me' },
        ],
        traits: { tier: 'platinum', unknown: 1 } as never,
      }),
    );
    expect(paths(error)).toEqual(['traits.tier', 'traits', 'identities.0.namespace', 'identities.1.value']);
  });

  it('names a bad identity and bad properties of an interaction in one error, in record and recordMany', async () => {
    const crm = await makeCrm();
    const input = {
      identity: { type: 'email' as const, value: 'nope' },
      channel: 'web',
      type: 'purchase',
      properties: { amount: 'lots', colour: 'red' } as never,
    };
    const error = await rejection(crm.interactions.record(input));
    expect(paths(error)).toEqual(['identity.value', 'properties.amount', 'properties']);
    const batch = await crm.interactions.recordMany([input, { ...input, channel: 'Bad Channel', properties: {} }]);
    const reasons = batch.outcomes.map((outcome) => (outcome.status === 'rejected' ? paths(outcome.error) : []));
    expect(reasons).toEqual([
      ['identity.value', 'properties.amount', 'properties'],
      ['identity.value', 'channel'],
    ]);
    expect((await crm.customers.list()).items).toEqual([]);
  });

  it('checks the conflicting-match policy, per Crm and per call', async () => {
    const options = await rejection(createCrm({ storage: memoryStorage(), identities: { onConflictingMatch: 'merge' as never } }));
    expect([options.code, paths(options)]).toEqual(['INVALID_OPTIONS', ['options.identities.onConflictingMatch']]);
    const crm = await makeCrm();
    const call = await rejection(
      crm.customers.upsert({ identities: [{ type: 'email', value: 'a@x.io' }] }, { onConflictingMatch: 'merge' as never }),
    );
    expect([call.code, paths(call)]).toEqual(['INVALID_INPUT', ['options.onConflictingMatch']]);
  });
});
