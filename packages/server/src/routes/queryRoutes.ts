import type { ServerResponse } from 'node:http';
import { encodeNormalized } from '@aitrace/format';
import { HttpError } from '../http/HttpError.js';
import { parseStatsQuery, parseTraceQuery } from '../http/parseTraceQuery.js';
import { sendJoined, sendJson, sendTextChunks } from '../http/respond.js';
import type { ServerContext } from '../ServerContext.js';

/** `GET /api/traces`: one page of trace summaries, newest first: `{ traces, nextCursor }`. */
export async function listTraces(url: URL, response: ServerResponse, context: ServerContext): Promise<void> {
  sendJson(response, 200, await context.store.listTraces(parseTraceQuery(url.searchParams)));
}

/**
 * `GET /api/traces/{traceId}`: `{ traceId, summary, records }` with the trace's normalized records by time;
 * with `?format=records` the same records as NDJSON, one per line, spans at their start (a parent before its
 * children, for a reader that draws while it reads); with `?format=jsonl` the records as a JSONL trace file.
 */
export async function getTrace(traceId: string, url: URL, response: ServerResponse, context: ServerContext): Promise<void> {
  const format = url.searchParams.get('format') ?? 'json';
  if (format !== 'json' && format !== 'records' && format !== 'jsonl')
    throw new HttpError(400, `format must be json, records or jsonl, got ${JSON.stringify(format)}`);
  const id = traceId.toLowerCase();
  const summary = await context.store.getTraceSummary(id);
  if (format === 'records') {
    // Chunks as the store reads them: the first spans go out before the rest of a huge trace is read.
    const chunks = context.store.traceRecordsJsonChunks(id, 'start')[Symbol.asyncIterator]();
    const first = await chunks.next();
    if (summary === undefined && (first.done === true || first.value.length === 0)) {
      await chunks.return?.();
      throw new HttpError(404, `no trace with id ${JSON.stringify(traceId)} is stored`);
    }
    await sendTextChunks(response, 200, 'application/x-ndjson; charset=utf-8', ndjsonLines(first, chunks));
    return;
  }
  if (format === 'json') {
    const records = await context.store.getTraceRecordsJson(id);
    if (summary === undefined && records.length === 0) throw new HttpError(404, `no trace with id ${JSON.stringify(traceId)} is stored`);
    const head = `{"traceId":${JSON.stringify(id)},"summary":${JSON.stringify(summary ?? null)},"records":[`;
    await sendJoined(response, 200, 'application/json; charset=utf-8', { head, items: records, separator: ',', tail: ']}' });
    return;
  }
  const records = await context.store.getTraceRecords(id);
  if (summary === undefined && records.length === 0) throw new HttpError(404, `no trace with id ${JSON.stringify(traceId)} is stored`);
  // Encoded and written a thousand records at a time: a huge trace is never one string.
  async function* lines(): AsyncGenerator<string> {
    for (let i = 0; i < records.length; i += 1000)
      yield records
        .slice(i, i + 1000)
        .map((record) => `${encodeNormalized(record)}\n`)
        .join('');
  }
  await sendTextChunks(response, 200, 'application/x-ndjson; charset=utf-8', lines(), {
    'Content-Disposition': `attachment; filename="trace-${id.replace(/[^0-9a-z]/g, '')}.jsonl"`,
  });
}

/** The lines of chunks of JSON texts, the first chunk already read; stopping the lines stops the chunks. */
async function* ndjsonLines(first: IteratorResult<string[]>, rest: AsyncIterator<string[]>): AsyncGenerator<string> {
  try {
    if (first.done === true) return;
    if (first.value.length > 0) yield `${first.value.join('\n')}\n`;
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) if (next.value.length > 0) yield `${next.value.join('\n')}\n`;
  } finally {
    await rest.return?.();
  }
}

/** `GET /api/stats`: `{ spans: SpanStats[] }`, per span name. */
export async function getStats(url: URL, response: ServerResponse, context: ServerContext): Promise<void> {
  sendJson(response, 200, { spans: await context.store.spanStats(parseStatsQuery(url.searchParams)) });
}
