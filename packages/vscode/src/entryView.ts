import { formatDuration, type NormalizedRecord } from '@aitrace/format';
import type { SpanNode, TraceTree } from '@aitrace/forest';
import type { TraceEntry } from './traceEntries.js';

/** The icon an entry shows; the tree provider maps each to a theme icon and colour. */
export type EntryIcon = 'file' | 'running' | 'cut_off' | 'ok' | 'error' | 'event' | 'log' | 'log_warn' | 'log_error';

/** How an entry is shown in the tree, independent of the editor API. */
export interface EntryView {
  label: string;
  description: string;
  tooltip: string;
  icon: EntryIcon;
  /** Whether the entry has children. */
  expandable: boolean;
  /** Read by menus (`viewItem == span`, `viewItem =~ /source/`). */
  contextValue: string;
  /** What a screen reader says for the row. */
  ariaLabel: string;
}

/** A span's state in words: `ok`, `unset`, `error: boom`, `running`, `cut off`. */
export function spanStatusText(span: SpanNode): string {
  switch (span.state) {
    case 'running':
      return 'running';
    case 'cut_off':
      return 'cut off';
    case 'error':
      return span.statusMessage !== undefined ? `error: ${span.statusMessage}` : 'error';
    case 'ok':
      // Ended without a status set: shown as it is, as the viewer does (`unset` is not `ok`).
      return span.status === 'ok' ? 'ok' : 'unset';
  }
}

/** How one entry is shown. */
export function viewOf(entry: TraceEntry): EntryView {
  switch (entry.kind) {
    case 'file':
      return fileView(entry);
    case 'trace':
      return traceView(entry.trace);
    case 'span':
      return spanView(entry.span);
    case 'record':
      return recordView(entry.record);
  }
}

function fileView(entry: TraceEntry & { kind: 'file' }): EntryView {
  const traces = entry.file.forest().traces;
  const errors = traces.reduce((sum, trace) => sum + trace.errorCount, 0);
  const problems = entry.file.problems.length;
  const parts = [`${traces.length} trace${traces.length === 1 ? '' : 's'}`];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (problems > 0) parts.push(`${problems} bad line${problems === 1 ? '' : 's'}`);
  const description = parts.join(' · ');
  return {
    label: entry.file.name,
    description,
    tooltip: `${entry.file.path}\n${entry.file.recordCount} records · ${description}`,
    icon: 'file',
    expandable: traces.length > 0,
    contextValue: 'file',
    ariaLabel: `trace file ${entry.file.name}, ${description}`,
  };
}

function traceState(trace: TraceTree): EntryIcon {
  if (trace.errorCount > 0) return 'error';
  if (trace.runningCount > 0) return 'running';
  if (trace.cutOffCount > 0) return 'cut_off';
  return 'ok';
}

function traceView(trace: TraceTree): EntryView {
  const [first] = trace.roots;
  const label = first === undefined ? `trace ${trace.traceId.slice(0, 8)}` : trace.roots.length > 1 ? `${first.name} (+${trace.roots.length - 1})` : first.name;
  const parts: string[] = [];
  if (trace.ended && trace.endUs !== undefined) parts.push(formatDuration((trace.endUs - trace.startUs) / 1000));
  parts.push(`${trace.spanCount} span${trace.spanCount === 1 ? '' : 's'}`);
  if (trace.errorCount > 0) parts.push(`${trace.errorCount} error${trace.errorCount === 1 ? '' : 's'}`);
  if (trace.runningCount > 0) parts.push(`${trace.runningCount} running`);
  if (trace.cutOffCount > 0) parts.push(`${trace.cutOffCount} cut off`);
  const description = parts.join(' · ');
  return {
    label,
    description,
    tooltip: `trace ${trace.traceId}\n${description}${trace.services.length > 0 ? `\nservices: ${trace.services.join(', ')}` : ''}`,
    icon: traceState(trace),
    expandable: trace.roots.length > 0 || trace.logs.length > 0,
    contextValue: 'trace',
    ariaLabel: `trace ${label}, ${description}`,
  };
}

function spanView(span: SpanNode): EntryView {
  const status = spanStatusText(span);
  const description = span.durationMs !== undefined ? `${formatDuration(span.durationMs)} · ${status}` : status;
  const source = span.file !== undefined ? `${span.file}${span.line !== undefined ? `:${span.line}` : ''}` : undefined;
  const tooltip = [`${span.name} (${span.kind ?? 'internal'})`, description, `span ${span.spanId}`];
  if (source !== undefined) tooltip.push(`source: ${source}`);
  return {
    label: span.name,
    description,
    tooltip: tooltip.join('\n'),
    icon: span.state,
    expandable: span.children.length > 0 || span.events.length > 0 || span.logs.length > 0,
    contextValue: source !== undefined ? 'span source' : 'span',
    ariaLabel: `span ${span.name}, ${description}`,
  };
}

// Logs usually carry their text under one of these keys.
const MESSAGE_KEYS = ['message', 'msg', 'body'];

function recordView(record: NormalizedRecord): EntryView {
  const source = record.file !== undefined ? `${record.file}${record.line !== undefined ? `:${record.line}` : ''}` : undefined;
  const sourceContext = source !== undefined ? ' source' : '';
  if (record.type === 'span_event') {
    return {
      label: record.event,
      description: 'event',
      tooltip: `span event ${record.event}\n${record.timestamp}`,
      icon: record.event === 'exception' ? 'error' : 'event',
      expandable: false,
      contextValue: `record${sourceContext}`,
      ariaLabel: `event ${record.event}`,
    };
  }
  const level = record.level ?? 'info';
  const message = MESSAGE_KEYS.map((key) => record.attrs[key]).find((value) => typeof value === 'string');
  const description = typeof message === 'string' && message !== record.event ? `${level} · ${message}` : level;
  const icon: EntryIcon = level === 'error' || level === 'fatal' ? 'log_error' : level === 'warn' ? 'log_warn' : 'log';
  return {
    label: record.event,
    description,
    tooltip: `log ${record.event} (${level})\n${record.timestamp}${source !== undefined ? `\nsource: ${source}` : ''}`,
    icon,
    expandable: false,
    contextValue: `record${sourceContext}`,
    ariaLabel: `log ${record.event}, ${description}`,
  };
}
