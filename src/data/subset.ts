import {PyRandom} from "../util/PyRandom.ts";

export interface SubsetOptions {
  /** How many examples to keep; all when absent or at least the length. */
  limit?: number;
  /** Without a seed, the first `limit` in order; with one, a random sample. */
  seed?: number;
}

/**
 * A deterministic subset. With a seed it is exactly Python's
 * `random.Random(seed).sample(items, limit)` (the same items in the same order), so a subset
 * drawn here can be drawn again in Python, and the paper's "100 random questions" are one seed.
 */
export function subset<T>(items: readonly T[], options: SubsetOptions = {}): T[] {
  const {limit, seed} = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new RangeError(`subset limit must be a non-negative integer, got ${limit}`);
  if (limit === undefined || limit >= items.length) return [...items];
  if (seed === undefined) return items.slice(0, limit);
  return new PyRandom(seed).sample(items, limit);
}
