import { environmentOf, serviceVersionOf } from '@aitrace/format';
import { totalsBadge, totalsWords, type TokenTotals, type TraceTree } from '@aitrace/forest';
import { formatDuration, formatLocalDateTime } from '../model/formatTime.js';
import { h, replaceChildren } from './dom.js';

/** What the header's buttons do. */
export interface TraceHeaderActions {
  back(): void;
  expandAll(expand: boolean): void;
  nextError(): void;
  criticalPath(): void;
  traceInfo(): void;
}

/** The trace view's header: back link, root name, trace id, the trace's figures and the tool buttons. */
export class TraceHeader {
  /** The header element. */
  readonly element = h('div', { className: 'trace-header' });
  private readonly title = h('h1', { className: 'trace-title' });
  private readonly stats = h('ul', { className: 'trace-stats' });
  private readonly nextErrorButton: HTMLButtonElement;
  private readonly criticalButton: HTMLButtonElement;

  constructor(
    private readonly traceId: string,
    actions: TraceHeaderActions,
  ) {
    const back = h('a', { className: 'back', attrs: { href: '#/' }, text: '← Traces' });
    back.addEventListener('click', (event) => {
      event.preventDefault();
      actions.back();
    });
    this.nextErrorButton = headerButton('Next error', 'Select the next failed span (e; E for the previous)', () => actions.nextError());
    this.criticalButton = headerButton('Critical path', 'Highlight the spans that decided when the trace ended (c)', () => actions.criticalPath());
    this.criticalButton.className = 'critical-toggle';
    this.setCriticalPath(false);
    replaceChildren(
      this.element,
      back,
      this.title,
      h('code', { className: 'trace-id', text: traceId }),
      this.stats,
      h(
        'div',
        { className: 'trace-tools' },
        headerButton('Expand all', 'Expand every span', () => actions.expandAll(true)),
        headerButton('Collapse all', 'Collapse every span', () => actions.expandAll(false)),
        this.nextErrorButton,
        this.criticalButton,
        headerButton('Trace info', 'Show the trace facts and its logs outside any span', () => actions.traceInfo()),
      ),
    );
  }

  /** Shows whether the critical path is highlighted. */
  setCriticalPath(on: boolean): void {
    this.criticalButton.setAttribute('aria-pressed', String(on));
  }

  /** Draws the title and figures; `windowEndUs` is where a trace still running has got to, `tokens` its ∑ tokens. */
  render(trace: TraceTree, windowEndUs: number, tokens: TokenTotals | undefined): void {
    const root = trace.roots.find((node) => !node.orphan) ?? trace.roots[0];
    const durationMs = trace.endUs !== undefined && trace.runningCount === 0 ? (trace.endUs - trace.startUs) / 1000 : undefined;
    const stats: Array<[string, string]> = [['spans', `${trace.spanCount} ${trace.spanCount === 1 ? 'span' : 'spans'}`]];
    if (trace.errorCount > 0) stats.push(['errors', `${trace.errorCount} ${trace.errorCount === 1 ? 'error' : 'errors'}`]);
    if (trace.runningCount > 0) stats.push(['running', `${trace.runningCount} running`]);
    if (trace.cutOffCount > 0) stats.push(['cut_off', `${trace.cutOffCount} cut off`]);
    stats.push(['duration', durationMs !== undefined ? formatDuration(durationMs) : `${formatDuration((windowEndUs - trace.startUs) / 1000)} so far`]);
    stats.push(['start', formatLocalDateTime(trace.startUs)]);
    if (trace.services.length > 0) stats.push(['services', trace.services.join(', ')]);
    const version = serviceVersionOf(root?.resource);
    const environment = environmentOf(root?.resource);
    if (version !== undefined) stats.push(['version', version]);
    if (environment !== undefined) stats.push(['environment', environment]);
    this.title.textContent = root?.name ?? this.traceId;
    document.title = `${root?.name ?? this.traceId} · aitrace`;
    const items = stats.map(([kind, text]) => h('li', { className: `stat stat-${kind}`, text }));
    if (tokens !== undefined && tokens.calls > 0)
      items.push(h('li', { className: 'stat stat-tokens', text: totalsBadge(tokens), title: `The trace's ${totalsWords(tokens)}` }));
    replaceChildren(this.stats, ...items);
    this.nextErrorButton.disabled = trace.errorCount === 0;
  }
}

/** A header tool button. */
export function headerButton(text: string, title: string, action: () => void): HTMLButtonElement {
  const element = h('button', { attrs: { type: 'button' }, text, title });
  element.addEventListener('click', action);
  return element;
}
