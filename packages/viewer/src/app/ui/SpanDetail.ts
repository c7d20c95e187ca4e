import { environmentOf, formatEpochMicros, serviceVersionOf, type NormalizedRecord } from '@aitrace/format';
import { genAiView, totalsWords, traceTokens, usageWords, walkSpans, type SpanNode, type TokenTotals, type TraceTree } from '@aitrace/forest';
import { formatDuration, formatLocalTime, formatOffset } from '../model/formatTime.js';
import { routeHash } from '../model/route.js';
import { formatSourceLocation } from '../model/sourceLocation.js';
import { spanStatusView } from '../model/spanStates.js';
import { valueText } from '../model/valueText.js';
import { conversationPanel, genAiFacts } from './ConversationPanel.js';
import { h, type Child } from './dom.js';

/** What the detail panel needs besides the span. */
export interface DetailContext {
  traceStartUs: number;
  /** The current time while the source is live, for running spans. */
  nowUs: number | undefined;
  /** The ∑ tokens of each span's subtree that has any (tokensBySpan of the trace). */
  tokens: ReadonlyMap<SpanNode, TokenTotals>;
}

/** A key/value table of attributes; values are text, nested values pretty-printed JSON. */
export function attributeTable(attrs: Record<string, unknown>): HTMLElement {
  const keys = Object.keys(attrs);
  if (keys.length === 0) return h('p', { className: 'muted', text: 'no attributes' });
  const body = h('tbody');
  for (const key of keys) {
    const value = attrs[key];
    const shown = valueText(value);
    const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const cell = shown.block
      ? h('pre', { className: `value value-${kind}`, text: shown.text })
      : h('span', { className: `value value-${kind}`, text: shown.text });
    body.append(h('tr', {}, h('th', { attrs: { scope: 'row' }, text: key }), h('td', {}, cell)));
  }
  return h('table', { className: 'attr-table' }, body);
}

function facts(rows: Array<[string, Child | undefined]>): HTMLElement {
  const list = h('dl', { className: 'facts' });
  for (const [term, value] of rows) {
    if (value === undefined || value === null || value === false || value === '') continue;
    list.append(h('dt', { text: term }), h('dd', {}, value));
  }
  return list;
}

function section(title: string, count: number | undefined, ...content: Child[]): HTMLElement {
  return h('section', { className: 'detail-section' }, h('h3', { text: count === undefined ? title : `${title} (${count})` }), ...content);
}

// Longer lists are cut here: the panel stays quick, and the rest is in "Records as stored" or the file.
const MAX_LISTED = 500;

function recordList(records: readonly NormalizedRecord[], traceStartUs: number, name?: 'events' | 'logs'): HTMLElement {
  const list = h('ol', { className: 'records' });
  records.slice(0, MAX_LISTED).forEach((record, i) => {
    const entry = recordEntry(record, traceStartUs);
    // The waterfall's markers point at records by this key (see model/spanMarkers.ts).
    if (name !== undefined) entry.dataset.record = `${name}:${i}`;
    list.append(entry);
  });
  if (records.length > MAX_LISTED) list.append(h('li', { className: 'muted', text: `… ${records.length - MAX_LISTED} more not shown` }));
  return list;
}

function timeFacts(timeUs: number, traceStartUs: number): string {
  return `${formatEpochMicros(timeUs)} (${formatOffset(timeUs - traceStartUs)})`;
}

function spanLink(traceId: string, spanId: string, text: string): HTMLElement {
  return h('a', { attrs: { href: routeHash({ view: 'trace', traceId, spanId }) }, className: 'mono', text });
}

