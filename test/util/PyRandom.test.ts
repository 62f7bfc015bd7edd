import {describe, expect, it} from "vitest";
import {PyRandom} from "../../src/util/PyRandom.ts";

// Every expected value below was printed by CPython 3.11.7 (`import random`), e.g.
// `r = random.Random(1234); [r.random() for _ in range(3)]`; the call is written next to it.
describe("PyRandom reproduces CPython's random.Random", () => {
  it("random() from an int seed", () => {
    const r = new PyRandom(1234); // [r.random() for _ in range(3)]
    expect([r.random(), r.random(), r.random()]).toEqual([0.9664535356921388, 0.4407325991753527, 0.007491470058587191]);
  });

  it("getrandbits(k) for k of 1, 5, 17, 32, seed 0", () => {
    const r = new PyRandom(0);
    expect([1, 5, 17, 32].map((k) => r.getrandbits(k))).toEqual([1, 12, 99346, 3823568514]);
  });

  it("a seed wider than 32 bits is split into words", () => {
    const r = new PyRandom(2 ** 40 + 7); // [r.randint(0, 10**6) for _ in range(4)]
    expect([0, 1, 2, 3].map(() => r.randint(0, 1_000_000))).toEqual([643515, 783626, 854501, 983493]);
  });

  it("randrange(stop) and randrange(start, stop)", () => {
    const r = new PyRandom(42);
    expect(Array.from({length: 8}, () => r.randrange(5))).toEqual([0, 0, 2, 1, 1, 1, 0, 4]);
    expect(Array.from({length: 4}, () => r.randrange(10, 100))).toEqual([21, 85, 64, 14]);
  });

  it("choice over a string", () => {
    const r = new PyRandom(42);
    expect(Array.from({length: 10}, () => r.choice("+-")).join("")).toBe("++-+++++-+");
  });

  it("shuffle in place", () => {
    const r = new PyRandom(7);
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    r.shuffle(x);
    expect(x).toEqual([8, 3, 1, 4, 7, 0, 9, 6, 2, 5]);
  });

  it("sample, on both of CPython's paths (a pool for small populations, a set for large ones)", () => {
    const range = (n: number) => Array.from({length: n}, (_, i) => i);
    // random.Random(3).sample(range(30), 20): n ≤ setsize, the pool path
    expect(new PyRandom(3).sample(range(30), 20)).toEqual([7, 18, 17, 4, 11, 19, 15, 20, 28, 2, 24, 0, 23, 8, 29, 3, 25, 27, 16, 13]);
    // random.Random(0).sample(range(1221), 100)[:12]: the set path
    expect(new PyRandom(0).sample(range(1221), 100).slice(0, 12)).toEqual([788, 861, 82, 530, 1047, 995, 829, 621, 976, 733, 1194, 447]);
    expect(new PyRandom(0).sample(range(1221), 5)).toEqual([788, 861, 82, 530, 1047]);
  });

  it("refuses what CPython refuses", () => {
    expect(() => new PyRandom(1).sample([1, 2], 3)).toThrow(/larger than population/);
    expect(() => new PyRandom(1).randrange(5, 5)).toThrow(/empty range/);
    expect(() => new PyRandom(1).choice([])).toThrow(/empty sequence/);
  });
});
