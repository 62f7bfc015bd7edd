/**
 * Errors a user can fix: bad flags, missing or corrupt files, incompatible models, bad configs.
 * The CLI prints `message` as one line and exits with code 2 (a stack trace only with --verbose);
 * anything else is a bug and exits with code 1.
 */
export class TlrError extends Error {
  override readonly name: string = "TlrError";
  readonly exitCode: number = 2;
  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options);
  }
}

/**
 * A long command was stopped by Ctrl-C (or SIGTERM) after it wrote what it had finished. The
 * CLI prints the message (which says what was kept and how to go on) and exits 130, the shell's
 * code for a SIGINT.
 */
export class InterruptedError extends TlrError {
  override readonly name = "InterruptedError";
  override readonly exitCode: number = 130;
}

/** A model's context window would overflow; never silently shifted (the two models' states would diverge). */
export class ContextFullError extends TlrError {
  override readonly name = "ContextFullError";
}

/** A dataset split that this source does not hold (no local files, not in the offline cache): `data stats` lists it as absent. */
export class DataUnavailableError extends TlrError {
  override readonly name = "DataUnavailableError";
}

export function isTlrError(error: unknown): error is TlrError {
  return error instanceof TlrError;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
