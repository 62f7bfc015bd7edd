import type {CliIO} from "./io.ts";

/**
 * Ctrl-C for a long command: the first SIGINT asks it to stop cleanly (the returned signal aborts;
 * the command finishes what is in flight, keeps what it finished and says how to go on), a second
 * one quits at once. `stopping` says what the first one does. Call `dispose` when the command ends.
 */
export function catchInterrupt(io: CliIO, stopping: string): {signal: AbortSignal; dispose(): void} {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130); // asked twice: at once (the user insists)
    controller.abort();
    io.stderr.write(`\ntlr: stopping: ${stopping} (Ctrl-C again to quit at once)\n`);
  };
  process.on("SIGINT", onSigint);
  return {signal: controller.signal, dispose: () => process.off("SIGINT", onSigint)};
}
