/** Seconds a client is asked to wait (`Retry-After`) before retrying a request the store could not take. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The database cannot be reached (down, restarting, out of connections): nothing of the request was stored and
 * the request may be retried. The API answers 503 with `Retry-After`, gRPC UNAVAILABLE.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}
