import type { NormalizedRecord } from '@aitrace/format';
import { walkSpans, type SpanNode, type TraceTree } from '@aitrace/forest';
import { isFiltering, pruneSpans, type SpanFilter } from './spanFilter.js';
import type { TraceFile } from './TraceFile.js';

/** One node of the tree view: a trace file, a trace in it, a span, or a span event or log. */
export type TraceEntry =
  | { kind: 'file'; id: string; file: TraceFile }
  | { kind: 'trace'; id: string; file: TraceFile; trace: TraceTree; parent: TraceEntry }
  | { kind: 'span'; id: string; file: TraceFile; traceId: string; span: SpanNode; parent: TraceEntry }
  | { kind: 'record'; id: string; file: TraceFile; traceId: string | undefined; record: NormalizedRecord; parent: TraceEntry };

/** The entry for a trace file (the top level of the tree). */
export function fileEntry(file: TraceFile): TraceEntry {
  return { kind: 'file', id: `file:${file.path}`, file };
}

/** The children of an entry, by start time, with the filter applied to spans. */
export function childrenOf(entry: TraceEntry, filter: SpanFilter): TraceEntry[] {
  switch (entry.kind) {
    case 'file':
      return traceEntries(entry, filter);
    case 'trace': {
      const spans = pruneSpans(entry.trace.roots, filter).map((span) => spanEntry(entry, entry.trace.traceId, span));
      return [...spans, ...recordEntries(entry, entry.trace.traceId, entry.trace.logs)].sort(byStart);
    }
    case 'span': {
      const spans = entry.span.children.map((span) => spanEntry(entry, entry.traceId, span));
      const records = recordEntries(entry, entry.traceId, [...entry.span.events, ...entry.span.logs]);
      return [...spans, ...records].sort(byStart);
    }
    case 'record':
      return [];
  }
}

function traceEntries(parent: TraceEntry & { kind: 'file' }, filter: SpanFilter): TraceEntry[] {
  const { file } = parent;
  const entries: TraceEntry[] = [];
  for (const trace of file.forest().traces) {
    const roots = pruneSpans(trace.roots, filter);
    // A filter hides traces with no matching span; stray logs alone do not keep a trace.
    if (roots.length === 0 && isFiltering(filter)) continue;
    entries.push({ kind: 'trace', id: `${parent.id}#${trace.traceId}`, file, trace: { ...trace, roots }, parent });
  }
  return entries;
}

function spanEntry(parent: TraceEntry, traceId: string, span: SpanNode): TraceEntry {
  return { kind: 'span', id: `${parent.file.path}#${traceId}/${span.spanId}`, file: parent.file, traceId, span, parent };
}

function recordEntries(parent: TraceEntry, traceId: string | undefined, records: NormalizedRecord[]): TraceEntry[] {
  return records.map((record, index) => ({
    kind: 'record',
    id: `${parent.id}/${record.type}:${record.timeUs}:${index}`,
    file: parent.file,
    traceId,
    record,
    parent,
  }));
}

function startOf(entry: TraceEntry): number {
  switch (entry.kind) {
    case 'span':
      return entry.span.startUs;
    case 'record':
      return entry.record.timeUs;
    case 'trace':
      return entry.trace.startUs;
    case 'file':
      return 0;
  }
}

function byStart(a: TraceEntry, b: TraceEntry): number {
  return startOf(a) - startOf(b);
}

/** The same entry rebuilt from its file's current forest, so a span that has since ended shows its end. */
export function currentEntry(entry: TraceEntry): TraceEntry {
  if (entry.kind !== 'span' && entry.kind !== 'trace') return entry;
  const traceId = entry.kind === 'span' ? entry.traceId : entry.trace.traceId;
  const trace = entry.file.forest().traces.find((candidate) => candidate.traceId === traceId);
  if (trace === undefined) return entry;
  if (entry.kind === 'trace') return { ...entry, trace };
  let span: SpanNode | undefined;
  walkSpans(trace.roots, (node) => {
    if (node.spanId === entry.span.spanId) span = node;
  });
  return span === undefined ? entry : { ...entry, span };
}
