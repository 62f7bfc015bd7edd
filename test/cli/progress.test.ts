import {describe, expect, it} from "vitest";
import {progressPrinter} from "../../src/cli/progress.ts";
import type {SweepProgress} from "../../src/sweep/runSweep.ts";

/** A stream that records what is written, a terminal or a pipe. */
function stream(isTTY: boolean) {
  const writes: string[] = [];
  return {writes, io: {stdout: {write: () => true}, stderr: {write: (s: string) => writes.push(s), isTTY}, env: {}}};
}

const at = (done: number, errors = 0): SweepProgress => ({pair: "toy-arith", dataset: "toy_arith", done, total: 20, tokens: 300 * done, errors, elapsedMs: 500 * done});

describe("sweep progress on stderr", () => {
  it("on a terminal: one live bar rewritten in place, with done/total, tokens/s, ETA and errors so far", () => {
    const {writes, io} = stream(true);
    const progress = progressPrinter(io);
    for (let done = 1; done <= 20; done++) progress.update(at(done, done >= 7 ? 1 : 0));
    progress.end();
    expect(writes).toHaveLength(21); // every update redraws; end() closes the line
    expect(writes.slice(0, 20).every((w) => w.startsWith("\r\x1b[2K") && !w.includes("\n"))).toBe(true);
    expect(writes[4]).toBe("\r\x1b[2K[toy-arith · toy_arith] ██████░░░░░░░░░░░░░░░░░░ 5/20 questions · 600 tokens/s · 3s elapsed · ETA 8s");
    expect(writes[9]).toContain("████████████░░░░░░░░░░░░ 10/20 questions · 600 tokens/s · 5s elapsed · ETA 5s · 1 with errors");
    expect(writes[20]).toBe("\n");
  });

  it("through a pipe: plain lines, the first question and then one per 10%, no escape codes", () => {
    const {writes, io} = stream(false);
    const progress = progressPrinter(io);
    for (let done = 1; done <= 20; done++) progress.update(at(done, done >= 7 ? 2 : 0));
    progress.end();
    expect(writes).toHaveLength(11);
    expect(writes.every((w) => w.endsWith("\n") && !w.includes("\x1b") && !w.includes("█"))).toBe(true);
    expect(writes[0]).toBe("[toy-arith · toy_arith] 1/20 questions · 600 tokens/s · 1s elapsed · ETA 10s\n");
    expect(writes[10]).toBe("[toy-arith · toy_arith] 20/20 questions · 600 tokens/s · 10s elapsed · ETA 0s · 2 with errors\n");
  });
});
