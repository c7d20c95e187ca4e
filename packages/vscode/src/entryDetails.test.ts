import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailsOf, detailsText } from './entryDetails.js';
import { NO_FILTER } from './spanFilter.js';
import { endLine, jsonl, logLine, startLine, TRACE_ID, type TestSpan } from '@aitrace/testing';
import { childrenOf, fileEntry } from './traceEntries.js';
import { TraceFile } from './TraceFile.js';

const RESOURCE = { 'service.version': '2.4.1', 'deployment.environment.name': 'staging', 'host.name': 'web-1' };
const SPAN: TestSpan = {
  span: '00f067aa0ba902b7',
  name: 'checkout',
  startMs: 0,
  file: 'src/cart.ts',
  line: 31,
  pid: 4242,
  service: 'shop',
  resource: RESOURCE,
  attrs: { 'cart.items': 3, order: { id: 'A-17', tags: ['gift'] } },
};

let dir: string;
let file: TraceFile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aitrace-details-'));
  file = new TraceFile(join(dir, 'shop.jsonl'));
  writeFileSync(
    file.path,
    `${jsonl(startLine(SPAN))}${jsonl(logLine('payment.sent', 4, { in: SPAN, attrs: { amount: 12.5 } }))}${jsonl(endLine({ ...SPAN, endMs: 7.25 }))}not json\n`,
  );
  await file.refresh();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('details of an entry', () => {
  it('shows a span with its nested attributes, resource, logs, source and the lines of its records', () => {
    const [trace] = childrenOf(fileEntry(file), NO_FILTER);
    const [span] = childrenOf(trace!, NO_FILTER);
    expect(detailsOf(span!)).toMatchObject({
      name: 'checkout',
      state: 'ok',
      duration_ms: 7.25,
      trace_id: TRACE_ID,
      span_id: SPAN.span,
      pid: 4242,
      service: 'shop',
      resource: RESOURCE,
      source: 'src/cart.ts:31',
      record_lines: { start: 1, end: 3 },
      attributes: { 'cart.items': 3, order: { id: 'A-17', tags: ['gift'] } },
      logs: [{ event: 'payment.sent', level: 'info', attributes: { amount: 12.5 } }],
    });
    // Pretty JSON, two-space indented, as shown and copied.
    expect(detailsText(span!)).toContain('\n  "attributes": {\n    "cart.items": 3,\n    "order": {\n      "id": "A-17",');
  });

  it('shows a file with its bad lines', () => {
    expect(detailsOf(fileEntry(file))).toMatchObject({ records: 3, traces: 1, bad_lines: [{ line: 4 }] });
  });
});
