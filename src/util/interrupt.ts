import {InterruptedError} from "./errors.ts";

export {InterruptedError} from "./errors.ts";

export interface Interrupt {
  /** Aborted at the first SIGINT or SIGTERM: finish the item in hand, write what is done, stop. */
  readonly signal: AbortSignal;
  /** Removes the handlers (the default Ctrl-C behaviour returns). */
  dispose(): void;
}

/**
 * Clean Ctrl-C for commands that run long: the first SIGINT/SIGTERM aborts `signal` (and `onFirst`
 * can say "finishing the question in hand…"), so the command stops taking new work and writes what
 * it finished; a second one exits at once with code 130, as an impatient user expects (whatever
 * was already written stays: every file is written atomically).
 */
export function interruptOnSignals(onFirst?: (signal: NodeJS.Signals) => void): Interrupt {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new InterruptedError(`interrupted by ${signal}`));
    onFirst?.(signal);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
