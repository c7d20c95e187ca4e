import { OtlpDecodeError } from './OtlpDecodeError.js';

/** Where a request holds trace and span ids: field names down to each id, and the id's length in bytes. */
export interface IdFields {
  readonly [field: string]: IdFields | 8 | 16;
}

const SPAN_IDS = { traceId: 16, spanId: 8 } as const;
const EXEMPLARS: IdFields = { dataPoints: { exemplars: SPAN_IDS } };

/** The id fields of an ExportTraceServiceRequest. */
export const TRACE_REQUEST_IDS: IdFields = { resourceSpans: { scopeSpans: { spans: { ...SPAN_IDS, parentSpanId: 8, links: SPAN_IDS } } } };
/** The id fields of an ExportLogsServiceRequest. */
export const LOGS_REQUEST_IDS: IdFields = { resourceLogs: { scopeLogs: { logRecords: SPAN_IDS } } };
/** The id fields of an ExportMetricsServiceRequest (exemplars of every kind of data point). */
export const METRICS_REQUEST_IDS: IdFields = {
  resourceMetrics: {
    scopeMetrics: { metrics: { gauge: EXEMPLARS, sum: EXEMPLARS, histogram: EXEMPLARS, exponentialHistogram: EXEMPLARS, summary: EXEMPLARS } },
  },
};

/** Converts one id; `path` names its field for errors. Returns undefined to leave the field out. */
export type IdConverter = (value: unknown, bytes: 8 | 16, path: string) => unknown;

/**
 * Converts every id that `fields` locates with `convert`. With `copy` (encoding a caller's object) only the objects
 * on the way to an id are copied and the input is never changed; without it (an object just decoded, owned by no
 * one else) the ids are converted in place, sparing the copies.
 */
export function mapIds(value: unknown, fields: IdFields, convert: IdConverter, copy: boolean, path = ''): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = copy ? value.slice() : value;
    for (let i = 0; i < items.length; i++) items[i] = mapIds(items[i], fields, convert, copy, `${path}[${i}]`);
    return items;
  }
  const out = copy ? { ...(value as Record<string, unknown>) } : (value as Record<string, unknown>);
  for (const field in fields) {
    if (!Object.hasOwn(out, field) || out[field] === undefined) continue;
    const inner = fields[field]!;
    const fieldPath = path === '' ? field : `${path}.${field}`;
    if (typeof inner === 'number') {
      const converted = convert(out[field], inner, fieldPath);
      if (converted === undefined) delete out[field];
      else out[field] = converted;
    } else {
      out[field] = mapIds(out[field], inner, convert, copy, fieldPath);
    }
  }
  return out;
}

/** Decoding: base64 bytes (as protobufjs gives them) to hex; empty means absent; a wrong length is refused. */
export const idFromBase64: IdConverter = (value, bytes, path) => {
  const decoded = Buffer.from(value as string, 'base64');
  if (decoded.length === 0) return undefined;
  if (decoded.length !== bytes)
    throw new OtlpDecodeError(`${path} is ${decoded.length} bytes long; ${bytes === 16 ? 'a trace id' : 'a span id'} is ${bytes} bytes`);
  return decoded.toString('hex');
};

/** Ids remembered per request: beyond this many, the rest are converted each time. */
const REMEMBERED_IDS = 4096;

/**
 * `idFromBase64` for one request: the spans of a request share a few trace ids and parent span ids, so each id
 * converted is remembered (a lookup costs far less than decoding base64 and writing hex again).
 */
export function idsFromBase64(): IdConverter {
  const hexOf = new Map<string, string>();
  return (value, bytes, path) => {
    const known = hexOf.get(value as string);
    if (known !== undefined && known.length === bytes * 2) return known;
    const hex = idFromBase64(value, bytes, path);
    if (typeof hex === 'string' && hexOf.size < REMEMBERED_IDS) hexOf.set(value as string, hex);
    return hex;
  };
}

const HEX = /^[0-9a-fA-F]*$/;

/** Encoding: hex (OTLP/JSON) or bytes to bytes; an empty string means absent; anything else is refused. */
export const idToBytes: IdConverter = (value, bytes, path) => {
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string' || (value !== '' && (value.length !== bytes * 2 || !HEX.test(value)))) {
    throw new TypeError(`${path} must be ${bytes * 2} hex digits, got ${JSON.stringify(value)}`);
  }
  return value === '' ? undefined : Buffer.from(value, 'hex');
};
