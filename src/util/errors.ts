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
