import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createTraceMcpServer, FileTraceSource, HttpTraceCatalog, StoreTraceSource, type TraceSource } from '@aitrace/mcp';
import { integerOption, parseOrUsage } from '../args.js';
import { UsageError } from '../UsageError.js';

export const MCP_HELP = `Usage: aitrace mcp [options] FILE|DIR ...
       aitrace mcp --server URL [--token T]

Runs a Model Context Protocol (MCP) server on stdin/stdout, so a coding agent
(any MCP client) can read traces: aitrace trace files and OTLP JSON lines
files, and the trace files in each DIR. Files are
followed as they grow, rotate or appear; spans in flight show as running.
With --server, the traces come from a running \`aitrace serve\` instead (its
query API); \`aitrace serve\` also offers the same tools itself at /mcp.

Tools: search_traces, get_trace, get_span, find_errors, get_stats,
running_spans. Every answer is bounded (max_chars, default 16,000 characters)
and, when cut, says how to get the rest (a cursor or a narrower query).

Register it with an MCP client, e.g.:
  { "mcpServers": { "aitrace": { "command": "npx", "args": ["aitrace", "mcp", "./traces"] } } }

Options:
  --server URL    read from the aitrace server at URL (e.g. http://127.0.0.1:4319)
  --token T       its bearer token (default: the AITRACE_SERVER_TOKEN environment
                  variable, else none)
  --max-traces N  with --server, the newest traces one answer reads (default
                  1000); since/until reach older ones
  --interval MS   how often files are read for new lines (default 200)
  --idle S        with no new line (no new record of a trace, with --server) for
                  this long, spans without an end count as cut off (their writer
                  stopped) instead of running (default 30)
  -h, --help      show this help

A server that is down, refuses the token or does not know a trace id is told
to the agent as a tool error; the MCP server goes on. Logs go to stderr (stdout
carries the protocol). Exit codes: 0 the client closed the connection, 2 usage
error.`;

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The server URL of --server: http or https, with no query or fragment. */
function serverUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--server must be the URL of an aitrace server, such as http://127.0.0.1:4319, got ${JSON.stringify(value)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new UsageError(`--server must be an http:// or https:// URL with no query, such as http://127.0.0.1:4319, got ${JSON.stringify(value)}`);
  }
  return url.href;
}

/** `aitrace mcp`. */
export async function mcpCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseOrUsage(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        'max-traces': { type: 'string' },
        interval: { type: 'string' },
        idle: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help === true) {
    console.log(MCP_HELP);
    return 0;
  }
  const idle = integerOption(values.idle, 'idle');
  const idleMs = idle === undefined ? undefined : idle * 1000;
  let source: TraceSource;
  let close = (): void => undefined;
  if (values.server !== undefined) {
    if (positionals.length > 0) throw new UsageError('mcp reads either FILE|DIR arguments or --server URL, not both');
    if (values.interval !== undefined) throw new UsageError('--interval is for files; with --server each answer asks the server');
    const token = values.token ?? env.AITRACE_SERVER_TOKEN;
    if (token !== undefined && (token.trim() === '' || /\s/.test(token)))
      throw new UsageError(`--token must not be blank or contain spaces${values.token === undefined ? ' (from AITRACE_SERVER_TOKEN)' : ''}`);
    const maxTraces = integerOption(values['max-traces'], 'max-traces');
    if (maxTraces === 0) throw new UsageError('--max-traces must be at least 1');
    source = new StoreTraceSource(new HttpTraceCatalog(serverUrl(values.server), { token }), { maxTraces, idleMs });
  } else {
    if (values.token !== undefined || values['max-traces'] !== undefined)
      throw new UsageError(`--${values.token !== undefined ? 'token' : 'max-traces'} needs --server URL`);
    if (positionals.length === 0) throw new UsageError('mcp needs at least one FILE or DIR to read traces from, or --server URL');
    const files = new FileTraceSource(positionals, { intervalMs: integerOption(values.interval, 'interval') ?? 200, idleMs });
    source = files;
    close = () => files.close();
  }
  const server = createTraceMcpServer(source, version());
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  await closed;
  close();
  await server.close();
  return 0;
}
