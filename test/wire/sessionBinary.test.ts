import {describe, expect, it} from "vitest";
import {decodeSessionRequest, encodeSessionRequest} from "../../src/wire/sessionBinary.ts";
import {sessionRequestBody} from "../../src/wire/sessionWire.ts";

const session = "0123456789abcdef";

describe("the binary session request", () => {
  it("round-trips keep, ids (any size) and batch schedules", () => {
    for (const [keep, ids, batches] of [
      [0, [1, 2, 3], undefined],
      [127, [0, 127, 128, 16383, 16384, 151_935, 2 ** 31 - 1], [3, 4]],
      [5000, [], undefined],
    ] as const) {
      const decoded = decodeSessionRequest(encodeSessionRequest(session, keep, ids, batches));
      expect(decoded).toEqual(batches ? {session, keep, ids, batches} : {session, keep, ids});
    }
  });

  it("carries an optional count of top log-probabilities after everything else, costing nothing when absent", () => {
    const plain = encodeSessionRequest(session, 7, [1, 2]);
    const more = encodeSessionRequest(session, 7, [1, 2], undefined, undefined, undefined, 129);
    expect(more.subarray(0, plain.length)).toEqual(plain);
    expect(more.length).toBe(plain.length + 2);
    expect(decodeSessionRequest(more)).toEqual({session, keep: 7, ids: [1, 2], top: 129});
    expect(decodeSessionRequest(encodeSessionRequest(session, 7, [1, 2, 3], [1, 2], undefined, undefined, 3))).toEqual({session, keep: 7, ids: [1, 2, 3], batches: [1, 2], top: 3});
  });

  it("spends 10 bytes on its header and 1–3 bytes per id, far fewer than JSON", () => {
    const ids = [283, 259, 275, 261, 259, 284, 259, 273, 259, 275, 276, 269, 259, 289];
    const binary = encodeSessionRequest(session, 87, ids).length;
    expect(binary).toBe(1 + 8 + 1 + 1 + ids.length * 2 + 1);
    expect(Buffer.byteLength(sessionRequestBody(session, 87, ids))).toBeGreaterThan(2.5 * binary);
  });

  it("refuses malformed bodies, saying what is wrong", () => {
    const good = encodeSessionRequest(session, 3, [300, 5]);
    expect(() => decodeSessionRequest(good.subarray(0, 5))).toThrow(/shorter than its 9-byte header/);
    expect(() => decodeSessionRequest(Buffer.from([3, ...good.subarray(1)]))).toThrow(/unknown version 3/);
    expect(() => decodeSessionRequest(good.subarray(0, good.length - 2))).toThrow(/ends inside an id|has \d+ bytes left/);
    expect(() => decodeSessionRequest(Buffer.concat([good, Buffer.from([0])]))).toThrow(/top must be a positive count/);
    expect(() => decodeSessionRequest(Buffer.concat([good, Buffer.from([5, 0])]))).toThrow(/1 bytes follow the request/);
    expect(() => decodeSessionRequest(Buffer.from([1, ...Buffer.from(session, "hex"), 0, 255, 255, 255, 255, 255, 1]))).toThrow(/too large|announces/);
  });
});
