import {describe, expect, it} from "vitest";
import {LaneClock} from "../../src/models/laneClock.ts";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe("LaneClock", () => {
  it("releases a gate's lanes together once every lane waits, and one gate at a time", async () => {
    const clock = new LaneClock(3, 1000);
    const small = clock.gate("small");
    const large = clock.gate("large");
    const log: string[] = [];
    const evaluation = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick(5);
      log.push(`end ${name}`);
      return name;
    };
    const a = small.run(0, evaluation("s0"));
    const b = small.run(1, evaluation("s1"));
    await tick(20);
    expect(log).toEqual([]); // lane 2 runs its own code: the gate waits for it (up to a batch's time)
    const c = large.run(2, evaluation("l2"));
    expect(await Promise.all([a, b, c])).toEqual(["s0", "s1", "l2"]);
    // The small gate had more lanes waiting: it went first, both lanes at once; the large one after it.
    expect(log).toEqual(["start s0", "start s1", "end s0", "end s1", "start l2", "end l2"]);
    expect([small.batches, small.released, large.batches, large.released]).toEqual([1, 2, 1, 1]);
  });

  it("stops waiting for a lane that does not come (between questions), until it comes back", async () => {
    const clock = new LaneClock(2, 10);
    const gate = clock.gate("small");
    let t = performance.now();
    await gate.run(0, async () => undefined);
    expect(performance.now() - t).toBeGreaterThanOrEqual(0.5); // waited for lane 1 once
    for (let i = 0; i < 5; i++) await gate.run(0, async () => undefined);
    expect(gate.batches).toBe(6); // lane 1 is away: lane 0 goes alone, without waiting each time
    await Promise.all([gate.run(0, async () => tick(2)), gate.run(1, async () => tick(2))]);
    expect(gate.batches).toBe(8); // lane 1 comes back: lane 0 did not wait for it
    await Promise.all([gate.run(0, async () => tick(2)), gate.run(1, async () => tick(2))]);
    expect(gate.batches).toBe(9); // and now lane 0 waits for it: the two go together
  });

  it("passes errors through and keeps going", async () => {
    const clock = new LaneClock(2, 5);
    const gate = clock.gate("small");
    const failed = gate.run(0, async () => {
      throw new Error("boom");
    });
    const fine = gate.run(1, async () => 1);
    await expect(failed).rejects.toThrow("boom");
    expect(await fine).toBe(1);
    expect(await gate.run(0, async () => 2)).toBe(2);
    await expect(gate.run(5, async () => 0)).rejects.toThrow(/lane 5/);
  });
});
