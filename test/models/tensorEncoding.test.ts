import {describe, expect, it} from "vitest";
import {encodeQ8_0, fromHalfBits, toHalfBits} from "../../src/models/fixtures/tensorEncoding.ts";

describe("GGML encodings of the fixture writer", () => {
  it("converts to binary16 with round-to-nearest-even, overflow to infinity and subnormals", () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(0.1)).toBe(0x2e66);
    expect(toHalfBits(65504)).toBe(0x7bff); // largest half
    expect(toHalfBits(65520)).toBe(0x7c00); // halfway to 2^16 rounds to even: infinity
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalfBits(2 ** -26)).toBe(0x0000);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to the even mantissa
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(fromHalfBits(toHalfBits(Number.NaN)))).toBe(true);
    for (const x of [0.5, -3.25, 1e-5, 1234.5, 6.1e-5]) expect(Math.abs(fromHalfBits(toHalfBits(x)) - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25);
  });

  it("writes Q8_0 blocks as ggml's reference quantizer: f16 scale max|x|/127, then round(x/d)", () => {
    const x = Float32Array.from({length: 64}, (_, i) => Math.sin(i * 0.7) * (i < 32 ? 1 : 0.01));
    const q = encodeQ8_0(x);
    expect(q).toHaveLength(68);
    const view = new DataView(q.buffer);
    for (let b = 0; b < 2; b++) {
      const block = x.subarray(b * 32, b * 32 + 32);
      const amax = Math.max(...block.map(Math.abs));
      const d = fromHalfBits(view.getUint16(b * 34, true));
      expect(d).toBeCloseTo(amax / 127, 4 + 2 * b);
      for (let j = 0; j < 32; j++) {
        const qj = view.getInt8(b * 34 + 2 + j);
        expect(Math.abs(qj)).toBeLessThanOrEqual(127);
        expect(Math.abs(qj * d - block[j]!)).toBeLessThanOrEqual(d * 0.51);
      }
    }
    expect(() => encodeQ8_0(new Float32Array(33))).toThrow(/multiple of 32/);
  });
});
