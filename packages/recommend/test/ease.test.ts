import { describe, expect, it } from 'vitest';
import { easeScorer, trainEase, trainEaseRecommender } from '../src/index.js';
import { purchase } from './fixtures.js';

describe('EASE (closed form)', () => {
  it('two items: B(A→B) = c / (n(B) + λ) where G = [[n(A)+λ, c], [c, n(B)+λ]]', () => {
    // n(A) = 3, n(B) = 2, together 2.
    const events = [purchase('u1', 'A'), purchase('u1', 'B'), purchase('u2', 'A'), purchase('u2', 'B'), purchase('u3', 'A')];
    const lambda = 1;
    const model = trainEase({ events }, { lambda });
    expect(model.items).toEqual(['A', 'B']);
    // P = G⁻¹ = [[n(B)+λ, −c], [−c, n(A)+λ]] / det; B_ij = −P_ij / P_jj.
    const [aa, ab, ba, bb] = model.weights;
    expect(aa).toBe(0);
    expect(bb).toBe(0);
    expect(ab).toBeCloseTo(2 / (3 + lambda), 12);
    expect(ba).toBeCloseTo(2 / (2 + lambda), 12);
  });

  it('matches B = I − P·diag(1/diag(P)) on a larger set, with a zero diagonal, and survives JSON', () => {
    const events = [];
    for (let u = 0; u < 30; u++) for (let i = 0; i < 8; i++) if ((u * 7 + i * 3) % 5 < 2) events.push(purchase(`u${u}`, `i${i}`));
    const model = trainEase({ events }, { lambda: 5 });
    const n = model.items.length;
    // X'X·B should equal G − λI − (diag dual) off the diagonal: check (G)·B = G − diag(1/diag(P))... via the defining property:
    // for j, Σ_k G_ik B_kj = G_ij for i ≠ j (the constrained least-squares normal equations).
    const gram = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const byUser = new Map<string, number[]>();
    for (const e of events) byUser.set(e.customerId, [...(byUser.get(e.customerId) ?? []), model.items.indexOf(e.itemId)]);
    for (const items of byUser.values())
      for (const i of items) for (const j of items) (gram[i] as number[])[j] = ((gram[i] as number[])[j] as number) + 1;
    for (let i = 0; i < n; i++) (gram[i] as number[])[i] = ((gram[i] as number[])[i] as number) + 5;
    for (let j = 0; j < n; j++) {
      expect(model.weights[j * n + j]).toBe(0);
      for (let i = 0; i < n; i++) {
        if (i === j) continue;
        let sum = 0;
        for (let k = 0; k < n; k++) sum += ((gram[i] as number[])[k] as number) * (model.weights[k * n + j] as number);
        expect(sum).toBeCloseTo((gram[i] as number[])[j] as number, 8);
      }
    }
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('keeps the most popular maxItems items and scores from known seeds only', async () => {
    const events = [
      purchase('u1', 'A'),
      purchase('u1', 'B'),
      purchase('u2', 'A'),
      purchase('u2', 'B'),
      purchase('u3', 'A'),
      purchase('u3', 'C'),
    ];
    const model = trainEase({ events }, { maxItems: 2 });
    expect(model.items).toEqual(['A', 'B']);
    const scorer = easeScorer(model);
    expect(scorer.knows('C')).toBe(false);
    expect([...scorer.score(new Map([['A', 1]]))].map(([id]) => id)).toEqual(['B']);
    const recommender = trainEaseRecommender({ events }, { ease: { lambda: 1 } });
    const result = await recommender.forCustomer('u3', { k: 1 });
    expect(result).toMatchObject({ strategy: 'personal', personalised: true, items: [{ itemId: 'B' }] });
  });

  it('rejects a bad lambda naming the field', () => {
    expect(() => trainEase({ events: [] }, { lambda: -1 })).toThrowError(/options\.lambda/);
  });
});
