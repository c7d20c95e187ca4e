/** A query the store cannot run (a malformed cursor, an out-of-range limit); the API answers 400 with its message. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
}
