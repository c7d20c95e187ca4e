import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NormalizedRecord } from '@aitrace/format';
import { startServer, type RunningServer, type ServerOptions, type TraceSummary } from '@aitrace/server';

/** A server on a free loopback port with a SQLite file in a temp dir, and a way to stop both. */
export interface TestServer extends RunningServer {
  dir: string;
  dbPath: string;
  problems: string[];
  /** Refused requests, as the server logs them. */
  refusals: string[];
  /** `fetch` relative to the server URL. */
  request: (path: string, init?: RequestInit) => Promise<Response>;
  stop: () => Promise<void>;
}

/** Starts a server for a test (port 0, a temp database file, no viewer unless given). */
export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-server-'));
  const dbPath = join(dir, 'traces.db');
  const problems: string[] = [];
  const refusals: string[] = [];
  const server = await startServer({
    port: 0,
    db: dbPath,
    viewerDir: null,
    onProblem: (m) => problems.push(m),
    onRefusal: (m) => refusals.push(m),
    ...options,
  });
  return {
    ...server,
    dir,
    dbPath,
    problems,
    refusals,
    request: (path, init) => fetch(new URL(path, server.url), init),
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** JSONL body from lines. */
export function jsonl(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

/** One Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/** Reads a Server-Sent Events stream with fetch (as a browser's EventSource would), event by event. */
export async function openEventStream(
  url: URL | string,
  headers: Record<string, string> = {},
): Promise<{ next: (match?: (e: SseEvent) => boolean) => Promise<SseEvent>; close: () => void; response: Response }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const queue: SseEvent[] = [];
  const next = async (match: (e: SseEvent) => boolean = () => true): Promise<SseEvent> => {
    for (;;) {
      const index = queue.findIndex(match);
      if (index !== -1) return queue.splice(index, 1)[0]!;
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) queue.push({ event, data: JSON.parse(data.join('\n')) });
      }
    }
  };
  return { next, close: () => controller.abort(), response };
}

/** The JSON body of an API answer, typed for assertions (`readJson<TracePage>(response)`). */
export async function readJson<T = ErrorAnswer>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** The body of an API error (and of an ingest answer). */
export interface ErrorAnswer {
  error: string;
  accepted?: number;
  rejected?: number;
  problems?: Array<{ line: number; message: string }>;
}

/** The body of `GET /api/traces/{traceId}`. */
export interface TraceAnswer {
  traceId: string;
  summary: TraceSummary | null;
  records: NormalizedRecord[];
}

/** The body of an OTLP answer: success, partial success or a google.rpc.Status. */
export interface OtlpAnswer {
  partialSuccess?: { rejectedSpans?: number; rejectedLogRecords?: number; errorMessage: string };
  code?: number;
  message?: string;
}
