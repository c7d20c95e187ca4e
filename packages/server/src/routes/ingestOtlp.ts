import type { IncomingMessage, ServerResponse } from 'node:http';
import { OtlpFormatError, otlpLogsRequestToRecords, otlpTraceRequestToRecords, type OtlpConversion } from '@aitrace/format';
import { HttpError } from '../http/HttpError.js';
import { readBody } from '../http/readBody.js';
import { sendJson } from '../http/respond.js';
import type { ServerContext } from '../ServerContext.js';
import { decodeUtf8 } from './ingestJsonl.js';

/** The two OTLP/HTTP signals this server receives. */
export type OtlpSignal = 'traces' | 'logs';

/**
 * `POST /v1/traces` and `POST /v1/logs`: OTLP/HTTP with the JSON encoding. Answers `{}` when every item was
 * stored, `{ partialSuccess }` when some were rejected (the others are stored), per the OTLP specification.
 */
export async function ingestOtlp(signal: OtlpSignal, request: IncomingMessage, response: ServerResponse, context: ServerContext): Promise<void> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf') {
    throw new HttpError(415, 'this server receives OTLP/HTTP as JSON only; set OTEL_EXPORTER_OTLP_PROTOCOL=http/json (or use the JSON exporter)');
  }
  if (type !== 'application/json') throw new HttpError(415, `Content-Type must be application/json for OTLP/HTTP JSON, got ${JSON.stringify(type)}`);
  const text = decodeUtf8(await readBody(request, context.maxBodyBytes));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
  let conversion: OtlpConversion;
  try {
    conversion = signal === 'traces' ? otlpTraceRequestToRecords(body) : otlpLogsRequestToRecords(body);
  } catch (error) {
    if (error instanceof OtlpFormatError) throw new HttpError(400, error.message);
    throw error;
  }
  if (conversion.records.length > 0) await context.ingest(conversion.records);
  if (conversion.rejected === 0) {
    sendJson(response, 200, {});
    return;
  }
  const errorMessage = `${conversion.rejected} rejected: ${conversion.errors.join('; ')}`;
  const partialSuccess = signal === 'traces' ? { rejectedSpans: conversion.rejected, errorMessage } : { rejectedLogRecords: conversion.rejected, errorMessage };
  sendJson(response, 200, { partialSuccess });
}
