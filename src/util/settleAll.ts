import pLimit from "p-limit";
import {errorMessage} from "./errors.ts";

/** One item's outcome: its value, or the error it failed with (never both). */
export type Settled<T> = {index: number; ok: true; value: T} | {index: number; ok: false; error: unknown; message: string};

/**
 * Runs `task` over `items` with at most `concurrency` at once (p-limit) and never rejects: each
 * item settles to its value or its error, in input order. `onSettled` sees each outcome as soon
 * as it is known, so a caller can write finished rows before later items run (a failing remote
 * model then costs the questions it failed, never the ones already done).
 */
export async function settleAll<I, T>(
  items: readonly I[],
  concurrency: number,
  task: (item: I, index: number) => Promise<T>,
  onSettled?: (outcome: Settled<T>) => void,
): Promise<Settled<T>[]> {
  const limit = pLimit(concurrency);
  return Promise.all(
    items.map((item, index) =>
      limit(async (): Promise<Settled<T>> => {
        let outcome: Settled<T>;
        try {
          outcome = {index, ok: true, value: await task(item, index)};
        } catch (error) {
          outcome = {index, ok: false, error, message: errorMessage(error)};
        }
        onSettled?.(outcome);
        return outcome;
      }),
    ),
  );
}
