import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OtlpRequestBuilder } from '@aitrace/format';
import { readJsonl } from '@aitrace/forest';
import { endLine, jsonl, startLine, type TestSpan } from '@aitrace/testing';
import { TraceFile } from './TraceFile.js';

const ROOT: TestSpan = { span: '00f067aa0ba902b7', name: 'handle', startMs: 0 };
const CHILD: TestSpan = { span: '1111111111111111', name: 'query', parent: ROOT.span, startMs: 2 };

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aitrace-tracefile-'));
  path = join(dir, 'trace.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function states(file: TraceFile): string[] {
  const names: string[] = [];
  const visit = (nodes: ReturnType<TraceFile['forest']>['traces'][number]['roots']): void => {
    for (const node of nodes) {
      names.push(`${node.name}:${node.state}`);
      visit(node.children);
    }
  };
  for (const trace of file.forest().traces) visit(trace.roots);
  return names;
}

describe('TraceFile', () => {
  it('reads only what was appended, holding back a half-written line until it is complete', async () => {
    writeFileSync(path, jsonl(startLine(ROOT), startLine(CHILD)));
    const file = new TraceFile(path);
    expect((await file.refresh()).changed).toBe(true);
    expect(file.kind).toBe('trace');
    expect(states(file)).toEqual(['handle:running', 'query:running']);

    const end = jsonl(endLine({ ...CHILD, endMs: 5 }));
    appendFileSync(path, end.slice(0, 40));
    expect((await file.refresh()).changed).toBe(false);
    expect(states(file)).toEqual(['handle:running', 'query:running']);
    appendFileSync(path, end.slice(40));
    expect((await file.refresh()).changed).toBe(true);
    expect(states(file)).toEqual(['handle:running', 'query:ok']);
    expect(file.recordCount).toBe(3);
    expect(file.problems).toEqual([]);
  });

  it('does not read earlier bytes again (an in-place change before the offset stays unseen)', async () => {
    writeFileSync(path, jsonl(startLine(ROOT)));
    const file = new TraceFile(path);
    await file.refresh();
    const before = file.bytesRead;
    // Same length, different content: a full re-parse would now report line 1 as bad.
    writeFileSync(path, 'x'.repeat(before - 1) + '\n');
    appendFileSync(path, jsonl(endLine({ ...ROOT, endMs: 9 })));
    await file.refresh();
    expect(file.problems).toEqual([]);
    expect(states(file)).toEqual(['handle:ok']);
    expect(file.bytesRead).toBeGreaterThan(before);
  });

  it('starts over when the file is truncated or replaced by rotation', async () => {
    writeFileSync(path, jsonl(startLine(ROOT), endLine({ ...ROOT, endMs: 9 })));
    const file = new TraceFile(path);
    await file.refresh();
    expect(states(file)).toEqual(['handle:ok']);

    writeFileSync(path, jsonl(startLine(CHILD)));
    const truncated = await file.refresh();
    expect(truncated.reset).toBe('truncated');
    expect(states(file)).toEqual(['query:running']);

    renameSync(path, join(dir, 'trace.1.jsonl'));
    writeFileSync(path, jsonl(startLine({ ...ROOT, name: 'next' }), startLine({ ...ROOT, span: '2222222222222222', name: 'later' })));
    const rotated = await file.refresh();
    expect(rotated.reset).toBe('rotated');
    expect(states(file)).toEqual(['next:running', 'later:running']);
  });

  it('reports bad lines with their line numbers, field by field as `aitrace validate` does', async () => {
    const badId = jsonl(startLine(CHILD)).replace(CHILD.span, 'XYZ');
    writeFileSync(path, `${jsonl(startLine(ROOT))}{"broken": \n${badId}`);
    const file = new TraceFile(path);
    await file.refresh();
    // The readers are lenient: line 3 is still read as a record (not skipped), line 2 cannot be.
    expect(file.problems.map((p) => [p.line, p.field, p.skipped])).toEqual([
      [2, undefined, true],
      [3, '__tracer_meta__.span_id', false],
    ]);
    expect(file.problems[0]?.message).toMatch(/^invalid JSON/);
    expect(file.problems[1]?.message).toContain('16 lower-case hex digits');
  });

  it('ignores JSONL that is not aitrace records, without diagnostics', async () => {
    writeFileSync(path, Array.from({ length: 30 }, (_, i) => `{"row": ${i}}`).join('\n') + '\n');
    const file = new TraceFile(path);
    await file.refresh();
    expect(file.kind).toBe('other');
    expect(file.problems).toEqual([]);
    expect(file.forest().traces).toEqual([]);
  });

  it('marks unfinished spans cut off once told the writers are gone', async () => {
    writeFileSync(path, jsonl(startLine(ROOT), startLine(CHILD)));
    const file = new TraceFile(path);
    await file.refresh();
    expect(file.setEnded(true)).toBe(true);
    expect(states(file)).toEqual(['handle:cut_off', 'query:cut_off']);
    expect(file.setEnded(true)).toBe(false);
  });

  it('knows the writer pids of spans appended later, and only those of the new file after a rotation', async () => {
    const OTHER: TestSpan = { span: '2222222222222222', name: 'worker', startMs: 4, pid: 5151 };
    writeFileSync(path, jsonl(startLine({ ...ROOT, pid: 4242 })));
    const file = new TraceFile(path);
    await file.refresh();
    expect(file.writerPids).toEqual([4242]);
    appendFileSync(path, jsonl(startLine({ ...OTHER, trace: '0af7651916cd43dd8448eb211c80319c' })));
    await file.refresh();
    expect([...file.writerPids].sort()).toEqual([4242, 5151]);
    renameSync(path, `${path}.1`);
    writeFileSync(path, jsonl(startLine(OTHER)));
    await file.refresh();
    expect(file.writerPids).toEqual([5151]);
  });

  it('reports a missing file and reads it again when it comes back', async () => {
    const file = new TraceFile(path);
    expect((await file.refresh()).missing).toBe(true);
    writeFileSync(path, jsonl(startLine(ROOT)));
    await file.refresh();
    expect(states(file)).toEqual(['handle:running']);
    rmSync(path);
    const gone = await file.refresh();
    expect(gone).toMatchObject({ missing: true, changed: true });
    expect(file.forest().traces).toEqual([]);
  });

  it('reads OTLP JSON lines (the Collector file exporter format) mixed with aitrace records', async () => {
    const builder = new OtlpRequestBuilder();
    const requests = [
      ...readJsonl(jsonl(startLine(CHILD), endLine({ ...CHILD, endMs: 10, status: 'error', statusMessage: 'boom' }))).records.flatMap(({ record }) =>
        builder.push(record),
      ),
      ...builder.end(),
    ];
    writeFileSync(path, `${requests.map((request) => JSON.stringify(request.body)).join('\n')}\n${jsonl(startLine(ROOT))}`);
    const file = new TraceFile(path);
    await file.refresh();
    expect(file.kind).toBe('trace');
    expect(states(file)).toEqual(['handle:running', 'query:error']);
    expect(file.problems).toEqual([]);
  });
});