/** One span event or log record, with its time, level, source and attributes. */
export function recordEntry(record: NormalizedRecord, traceStartUs: number): HTMLElement {
  const isException = record.type === 'span_event' && record.event === 'exception';
  const level = record.level ?? (record.type === 'span_event' ? 'event' : 'log');
  const source = formatSourceLocation(record);
  return h(
    'li',
    { className: `record record-${record.type} level-${level}${isException ? ' exception' : ''}` },
    h(
      'div',
      { className: 'record-head' },
      h('span', { className: 'record-time mono', text: formatLocalTime(record.timeUs), title: formatEpochMicros(record.timeUs) }),
      h('span', { className: 'record-offset mono', text: formatOffset(record.timeUs - traceStartUs) }),
      h('span', { className: `record-level level-${level}`, text: level }),
      h('span', { className: 'record-event', text: record.event }),
      record.scope !== undefined && h('span', { className: 'record-scope muted', text: record.scope }),
    ),
    source !== undefined && h('div', { className: 'record-source mono muted', text: source }),
    Object.keys(record.attrs).length > 0 && attributeTable(record.attrs),
  );
}

function statusLine(node: SpanNode, context: DetailContext): HTMLElement {
  const status = spanStatusView(node);
  let text: string;
  switch (status.kind) {
    case 'error':
      text = node.statusMessage !== undefined ? `error: ${node.statusMessage}` : 'error';
      break;
    case 'running':
      text = context.nowUs !== undefined ? `running for ${formatDuration((context.nowUs - node.startUs) / 1000)}` : 'running';
      break;
    case 'cut_off':
      text = 'cut off: the span never ended (its writer stopped, or the file ends before its end record)';
      break;
    case 'unset':
      text = 'unset: the span ended without a status (neither ok nor error was set)';
      break;
    default:
      text = 'ok';
  }
  return h('p', { className: `detail-status state-${node.state} status-${status.kind}` }, h('span', { className: 'state-icon', text: status.icon }), ' ', text);
}

/** The GenAI part of a span's details (model, tokens, conversation), or nothing for a span that is not GenAI. */
function genAiSection(node: SpanNode, tokens: ReadonlyMap<SpanNode, TokenTotals>): Child {
  const view = genAiView(node);
  // A model call's own counts are its figures; the ∑ is for spans above model calls.
  const own = view !== undefined && usageWords(view.usage) !== '';
  const below = node.children.length > 0 && !own ? tokens.get(node) : undefined;
  const subtree = below !== undefined && below.calls > 0 ? totalsWords(below) : undefined;
  if (view === undefined)
    return subtree !== undefined && section('Tokens', undefined, facts([['∑ below', h('span', { className: 'genai-subtree-tokens', text: subtree })]]));
  const conversation = conversationPanel(view);
  return h(
    'div',
    { className: 'genai' },
    section('GenAI', undefined, facts(genAiFacts(view, subtree))),
    conversation !== undefined &&
      section(view.operation === 'execute_tool' ? 'Tool call' : 'Conversation', view.messages.length > 0 ? view.messages.length : undefined, conversation),
  );
}

