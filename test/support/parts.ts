import {existsSync, readdirSync} from "node:fs";
import {join} from "node:path";

/** Complete parts a sweep has written to `out` so far. */
export function partCount(out: string): number {
  const dir = join(out, "parts");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".questions.arrow")).length : 0;
}

/** Resolves once `out` holds at least `n` parts (polled every 50 ms); rejects if `running` ends first. */
export function whenParts(out: string, n: number, running?: Promise<unknown>): Promise<void> {
  return new Promise((done, fail) => {
    const timer = setInterval(() => {
      if (partCount(out) >= n) {
        clearInterval(timer);
        done();
      }
    }, 50);
    running?.then(() => {
      clearInterval(timer);
      fail(new Error(`the sweep ended before writing ${n} parts`));
    });
  });
}
