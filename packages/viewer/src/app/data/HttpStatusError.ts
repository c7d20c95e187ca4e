/** An API answer that was not 2xx, with the server's message. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** True when the server wants a bearer token (401). */
  get needsToken(): boolean {
    return this.status === 401;
  }
}
