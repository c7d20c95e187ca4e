import { existsSync, realpathSync } from 'node:fs';
import { encodeNormalized, OtlpRequestBuilder, type NormalizedRecord, type OtlpExportRequest } from '@aitrace/format';
import type { LineProblem } from '@aitrace/forest';
import { readTraceFile } from '@aitrace/forest/node';
import { integerOption, parseCommand } from '../args.js';
import { LineOutput } from '../LineOutput.js';
import { UsageError } from '../UsageError.js';
import { reportProblems } from './tree.js';

export const CONVERT_HELP = `Usage: aitrace convert [options] FILE --to FORMAT [-o OUT]

Converts a trace file (aitrace records, OTLP JSON lines, or both mixed) into
one format. FILE may be - for stdin.

Formats:
  otlp-json   OTLP JSON Lines, as the OpenTelemetry Collector's file exporter
              writes them: one ExportTraceServiceRequest or
              ExportLogsServiceRequest per line. A span's records become one
              OTLP span; a span with a start but no end is written ended at the
              last time seen in its trace, with aitrace.span.cut_off = true.
  aitrace     aitrace records (TRACE_RECORD.md), one per line.

Options:
  --to FORMAT       otlp-json or aitrace (required)
  -o, --output OUT  write to OUT instead of stdout
  --force           overwrite OUT if it exists
  --batch-size N    otlp-json: spans or log records per line (default 512)
  -h, --help        show this help

Lines that cannot be read are reported as FILE:LINE: message and left out.

Exit codes: 0 converted, 1 some lines or records could not be converted (the
rest was), 2 usage error.`;

const FORMATS = ['otlp-json', 'aitrace'] as const;

/** `aitrace convert`. */
export async function convertCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {
    options: {
      to: { type: 'string' },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      'batch-size': { type: 'string' },
    },
    help: CONVERT_HELP,
    positionals: 1,
    positionalsError: 'convert needs exactly one FILE (or - for stdin)',
  });
  if (args === undefined) return 0;
  const { values, positionals } = args;
  const file = positionals[0]!;
  const format = values.to;
  if (format === undefined) throw new UsageError('convert needs --to otlp-json or --to aitrace');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--to must be otlp-json or aitrace, got ${JSON.stringify(format)}`);
  const batchSize = integerOption(values['batch-size'], 'batch-size') ?? 512;
  if (batchSize < 1) throw new UsageError('--batch-size must be at least 1');
  const output = values.output;
  if (output !== undefined && existsSync(output)) {
    if (file !== '-' && existsSync(file) && realpathSync(output) === realpathSync(file)) throw new UsageError('OUT must be a different file than FILE');
    if (values.force !== true) throw new UsageError(`${output} exists; pass --force to overwrite it`);
  }
  if (file !== '-' && !existsSync(file)) throw Object.assign(new Error(`${file}: no such file or directory`), { code: 'ENOENT', path: file });

  const builder = format === 'otlp-json' ? new OtlpRequestBuilder({ maxItems: batchSize }) : undefined;
  const out = new LineOutput(output);
  const problems: LineProblem[] = [];
  let records = 0;
  let lines = 0;
  const writeRequests = async (requests: OtlpExportRequest[]): Promise<void> => {
    for (const request of requests) {
      await out.write(JSON.stringify(request.body));
      lines++;
    }
  };
  const convert = async (record: NormalizedRecord): Promise<void> => {
    records++;
    if (builder !== undefined) return writeRequests(builder.push(record));
    await out.write(encodeNormalized(record));
    lines++;
  };
  try {
    for await (const batch of readTraceFile(file)) {
      problems.push(...batch.problems);
      for (const { record } of batch.records) await convert(record);
    }
    await writeRequests(builder?.end() ?? []);
    out.commit();
  } catch (error) {
    out.abort();
    throw error;
  }
  reportProblems(file, problems);
  const skipped = builder?.skipped ?? [];
  for (const { record, reason } of skipped)
    process.stderr.write(`${file}: left out ${JSON.stringify(record.event)} (span ${record.spanId ?? '?'}): ${reason}\n`);
  const cutOff = builder !== undefined && builder.cutOff > 0 ? `, ${builder.cutOff} span(s) cut off` : '';
  process.stderr.write(`${output ?? 'stdout'}: ${records} record(s) converted to ${lines} ${format} line(s)${cutOff}, ${problems.length} unreadable line(s)\n`);
  return problems.length > 0 || skipped.length > 0 ? 1 : 0;
}