/** The detail panel's content for one span: status, times, ids, source, attributes, events, logs, links. */
export function spanDetail(node: SpanNode, context: DetailContext): HTMLElement {
  const main = node.end ?? node.start;
  const source = formatSourceLocation({ file: node.file, line: node.line, column: main?.column, function: node.function });
  const scope = node.scope !== undefined ? `${node.scope}${main?.scopeVersion !== undefined ? ` ${main.scopeVersion}` : ''}` : undefined;
  const links = main?.links ?? [];
  const dropped = main?.dropped;
  const raw = [node.start, node.end].filter((record): record is NormalizedRecord => record !== undefined);
  return h(
    'div',
    { className: 'span-detail' },
    h('h2', { className: 'detail-title', text: node.name }),
    statusLine(node, context),
    facts([
      ['duration', node.durationMs !== undefined ? formatDuration(node.durationMs) : undefined],
      ['start', timeFacts(node.startUs, context.traceStartUs)],
      ['end', node.endUs !== undefined ? timeFacts(node.endUs, context.traceStartUs) : undefined],
      ['source', source !== undefined ? h('code', { className: 'source-location', text: source }) : undefined],
      ['kind', node.kind],
      ['service', node.service],
      ['version', serviceVersionOf(node.resource)],
      ['environment', environmentOf(node.resource)],
      ['scope', scope],
      ['pid', node.pid !== undefined ? String(node.pid) : undefined],
      ['span id', h('code', { text: node.spanId })],
      [
        'parent',
        node.parentSpanId !== undefined
          ? node.orphan
            ? h('code', { text: `${node.parentSpanId} (not in this trace)` })
            : spanLink(node.traceId, node.parentSpanId, node.parentSpanId)
          : undefined,
      ],
      ['trace id', h('code', { text: node.traceId })],
    ]),
    genAiSection(node, context.tokens),
    section('Attributes', Object.keys(node.attrs).length, attributeTable(node.attrs)),
    node.resource !== undefined && section('Resource', Object.keys(node.resource).length, attributeTable(node.resource)),
    node.events.length > 0 && section('Events', node.events.length, recordList(node.events, context.traceStartUs, 'events')),
    node.logs.length > 0 && section('Logs', node.logs.length, recordList(node.logs, context.traceStartUs, 'logs')),
    links.length > 0 &&
      section(
        'Links',
        links.length,
        h(
          'ul',
          { className: 'links' },
          ...links.map((link) =>
            h(
              'li',
              {},
              spanLink(link.trace_id, link.span_id, `${link.trace_id} / ${link.span_id}`),
              link.attributes !== undefined && attributeTable(link.attributes),
            ),
          ),
        ),
      ),
    dropped !== undefined && Object.keys(dropped).length > 0 && section('Dropped by SDK limits', undefined, attributeTable({ ...dropped })),
    h(
      'details',
      { className: 'raw-records' },
      h('summary', { text: 'Records as stored' }),
      h('pre', { className: 'value', text: JSON.stringify(raw, null, 2) }),
    ),
  );
}

/** The resource of each service in a trace (the first seen), for the trace info. */
function resourcesOf(trace: TraceTree): Array<[string, Record<string, unknown>]> {
  const byService = new Map<string, Record<string, unknown>>();
  walkSpans(trace.roots, (node) => {
    const service = node.service ?? '(no service)';
    if (node.resource !== undefined && !byService.has(service)) byService.set(service, node.resource);
  });
  return [...byService];
}

/** The detail panel's content when no span is selected: the trace's facts, tokens, resources and the logs outside any span. */
export function traceDetail(trace: TraceTree, bySpan: ReadonlyMap<SpanNode, TokenTotals>): HTMLElement {
  const root = trace.roots.find((node) => !node.orphan) ?? trace.roots[0];
  const tokens = traceTokens(trace, bySpan);
  const resources = resourcesOf(trace);
  return h(
    'div',
    { className: 'span-detail' },
    h('h2', { className: 'detail-title', text: `Trace ${trace.traceId}` }),
    facts([
      ['start', formatEpochMicros(trace.startUs)],
      ['duration', trace.endUs !== undefined ? formatDuration((trace.endUs - trace.startUs) / 1000) : undefined],
      ['spans', String(trace.spanCount)],
      ['errors', String(trace.errorCount)],
      ['running', trace.runningCount > 0 ? String(trace.runningCount) : undefined],
      ['cut off', trace.cutOffCount > 0 ? String(trace.cutOffCount) : undefined],
      ['services', trace.services.join(', ')],
      ['version', serviceVersionOf(root?.resource)],
      ['environment', environmentOf(root?.resource)],
      ['∑ tokens', tokens.calls > 0 ? h('span', { className: 'trace-tokens', text: totalsWords(tokens) }) : undefined],
    ]),
    ...resources.map(([service, resource]) =>
      section(
        resources.length === 1 ? 'Resource' : `Resource of ${service}`,
        Object.keys(resource).length,
        h('div', { className: 'trace-resource' }, attributeTable(resource)),
      ),
    ),
    trace.logs.length > 0
      ? section('Logs outside any span', trace.logs.length, recordList(trace.logs, trace.startUs))
      : h('p', { className: 'muted', text: 'Select a span to see its attributes, events and logs.' }),
  );
}
