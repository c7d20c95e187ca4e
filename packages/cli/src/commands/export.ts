import { OtlpRequestBuilder, type OtlpExportRequest } from '@aitrace/format';
import type { LineProblem } from '@aitrace/forest';
import { readTraceFile } from '@aitrace/forest/node';
import { integerOption, parseCommand } from '../args.js';
import { createOtlpTransport } from '../otlp/createOtlpTransport.js';
import { resolveOtlpTarget } from '../otlp/otlpTarget.js';
import { sendWithRetry, type FinalAnswer } from '../otlp/sendWithRetry.js';
import { createProgress } from '../progress.js';
import { UsageError } from '../UsageError.js';
import { reportProblems } from './tree.js';

export const EXPORT_HELP = `Usage: aitrace export [options] FILE

Sends a trace file (aitrace records, OTLP JSON lines as the Collector's file
exporter writes them, or both mixed) to an OTLP endpoint: a Collector, Jaeger,
Tempo, or any OpenTelemetry backend. FILE may be - for stdin.

Options:
  --otlp URL        base endpoint, as in OTEL_EXPORTER_OTLP_ENDPOINT; for HTTP
                    /v1/traces and /v1/logs are appended (default:
                    $OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318,
                    or http://localhost:4317 for grpc)
  --protocol P      http/protobuf (default), http/json or grpc
                    (default: $OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf)
  --header K=V      add a header to every request, e.g. for auth (repeatable);
                    also read from $OTEL_EXPORTER_OTLP_HEADERS (k1=v1,k2=v2)
  --compression C   gzip or none (default: $OTEL_EXPORTER_OTLP_COMPRESSION,
                    else none)
  --batch-size N    spans or log records per request (default 512); requests
                    also stay under 3 MiB
  --retries N       retries of a request that gets a retryable answer (429,
                    502, 503, 504, gRPC UNAVAILABLE..., a network error), with
                    exponential backoff, honouring Retry-After (default 5)
  --timeout MS      time to wait for each answer (default 10000)
  --json            print the summary as JSON
  -h, --help        show this help

A span's start, events and end become one OTLP span. A span that has a start
but no end (still running, or cut off when its process died) is sent as what
it is: ended at the last time seen in its trace, status unset, with the
attribute aitrace.span.cut_off = true.

The summary says what was accepted, what the endpoint refused (including the
partial-success counts of accepted requests) and what could not be sent.

Exit codes: 0 everything was accepted, 1 something was refused, not sent or
unreadable, 2 usage error.`;

/** Counts of one signal's items. */
interface SignalTally {
  /** Accepted by the endpoint. */
  accepted: number;
  /** Refused: a refused request, or rejected inside an accepted one (partial success). */
  refused: number;
  /** Not delivered: retries ran out, or the export stopped. */
  notSent: number;
}

/** What happened to the requests of one export. */
class ExportTally {
  readonly traces: SignalTally = { accepted: 0, refused: 0, notSent: 0 };
  readonly logs: SignalTally = { accepted: 0, refused: 0, notSent: 0 };
  /** Requests the endpoint accepted (fully or in part). */
  requests = 0;
  readonly errors: string[] = [];

  add(request: OtlpExportRequest, answer: FinalAnswer | undefined): void {
    const tally = this[request.signal];
    const noun = request.signal === 'traces' ? 'spans' : 'log records';
    if (answer === undefined) {
      tally.notSent += request.items;
      return;
    }
    if (answer.kind === 'accepted') {
      this.requests++;
      tally.accepted += request.items - Math.min(request.items, answer.rejected);
      tally.refused += Math.min(request.items, answer.rejected);
      if (answer.rejected > 0 || answer.message !== undefined)
        this.note(`partial success: ${answer.rejected} ${noun} rejected${answer.message !== undefined ? `: ${answer.message}` : ''}`);
    } else if (answer.kind === 'refused') {
      tally.refused += request.items;
      this.note(`${request.items} ${noun} refused: ${answer.message}`);
    } else {
      tally.notSent += request.items;
      this.note(`${request.items} ${noun} not sent, gave up after ${answer.attempts} attempts: ${answer.message}`);
    }
  }

  private note(message: string): void {
    if (this.errors.length < 20) this.errors.push(message);
  }

