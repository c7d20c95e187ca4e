import type * as Server from '@aitrace/server';
import { UsageError } from '../UsageError.js';

/** `aitrace serve`: the trace server and web viewer from @aitrace/server, loaded only when asked for. */
export async function serveCommand(argv: string[]): Promise<number> {
  let server: typeof Server;
  try {
    server = await import('@aitrace/server');
  } catch (error) {
    throw new UsageError(`serve needs the @aitrace/server package (${(error as Error).message.split('\n')[0]}); install it next to @aitrace/cli`);
  }
  return server.runServeCommand(argv);
}

/** Help for `aitrace serve`, from the server package when it is installed. */
export const SERVE_SUMMARY = 'run the trace server: JSONL and OTLP/HTTP ingest, SQLite storage, query API, web viewer';
