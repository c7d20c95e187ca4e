/** The trace source failed (a server that is down, refuses the token or answers an error): a tool error naming it; the MCP server goes on. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}
