import { buildSpanForest, readJsonl } from '@aitrace/forest';
import { jsonl, spanLines, TRACE_ID } from '@aitrace/testing';
import { describe, expect, it } from 'vitest';
import { viewOf } from './entryView.js';
import { fileEntry } from './traceEntries.js';
import { TraceFile } from './TraceFile.js';

describe('viewOf', () => {
  it('shows a span with its duration as the CLI and the viewer print it, and its status', () => {
    const records = readJsonl(jsonl(spanLines({ span: '00f067aa0ba902b7', name: 'crawl', startMs: 0, endMs: 125_000 }))).records.map(({ record }) => record);
    const span = buildSpanForest(records).traces[0]!.roots[0]!;
    // A file that is never read: the span's view needs only the span.
    const file = new TraceFile('never-read.jsonl');
    const view = viewOf({ kind: 'span', id: 'span', file, traceId: TRACE_ID, span, parent: fileEntry(file) });
    expect(view.description).toBe('2m 05s · ok');
    expect(view.ariaLabel).toBe('span crawl, 2m 05s · ok');
  });

  it('shows a span that ended with no status set as unset, not ok', () => {
    const records = readJsonl(jsonl(spanLines({ span: '00f067aa0ba902b7', name: 'crawl', startMs: 0, endMs: 4, status: 'unset' }))).records.map(
      ({ record }) => record,
    );
    const span = buildSpanForest(records).traces[0]!.roots[0]!;
    const file = new TraceFile('never-read.jsonl');
    expect(viewOf({ kind: 'span', id: 'span', file, traceId: TRACE_ID, span, parent: fileEntry(file) }).description).toBe('4.00ms · unset');
  });
});
