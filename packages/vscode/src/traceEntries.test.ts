import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewOf } from './entryView.js';
import { NO_FILTER, parseFilter } from './spanFilter.js';
import { endLine, jsonl, eventLine, logLine, startLine, type TestSpan } from '@aitrace/testing';
import { childrenOf, currentEntry, fileEntry, type TraceEntry } from './traceEntries.js';
import { TraceFile } from './TraceFile.js';

const OTHER_TRACE = '39e3367da4ccffb51a5b42340ad32eac';
const ROOT: TestSpan = { span: '00f067aa0ba902b7', name: 'GET /users', startMs: 0, attrs: { 'http.route': '/users' }, file: 'src/server.ts', line: 10 };
const QUERY: TestSpan = { span: '1111111111111111', name: 'db.query', parent: ROOT.span, startMs: 2, attrs: { 'db.system': 'sqlite' } };
const RENDER: TestSpan = { span: '2222222222222222', name: 'render', parent: ROOT.span, startMs: 8 };
const JOB: TestSpan = { span: '3333333333333333', name: 'nightly job', startMs: 100, trace: OTHER_TRACE };

let dir: string;
let file: TraceFile;

/** The tree as the view would render it, expanded: one "label — description" line per row, indented. */
function render(entries: TraceEntry[], filter = NO_FILTER, depth = 0): string[] {
  return entries.flatMap((entry) => {
    const view = viewOf(entry);
    return [`${'  '.repeat(depth)}${view.label} — ${view.description} [${view.icon}]`, ...render(childrenOf(entry, filter), filter, depth + 1)];
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aitrace-entries-'));
  const path = join(dir, 'app.jsonl');
  writeFileSync(
    path,
    jsonl(
      startLine(ROOT),
      startLine(QUERY),
      logLine('rows fetched', 3, { in: QUERY, attrs: { message: '12 rows' } }),
      endLine({ ...QUERY, endMs: 6 }),
      startLine(RENDER),
      eventLine(RENDER, 'exception', 9, { 'exception.message': 'template missing' }),
      endLine({ ...RENDER, endMs: 10, status: 'error', statusMessage: 'template missing' }),
      startLine(JOB),
      logLine('disk almost full', 101, { in: JOB, level: 'warn' }),
    ),
  );
  file = new TraceFile(path);
  await file.refresh();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the tree of a trace file', () => {
  it('groups file → trace → span tree, with events and logs under their span in time order', () => {
    expect(render([fileEntry(file)])).toEqual([
      'app.jsonl — 2 traces · 1 error [file]',
      '  GET /users — 3 spans · 1 error · 1 running [error]',
      '    GET /users — running [running]',
      '      db.query — 4.00ms · ok [ok]',
      '        rows fetched — info · 12 rows [log]',
      '      render — 2.00ms · error: template missing [error]',
      '        exception — event [error]',
      '  nightly job — 1 span · 1 running [running]',
      '    nightly job — running [running]',
      '      disk almost full — warn [log_warn]',
    ]);
  });

  it('gives each row an id that survives a refresh, so expanded rows stay expanded', () => {
    const ids = (entries: TraceEntry[]): string[] => entries.flatMap((entry) => [entry.id, ...ids(childrenOf(entry, NO_FILTER))]);
    const first = ids([fileEntry(file)]);
    expect(new Set(first).size).toBe(first.length);
    expect(ids([fileEntry(file)])).toEqual(first);
  });

  it('offers go to source only for rows with a recorded source location', () => {
    const [trace] = childrenOf(fileEntry(file), NO_FILTER);
    const [root] = childrenOf(trace!, NO_FILTER);
    expect(viewOf(root!).contextValue).toBe('span source');
    const [query] = childrenOf(root!, NO_FILTER);
    expect(viewOf(query!).contextValue).toBe('span');
    expect(viewOf(root!).tooltip).toContain('source: src/server.ts:10');
  });

  it('keeps matching spans with their ancestors when filtered, and hides traces without a match', () => {
    expect(render([fileEntry(file)], parseFilter('', true))).toEqual([
      'app.jsonl — 2 traces · 1 error [file]',
      '  GET /users — 3 spans · 1 error · 1 running [error]',
      '    GET /users — running [running]',
      '      render — 2.00ms · error: template missing [error]',
      '        exception — event [error]',
    ]);
    expect(render([fileEntry(file)], parseFilter('db.system=sqlite'))).toEqual([
      'app.jsonl — 2 traces · 1 error [file]',
      '  GET /users — 3 spans · 1 error · 1 running [error]',
      '    GET /users — running [running]',
      '      db.query — 4.00ms · ok [ok]',
      '        rows fetched — info · 12 rows [log]',
    ]);
    expect(render([fileEntry(file)], parseFilter('NIGHTLY status:running')).slice(1)).toEqual([
      '  nightly job — 1 span · 1 running [running]',
      '    nightly job — running [running]',
      '      disk almost full — warn [log_warn]',
    ]);
  });

  it('rebuilds an entry from the current forest, so details follow a span that has since ended', async () => {
    const [trace] = childrenOf(fileEntry(file), NO_FILTER);
    const [root] = childrenOf(trace!, NO_FILTER);
    expect(root?.kind === 'span' && root.span.state).toBe('running');
    writeFileSync(file.path, jsonl(endLine({ ...ROOT, endMs: 20 })), { flag: 'a' });
    await file.refresh();
    const updated = currentEntry(root!);
    expect(updated.kind === 'span' && updated.span.state).toBe('ok');
    expect(viewOf(updated).description).toBe('20.0ms · ok');
  });
});
