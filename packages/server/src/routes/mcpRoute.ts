import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createTraceMcpServer } from '@aitrace/mcp';
import { HttpError } from '../http/HttpError.js';
import { readBody } from '../http/readBody.js';
import type { ServerContext } from '../ServerContext.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * `POST /mcp`: the trace tools over MCP's Streamable HTTP transport, answering from the server's store.
 * Stateless (a fresh transport per request, no session ids): every tool call carries all it needs and the server
 * never pushes messages, so there is no session table to keep, expire or lose on restart.
 */
export async function serveMcp(request: IncomingMessage, response: ServerResponse, context: ServerContext): Promise<void> {
  const body = await readBody(request, context.maxBodyBytes);
  let message: unknown;
  try {
    message = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `the body of POST /mcp must be a JSON-RPC message: ${(error as Error).message}`);
  }
  const server = createTraceMcpServer(context.mcpSource, VERSION);
  // No sessionIdGenerator: stateless. JSON answers, not SSE streams: each tool call has one answer.
  const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
  response.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, message);
}
