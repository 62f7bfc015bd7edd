import {TlrError} from "../../util/errors.ts";

/**
 * What went wrong talking to a remote model:
 *   refused     nothing listens at the address (server down or restarting)
 *   timeout     no complete answer within the time limit
 *   reset       the connection dropped mid-request (server killed, proxy, idle socket)
 *   network     another socket-level failure (DNS, unreachable host)
 *   http        the server answered 5xx (or 503 busy)
 *   malformed   the answer was not the JSON the protocol promises
 *   rejected    the server answered 4xx: the request or the credentials are wrong
 *   unsupported the server answered well, but in a shape the protocol cannot use (token text
 *               where ids are needed): another protocol is needed, so it is not retried
 */
export type RemoteErrorKind = "refused" | "timeout" | "reset" | "network" | "http" | "malformed" | "rejected" | "unsupported";

const RETRYABLE: ReadonlySet<RemoteErrorKind> = new Set(["refused", "timeout", "reset", "network", "http", "malformed"]);

/**
 * A failed remote call, after bounded retries where the failure may be transient. A sweep
 * records it against the question (`kind`, `message`) and goes on; the CLI prints it as one
 * line (exit 2). `attempts` counts the requests made for the call.
 */
export class RemoteError extends TlrError {
  override readonly name = "RemoteError";
  readonly kind: RemoteErrorKind;
  readonly url: string;
  readonly status: number | undefined;
  attempts: number;

  constructor(kind: RemoteErrorKind, url: string, message: string, options: {status?: number; cause?: unknown; attempts?: number} = {}) {
    super(message, {cause: options.cause});
    this.kind = kind;
    this.url = url;
    this.status = options.status;
    this.attempts = options.attempts ?? 1;
  }

  /** Whether trying again may help (a 4xx will fail the same way). */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** A plain object for a results row. */
  toJSON(): {kind: RemoteErrorKind; url: string; status: number | null; attempts: number; message: string} {
    return {kind: this.kind, url: this.url, status: this.status ?? null, attempts: this.attempts, message: this.message};
  }
}

export function isRemoteError(error: unknown): error is RemoteError {
  return error instanceof RemoteError;
}