  get clean(): boolean {
    return this.traces.refused + this.traces.notSent + this.logs.refused + this.logs.notSent === 0;
  }

  progressText(): string {
    return `${this.traces.accepted} spans, ${this.logs.accepted} log records sent`;
  }
}

/** `aitrace export`. */
export async function exportCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {
    options: {
      otlp: { type: 'string' },
      protocol: { type: 'string' },
      header: { type: 'string', multiple: true },
      compression: { type: 'string' },
      'batch-size': { type: 'string' },
      retries: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
    help: EXPORT_HELP,
    positionals: 1,
    positionalsError: 'export needs exactly one FILE (or - for stdin)',
  });
  if (args === undefined) return 0;
  const { values, positionals } = args;
  const file = positionals[0]!;
  const target = resolveOtlpTarget(values);
  const batchSize = integerOption(values['batch-size'], 'batch-size') ?? 512;
  if (batchSize < 1) throw new UsageError('--batch-size must be at least 1');
  const retries = integerOption(values.retries, 'retries') ?? 5;
  const timeoutMs = integerOption(values.timeout, 'timeout') ?? 10_000;
  if (timeoutMs < 1) throw new UsageError('--timeout must be at least 1 ms');

  const transport = await createOtlpTransport(target, timeoutMs);
  const builder = new OtlpRequestBuilder({ maxItems: batchSize });
  const tally = new ExportTally();
  const problems: LineProblem[] = [];
  const progress = createProgress(file, 'exporting', 0);
  let bytesRead = 0;
  let stopped: string | undefined;
  const onRetry = (attempt: number, delayMs: number, message: string): void => {
    process.stderr.write(`${progress.active ? '\r\x1b[K' : ''}aitrace: ${message}; retry ${attempt} of ${retries} in ${(delayMs / 1000).toFixed(1)} s\n`);
  };
  const send = async (requests: OtlpExportRequest[]): Promise<void> => {
    for (const request of requests) {
      const answer = stopped === undefined ? await sendWithRetry(transport, request, { retries, onRetry }) : undefined;
      tally.add(request, answer);
      if (answer?.kind === 'refused' && answer.fatal) stopped = answer.message;
      progress.update(bytesRead, tally.progressText());
    }
  };
  try {
    for await (const batch of readTraceFile(file, { onProgress: (bytes) => (bytesRead = bytes) })) {
      problems.push(...batch.problems);
      for (const { record } of batch.records) await send(builder.push(record));
      if (stopped !== undefined) break;
    }
    if (stopped === undefined) await send(builder.end());
  } finally {
    progress.done();
    await transport.close();
  }
  reportProblems(file, problems);

  const skipped = new Map<string, number>();
  for (const { reason } of builder.skipped) skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  const summary = {
    file,
    endpoint: target.endpoint.href,
    protocol: target.protocol,
    acceptedRequests: tally.requests,
    spans: { ...tally.traces, cutOff: builder.cutOff },
    logRecords: tally.logs,
    notSendable: Object.fromEntries(skipped),
    unreadableLines: problems.length,
    errors: tally.errors,
    ...(stopped !== undefined ? { stopped } : {}),
  };
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else {
    const cutOff = builder.cutOff > 0 ? ` (${builder.cutOff} cut off)` : '';
    console.log(
      `${file} -> ${target.endpoint.href} (${target.protocol}): ${tally.traces.accepted} spans${cutOff} and ${tally.logs.accepted} log records accepted in ${tally.requests} request(s)`,
    );
    const refused = tally.traces.refused + tally.logs.refused;
    const notSent = tally.traces.notSent + tally.logs.notSent;
    if (refused > 0) console.log(`  refused: ${tally.traces.refused} spans, ${tally.logs.refused} log records`);
    if (notSent > 0) console.log(`  not sent: ${tally.traces.notSent} spans, ${tally.logs.notSent} log records`);
    for (const [reason, count] of skipped) console.log(`  not sendable: ${count} record(s): ${reason}`);
    for (const error of tally.errors) process.stderr.write(`aitrace: ${error}\n`);
    if (stopped !== undefined)
      process.stderr.write(`aitrace: stopped, every further request would be refused too (${stopped}); the rest of ${file} was not sent\n`);
  }
  return tally.clean && problems.length === 0 && skipped.size === 0 && stopped === undefined ? 0 : 1;
}
