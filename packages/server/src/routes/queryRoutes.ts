import type { ServerResponse } from 'node:http';
import { encodeNormalized } from '@aitrace/format';
import { HttpError } from '../http/HttpError.js';
import { parseStatsQuery, parseTraceQuery } from '../http/parseTraceQuery.js';
import { BASE_HEADERS, sendJoined, sendJson } from '../http/respond.js';
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
  if (format === 'json' || format === 'records') {
    const records = await context.store.getTraceRecordsJson(id, format === 'records' ? 'start' : 'time');
    if (summary === undefined && records.length === 0) throw new HttpError(404, `no trace with id ${JSON.stringify(traceId)} is stored`);
    if (format === 'records') {
      await sendJoined(response, 200, 'application/x-ndjson; charset=utf-8', {
        head: '',
        items: records,
        separator: '\n',
        tail: records.length > 0 ? '\n' : '',
      });
      return;
    }
    const head = `{"traceId":${JSON.stringify(id)},"summary":${JSON.stringify(summary ?? null)},"records":[`;
    await sendJoined(response, 200, 'application/json; charset=utf-8', { head, items: records, separator: ',', tail: ']}' });
    return;
  }
  const records = await context.store.getTraceRecords(id);
  if (summary === undefined && records.length === 0) throw new HttpError(404, `no trace with id ${JSON.stringify(traceId)} is stored`);
  const text = records.map((record) => `${encodeNormalized(record)}\n`).join('');
  response.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': 'application/x-ndjson; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'Content-Disposition': `attachment; filename="trace-${id.replace(/[^0-9a-z]/g, '')}.jsonl"`,
  });
  response.end(text);
}

/** `GET /api/stats`: `{ spans: SpanStats[] }`, per span name. */
export async function getStats(url: URL, response: ServerResponse, context: ServerContext): Promise<void> {
  sendJson(response, 200, { spans: await context.store.spanStats(parseStatsQuery(url.searchParams)) });
}
