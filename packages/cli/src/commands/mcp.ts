import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { integerOption, parseOrUsage } from '../args.js';
import { FileTraceSource } from '../mcp/FileTraceSource.js';
import { createTraceMcpServer } from '../mcp/tools.js';
import { UsageError } from '../UsageError.js';

export const MCP_HELP = `Usage: aitrace mcp [options] FILE|DIR ...

Runs a Model Context Protocol (MCP) server on stdin/stdout, so a coding agent
(any MCP client) can read traces: aitrace trace files and OTLP JSON lines
files, and the trace files in each DIR. Files are
followed as they grow, rotate or appear; spans in flight show as running.

Tools: search_traces, get_trace, get_span, find_errors, get_stats,
running_spans. Every answer is bounded (max_chars, default 16,000 characters)
and, when cut, says how to get the rest (a cursor or a narrower query).

Register it with an MCP client, e.g.:
  { "mcpServers": { "aitrace": { "command": "npx", "args": ["aitrace", "mcp", "./traces"] } } }

Options:
  --interval MS   how often files are read for new lines (default 200)
  --idle S        with no new line for this long, spans without an end count as
                  cut off (their writer stopped) instead of running (default 30)
  -h, --help      show this help

Logs go to stderr (stdout carries the protocol). Exit codes: 0 the client closed
the connection, 2 usage error.`;

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** `aitrace mcp`. */
export async function mcpCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseOrUsage(() =>
    parseArgs({ args: argv, allowPositionals: true, options: { interval: { type: 'string' }, idle: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }),
  );
  if (values.help === true) {
    console.log(MCP_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('mcp needs at least one FILE or DIR to read traces from');
  const idle = integerOption(values.idle, 'idle');
  const source = new FileTraceSource(positionals, { intervalMs: integerOption(values.interval, 'interval') ?? 200, idleMs: idle === undefined ? undefined : idle * 1000 });
  const server = createTraceMcpServer(source, version());
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  await closed;
  source.close();
  await server.close();
  return 0;
}
