import type { IncomingMessage, ServerResponse } from 'node:http';
import { OtlpFormatError, otlpLogsRequestToRecords, otlpTraceRequestToRecords, type OtlpConversion } from '@aitrace/format';
import { decodeExportRequest, OtlpDecodeError, type OtlpResponseBySignal, type OtlpSignal } from '@aitrace/otlp';
import { HttpError } from '../http/HttpError.js';
import { otlpEncodingOf, sendOtlpResponse } from '../http/otlpAnswer.js';
import { readBody } from '../http/readBody.js';
import type { ServerContext } from '../ServerContext.js';
import { RETRY_AFTER_SECONDS } from '../store/StoreUnavailableError.js';
import { decodeUtf8 } from './ingestJsonl.js';

export type { OtlpSignal };

const METRIC_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Metric data points in an ExportMetricsServiceRequest (counted to be reported as not stored). */
function countDataPoints(body: unknown): number {
  const resourceMetrics = (body as { resourceMetrics?: unknown } | null)?.resourceMetrics;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || (resourceMetrics !== undefined && !Array.isArray(resourceMetrics))) {
    throw new HttpError(400, 'expected an ExportMetricsServiceRequest: a JSON object with a "resourceMetrics" array');
  }
  let points = 0;
  for (const resource of asList(resourceMetrics)) {
    for (const scope of asList((resource as { scopeMetrics?: unknown } | null)?.scopeMetrics)) {
      for (const metric of asList((scope as { metrics?: unknown } | null)?.metrics)) {
        for (const kind of METRIC_KINDS) points += asList((metric as Record<string, { dataPoints?: unknown } | undefined> | null)?.[kind]?.dataPoints).length;
      }
    }
  }
  return points;
}

/**
 * Stores one export request, decoded into the OTLP/JSON object model by any protocol (OTLP/HTTP JSON or
 * protobuf, OTLP/gRPC), and returns the export response: `{}`, or `{ partialSuccess }` with the count and reasons
 * of what was rejected (the rest is stored). Metrics are accepted and dropped with a partial success saying so.
 * Throws HttpError 400 when the body is not an export request, 503 (retryable) when the store fails.
 */
export async function receiveOtlpExport<S extends OtlpSignal>(signal: S, body: unknown, context: ServerContext): Promise<OtlpResponseBySignal[S]> {
  if (signal === 'metrics') {
    const points = countDataPoints(body);
    if (points === 0) return {};
    const errorMessage = `aitrace stores traces and logs, not metrics: ${points} metric data point${points === 1 ? ' was' : 's were'} dropped; stop sending metrics here (OTEL_METRICS_EXPORTER=none)`;
    return { partialSuccess: { rejectedDataPoints: points, errorMessage } } as OtlpResponseBySignal[S];
  }
  let conversion: OtlpConversion;
  try {
    // The store merges a span's records into one row: the start of a span that arrives ended would change nothing.
    conversion = signal === 'traces' ? otlpTraceRequestToRecords(body, { startsOfEndedSpans: false }) : otlpLogsRequestToRecords(body);
  } catch (error) {
    if (error instanceof OtlpFormatError) throw new HttpError(400, error.message);
    throw error;
  }
  if (conversion.records.length > 0) {
    try {
      await context.ingest(conversion.records);
    } catch (error) {
      context.onProblem(`storing an OTLP ${signal} request failed (the client is asked to retry): ${(error as Error).stack ?? String(error)}`);
      throw new HttpError(
        503,
        `the trace store could not save the request (${(error as Error).message}); retry later`,
        {},
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
  }
  if (conversion.rejected === 0) return {};
  const errorMessage = `${conversion.rejected} rejected: ${conversion.errors.join('; ')}`;
  const partialSuccess = signal === 'traces' ? { rejectedSpans: conversion.rejected, errorMessage } : { rejectedLogRecords: conversion.rejected, errorMessage };
  return { partialSuccess } as OtlpResponseBySignal[S];
}

/** Decodes an OTLP protobuf body; a bad one is a 400 naming what is wrong. */
export function decodeOtlpProtobuf(signal: OtlpSignal, bytes: Uint8Array): unknown {
  try {
    return decodeExportRequest(signal, bytes);
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw new HttpError(400, error.message);
    throw error;
  }
}

/**
 * `POST /v1/traces`, `/v1/logs` and `/v1/metrics`: OTLP/HTTP with the protobuf or the JSON encoding (gzip or
 * deflate accepted), answered in the encoding of the request, per the OTLP specification.
 */
export async function ingestOtlp(signal: OtlpSignal, request: IncomingMessage, response: ServerResponse, context: ServerContext): Promise<void> {
  const encoding = otlpEncodingOf(request);
  if (encoding === undefined) {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    throw new HttpError(415, `Content-Type must be application/x-protobuf or application/json for OTLP/HTTP, got ${JSON.stringify(type)}`);
  }
  const bytes = await readBody(request, context.maxBodyBytes);
  let body: unknown;
  if (encoding === 'protobuf') {
    body = decodeOtlpProtobuf(signal, bytes);
  } else {
    try {
      body = JSON.parse(decodeUtf8(bytes));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
    }
  }
  sendOtlpResponse(response, encoding, signal, await receiveOtlpExport(signal, body, context));
}
