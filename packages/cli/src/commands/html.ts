import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { NormalizedRecord } from '@aitrace/format';
import type { LineProblem } from '@aitrace/forest';
import { readTraceFile } from '@aitrace/forest/node';
import type * as ViewerHtml from '@aitrace/viewer/html';
import { parseCommand } from '../args.js';
import { importOptionalPeer } from '../optionalPeer.js';
import { createProgress } from '../progress.js';
import { UsageError } from '../UsageError.js';
import { reportProblems } from './tree.js';

export const HTML_HELP = `Usage: aitrace html [options] FILE|-

Writes one self-contained HTML file showing the trace in the web viewer: span
tree and waterfall, attributes, events and logs, search and filters. The viewer
and the records are inside the file, so it opens from disk with no network.

Options:
  -o, --output FILE   where to write (default: FILE with .html for .jsonl; - for stdout;
                      reading stdin, stdout)
  --trace ID          only the trace with this id (a prefix is enough)
  --title TEXT        page title (default: the file name)
  --live              the writer is still running: spans without an end are "running", not "cut off"
  -h, --help          show this help

Bad lines are skipped and reported on stderr as FILE:LINE: message.

Exit codes: 0 written, 1 the file cannot be read or has no matching records, 2 usage error.`;

/** The default output next to the input: `trace.jsonl` → `trace.html`. */
export function defaultHtmlPath(file: string): string {
  return /\.jsonl?$/i.test(file) ? file.replace(/\.jsonl?$/i, '.html') : `${file}.html`;
}

/** `aitrace html`. */
export async function htmlCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {
    options: {
      output: { type: 'string', short: 'o' },
      trace: { type: 'string' },
      title: { type: 'string' },
      live: { type: 'boolean' },
    },
    help: HTML_HELP,
    positionals: 1,
    positionalsError: 'html needs exactly one FILE (or - for stdin)',
  });
  if (args === undefined) return 0;
  const { values, positionals } = args;
  const file = positionals[0]!;
  const output = values.output ?? (file === '-' ? '-' : defaultHtmlPath(file));
  if (output === file && file !== '-') throw new UsageError(`the output ${output} is the input file; pick another with -o`);
  const traceId = values.trace?.toLowerCase();
  const viewer: typeof ViewerHtml | undefined = await importOptionalPeer('html', '@aitrace/viewer', () => import('@aitrace/viewer/html'));
  if (viewer === undefined) return 1;
  const { renderTraceHtml } = viewer;

  const records: NormalizedRecord[] = [];
  const problems: LineProblem[] = [];
  const progress = createProgress(file, 'reading');
  for await (const batch of readTraceFile(file, { onProgress: (bytes) => progress.update(bytes) })) {
    for (const { record } of batch.records) if (traceId === undefined || record.traceId?.startsWith(traceId) === true) records.push(record);
    for (const problem of batch.problems) problems.push(problem);
  }
  progress.done();
  reportProblems(file, problems);
  if (records.length === 0) {
    process.stderr.write(
      `aitrace: ${traceId !== undefined ? `no record of ${file} belongs to a trace starting with ${traceId}` : `${file} holds no records`}; nothing written\n`,
    );
    return 1;
  }

  const html = renderTraceHtml(records, { title: values.title ?? (file === '-' ? 'stdin' : basename(file)), live: values.live === true, problems });
  if (output === '-') process.stdout.write(html);
  else await writeFile(output, html);
  const traces = new Set(records.map((record) => record.traceId).filter((id) => id !== undefined)).size;
  const spans = new Set(
    records.filter((record) => record.type === 'span_start' || record.type === 'span_end').map((record) => `${record.traceId} ${record.spanId}`),
  ).size;
  const skipped = problems.length > 0 ? `, ${problems.length} bad ${problems.length === 1 ? 'line' : 'lines'} skipped` : '';
  process.stderr.write(
    `${output === '-' ? 'wrote' : `wrote ${output}:`} ${traces} ${traces === 1 ? 'trace' : 'traces'}, ${spans} ${spans === 1 ? 'span' : 'spans'}${skipped} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB)\n`,
  );
  return 0;
}
