import pRetry from "p-retry";
import {isRemoteError, RemoteError} from "./RemoteError.ts";

/** Bounded retries with exponential back-off, for failures that may be transient. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 4. */
  retries: number;
  /** Wait before the first retry. Default 250 ms. */
  minDelayMs: number;
  /** Longest wait between attempts. Default 4000 ms. */
  maxDelayMs: number;
  /** Each wait is this many times the previous one. Default 2 (250, 500, 1000, 2000 ms: ~3.75 s in all). */
  factor: number;
}

export const DEFAULT_RETRY: RetryPolicy = {retries: 4, minDelayMs: 250, maxDelayMs: 4000, factor: 2};

/**
 * Runs `attempt` until it succeeds, fails with an error that is not worth retrying (a 4xx, a
 * bug), or has failed `retries + 1` times; then throws the last error, a `RemoteError` whose
 * `attempts` and message say how many requests were made. `onRetry` sees each retried failure.
 * The waits are deterministic (no random jitter), so a run's timing is reproducible.
 */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, onRetry?: (error: RemoteError) => void): Promise<T> {
  let attempts = 0;
  try {
    return await pRetry(
      () => {
        attempts++;
        return attempt();
      },
      {
        retries: policy.retries,
        minTimeout: policy.minDelayMs,
        maxTimeout: policy.maxDelayMs,
        factor: policy.factor,
        randomize: false,
        shouldRetry: ({error}) => isRemoteError(error) && error.retryable,
        onFailedAttempt: ({error, retriesLeft}) => {
          if (retriesLeft > 0 && isRemoteError(error) && error.retryable) onRetry?.(error);
        },
      },
    );
  } catch (error) {
    if (isRemoteError(error)) {
      error.attempts = attempts;
      if (attempts > 1) error.message = `${error.message} (gave up after ${attempts} attempts)`;
    }
    throw error;
  }
}
