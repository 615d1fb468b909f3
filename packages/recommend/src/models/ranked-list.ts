import { cmp } from '../feedback/feedback-event.js';

/** Items with scores, best first (ties by item id), as plain `[itemId, score]` pairs. */
export type RankedList = [itemId: string, score: number][];

/** Sorts `scores` best first, ties by item id, and keeps the first `limit`. */
export function rank(scores: ReadonlyMap<string, number>, limit = Number.POSITIVE_INFINITY): RankedList {
  const list: RankedList = [...scores.entries()];
  list.sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
  return Number.isFinite(limit) ? list.slice(0, limit) : list;
}

/** Adds `amount` to `key` in `map`. */
export function addTo<K>(map: Map<K, number>, key: K, amount: number): void {
  map.set(key, (map.get(key) ?? 0) + amount);
}

/** The value under `key`, made with `make` and stored first when missing. */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
