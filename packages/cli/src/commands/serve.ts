import type * as Server from '@aitrace/server';
import { importOptionalPeer } from '../optionalPeer.js';

/** `aitrace serve`: the trace server and web viewer from @aitrace/server, loaded only when asked for. */
export async function serveCommand(argv: string[]): Promise<number> {
  const server: typeof Server | undefined = await importOptionalPeer('serve', '@aitrace/server', () => import('@aitrace/server'));
  return server ? server.runServeCommand(argv) : 1;
}

/** Help for `aitrace serve`, from the server package when it is installed. */
export const SERVE_SUMMARY = 'run the trace server: JSONL and OTLP/HTTP ingest, SQLite storage, query API, web viewer';
