import MersenneTwister from "mersenne-twister";

/**
 * CPython's `random.Random`, draw for draw, so that a Python recipe (the toy-arith generator,
 * a `random.Random(seed).sample(...)` subset) gives the same numbers here.
 *
 * The MT19937 core comes from `mersenne-twister` (the reference C code ported, with
 * `init_by_array`). The layer above it is written by hand because no npm package reproduces
 * CPython's own algorithms: int seeding (the absolute value's 32-bit words, least significant
 * first, fed to `init_by_array`), `random()` (53 bits from two draws), `getrandbits`, and the
 * rejection sampling of `_randbelow` that `randrange`, `randint`, `choice`, `shuffle` and
 * `sample` all rest on. Checked against CPython 3.11 in test/util/PyRandom.test.ts.
 */
export class PyRandom {
  private readonly mt: MersenneTwister;

  /** `random.Random(seed)` for a non-negative or negative integer seed (Python uses its absolute value). */
  constructor(seed: number | bigint) {
    let n = BigInt(seed);
    if (n < 0n) n = -n;
    const key: number[] = [];
    do {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    } while (n > 0n);
    this.mt = new MersenneTwister(key);
  }

  /** A float in [0, 1) with 53 random bits (CPython's `random_random`). */
  random(): number {
    const a = this.mt.random_int() >>> 5;
    const b = this.mt.random_int() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** An integer with `k` random bits, 0 ≤ k ≤ 32 (all this project needs: populations stay below 2³²). */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 32) throw new RangeError(`getrandbits(${k}): only 0..32 bits are supported`);
    if (k === 0) return 0;
    return this.mt.random_int() >>> (32 - k);
  }

  /** An integer in [0, n): draws `n.bit_length()` bits until the value is below n (`_randbelow_with_getrandbits`). */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n >= 2 ** 32) throw new RangeError(`randbelow(${n}): n must be an integer in 1..2^32-1`);
    const k = 32 - Math.clz32(n); // n.bit_length()
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `randrange(stop)` or `randrange(start, stop)` (step 1). */
  randrange(start: number, stop?: number): number {
    if (stop === undefined) return this.randbelow(start);
    if (stop <= start) throw new RangeError(`empty range for randrange(${start}, ${stop})`);
    return start + this.randbelow(stop - start);
  }

  /** An integer in [a, b], both ends included. */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1);
  }

  choice<T>(seq: ArrayLike<T>): T {
    if (seq.length === 0) throw new RangeError("cannot choose from an empty sequence");
    return seq[this.randbelow(seq.length)]!;
  }

  /** Shuffles `x` in place (Fisher–Yates from the end, as CPython does). */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [x[i], x[j]] = [x[j]!, x[i]!];
    }
  }

  /** `k` distinct items in selection order, as `random.sample(population, k)`. */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`sample larger than population or negative: k=${k}, n=${n}`);
    // CPython picks its algorithm by comparing a list's size with a set's: reproduce the choice exactly.
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    const result: T[] = new Array(k);
    if (n <= setsize) {
      const pool = [...population];
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j]!;
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = population[j]!;
      }
    }
    return result;
  }
}
