import type { NormalizedRecord } from '@aitrace/format';
import { mergeSpanRecords } from '@aitrace/forest';

/**
 * One record per span, as the trace server stores them: the end with its start's attributes and fields merged in,
 * or the start while the span runs. Span events and logs are kept; the order is that of each record's first
 * appearance. Halves what an HTML trace embeds and what the browser reads.
 */
export function compactSpans(records: Iterable<NormalizedRecord>): NormalizedRecord[] {
  const out: NormalizedRecord[] = [];
  const spanAt = new Map<string, number>();
  for (const record of records) {
    const isSpan = (record.type === 'span_start' || record.type === 'span_end') && record.traceId !== undefined && record.spanId !== undefined;
    if (!isSpan) {
      out.push(record);
      continue;
    }
    const key = `${record.traceId} ${record.spanId}`;
    const at = spanAt.get(key);
    if (at === undefined) {
      spanAt.set(key, out.length);
      out.push(record);
    } else out[at] = mergeSpanRecords(out[at]!, record);
  }
  return out;
}
