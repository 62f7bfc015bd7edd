/**
 * A uniform number in [0, 1) that depends only on (seed, key, step): the random router's draw.
 * Tying it to the step (not to a stream of calls) keeps a sweep's thresholds coupled (a token
 * routed at p = 0.1 is also routed at p = 0.2) and makes runs reproducible in any order.
 * FNV-1a over the key, then the SplitMix32 finaliser.
 */
export function uniformFromKey(seed: number, key: string, step: number): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h = (h ^ Math.imul(step + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}
