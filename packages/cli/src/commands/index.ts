import { convertCommand, CONVERT_HELP } from './convert.js';
import { exportCommand, EXPORT_HELP } from './export.js';
import { htmlCommand, HTML_HELP } from './html.js';
import { mcpCommand, MCP_HELP } from './mcp.js';
import { migrateCommand, MIGRATE_HELP } from './migrate.js';
import { serveCommand, SERVE_SUMMARY } from './serve.js';
import { statsCommand, STATS_HELP } from './stats.js';
import { tailCommand, TAIL_HELP } from './tail.js';
import { treeCommand, TREE_HELP } from './tree.js';
import { validateCommand, VALIDATE_HELP } from './validate.js';

/** A subcommand: its one-line summary, help text and implementation (returns the exit code). */
export interface Command {
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

/** Every subcommand by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  tree: { summary: 'print the span trees of a trace file', help: TREE_HELP, run: treeCommand },
  tail: { summary: 'follow a growing trace file (-f) and show spans as they start and end', help: TAIL_HELP, run: tailCommand },
  validate: { summary: 'check every line against the record format; FILE:LINE: message', help: VALIDATE_HELP, run: validateCommand },
  migrate: { summary: 'rewrite v1 and seed records into the current format without losing a field', help: MIGRATE_HELP, run: migrateCommand },
  html: { summary: 'write a self-contained HTML file that shows a trace in the web viewer', help: HTML_HELP, run: htmlCommand },
  stats: { summary: 'count, errors and p50/p95/max duration per span name; slowest traces', help: STATS_HELP, run: statsCommand },
  export: { summary: 'send a trace file to any OTLP endpoint (Collector, Jaeger, Tempo...) over HTTP or gRPC', help: EXPORT_HELP, run: exportCommand },
  convert: { summary: 'convert a trace file to OTLP JSON lines (as the Collector writes them) or to aitrace records', help: CONVERT_HELP, run: convertCommand },
  mcp: { summary: 'an MCP server on stdio: coding agents search traces, spans, errors, stats and running spans', help: MCP_HELP, run: mcpCommand },
  serve: { summary: SERVE_SUMMARY, help: 'Run "aitrace serve --help" for its options.', run: serveCommand },
};
