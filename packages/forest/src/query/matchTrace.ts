import { environmentOf, serviceVersionOf, type NormalizedRecord } from '@aitrace/format';
import type { TraceQuery, TraceSummary } from './TraceQuery.js';
import type { StoredTrace } from './traceTally.js';

/** An attribute value as an attribute filter compares it: strings as they are, everything else as JSON text. */
export function attrText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

/** Lower case for ASCII letters only, as SQL's `lower()` without ICU: text search ignores ASCII case, nothing more. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function hasAttr(attrs: Record<string, unknown>, key: string, value: string): boolean {
  return Object.prototype.hasOwnProperty.call(attrs, key) && attrText(attrs[key]) === value;
}

/** Whether an attribute value, at any depth, has a key or a scalar whose text contains the (lower-cased) needle. */
function valueMentions(value: unknown, needle: string): boolean {
  if (Array.isArray(value)) return value.some((item) => valueMentions(item, needle));
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) if (asciiLower(key).includes(needle) || valueMentions(item, needle)) return true;
    return false;
  }
  return asciiLower(attrText(value)).includes(needle);
}

function resourceField(record: NormalizedRecord, field: 'service' | 'serviceVersion' | 'environment'): string | undefined {
  if (field === 'service') return record.service;
  return field === 'serviceVersion' ? serviceVersionOf(record.resource) : environmentOf(record.resource);
}

/**
 * The reference trace-query matcher: whether a trace (its records as stored, see `storedTrace`) matches every
 * filter of the query. Service, version and environment: of some span, event or log. Name: of some span, exact.
 * Status: `error` some span failed, `running` some span has not ended, `ok` neither. Attributes: some span, event
 * or log has the key with this text (`attrText`). Model and conversation: one of the summary's. `q`: text, ASCII
 * case ignored, in the trace id, a span's name or status message, an event's or log's name, or any key or scalar
 * of their attributes at any depth. Times: the trace's start. The SQL stores follow these rules (property-tested),
 * for text that is valid Unicode: half a surrogate pair cannot be stored in SQL, so searching for one finds nothing there.
 */
export function traceMatches(trace: StoredTrace, query: TraceQuery): boolean {
  const { summary, spans, records } = trace;
  if (query.fromUs !== undefined && summary.startUs < query.fromUs) return false;
  if (query.toUs !== undefined && summary.startUs > query.toUs) return false;
  if (query.status === 'error' && summary.errorCount === 0) return false;
  if (query.status === 'running' && summary.runningCount === 0) return false;
  if (query.status === 'ok' && (summary.errorCount > 0 || summary.runningCount > 0)) return false;
  for (const field of ['service', 'serviceVersion', 'environment'] as const) {
    const wanted = query[field];
    if (wanted === undefined) continue;
    if (!spans.some((span) => resourceField(span, field) === wanted) && !records.some((record) => resourceField(record, field) === wanted)) return false;
  }
  if (query.name !== undefined && !spans.some((span) => span.name === query.name)) return false;
  if (query.model !== undefined && !summary.models.includes(query.model)) return false;
  if (query.conversation !== undefined && !summary.conversations.includes(query.conversation)) return false;
  for (const { key, value } of query.attrs ?? []) {
    if (!spans.some((span) => hasAttr(span.attrs, key, value)) && !records.some((record) => hasAttr(record.attrs, key, value))) return false;
  }
  if (query.q !== undefined && query.q !== '') {
    const needle = asciiLower(query.q);
    const found =
      asciiLower(trace.traceId).includes(needle) ||
      spans.some(
        (span) => asciiLower(span.name ?? '').includes(needle) || asciiLower(span.statusMessage ?? '').includes(needle) || valueMentions(span.attrs, needle),
      ) ||
      records.some((record) => asciiLower(record.event).includes(needle) || valueMentions(record.attrs, needle));
    if (!found) return false;
  }
  return true;
}

/** The trace-list order: newest start first, then trace id, descending (as the stores page). */
export function compareTraces(a: TraceSummary, b: TraceSummary): number {
  if (a.startUs !== b.startUs) return b.startUs - a.startUs;
  return a.traceId < b.traceId ? 1 : a.traceId > b.traceId ? -1 : 0;
}
