import type { TraceSource } from '../data/TraceSource.js';
import { parseRoute, routeHash, type Route } from '../model/route.js';
import { CompareView } from './CompareView.js';
import { h, replaceChildren } from './dom.js';
import './lists.css';
import { LogsView } from './LogsView.js';
import { StreamView } from './StreamView.js';
import { setupThemeToggle } from './theme.js';
import { tokenForm } from './tokenForm.js';
import { TraceListView } from './TraceListView.js';
import { TraceView } from './TraceView.js';
import type { ViewContext } from './ViewContext.js';

/** The viewer: a header, then the trace list, the logs, the live stream or one trace, chosen by the URL hash (so every view is a permalink). */
export class App {
  private readonly main = h('main', { className: 'main' });
  private readonly connection = h('span', { className: 'connection', attrs: { role: 'status' } });
  private view: TraceListView | LogsView | StreamView | TraceView | CompareView | undefined;
  private readonly tabs: Record<'list' | 'logs' | 'stream', HTMLAnchorElement> = {
    list: h('a', { className: 'tab tab-traces', attrs: { href: '#/' }, text: 'Traces' }),
    logs: h('a', { className: 'tab tab-logs', attrs: { href: '#/logs' }, text: 'Logs' }),
    stream: h('a', { className: 'tab tab-stream', attrs: { href: '#/stream' }, text: 'Live' }),
  };
  private listHash = '#/';
  private stream: StreamView | undefined;
  private readonly context: ViewContext;

  constructor(
    private readonly root: HTMLElement,
    source: TraceSource,
  ) {
    this.context = {
      source,
      setConnection: (connected) => this.setConnection(connected),
      askForToken: () => this.askForToken(),
      backToList: () => {
        location.hash = this.listHash;
      },
    };
  }

  /** Draws the page and follows the URL hash from now on. */
  start(): void {
    const source = this.context.source;
    const theme = h('button', { className: 'theme-toggle', attrs: { type: 'button' } });
    setupThemeToggle(theme);
    const header = h(
      'header',
      { className: 'topbar' },
      h('a', { className: 'brand', attrs: { href: '#/' }, text: 'aitrace' }),
      h('span', { className: `source ${source.live ? 'source-live' : 'source-file'}`, text: source.title }),
      h('nav', { className: 'tabs', attrs: { 'aria-label': 'Views' } }, this.tabs.list, this.tabs.logs, source.live && this.tabs.stream),
      source.problems.length > 0 &&
        h('a', {
          className: 'problem-count',
          attrs: { href: '#/' },
          text: `⚠ ${source.problems.length} bad ${source.problems.length === 1 ? 'line' : 'lines'} skipped`,
          title: 'Lines of the source that are not records; the trace list shows them',
        }),
      h('span', { className: 'spacer' }),
      this.connection,
      h('span', { className: 'keys muted', text: '↑↓ move · ←→ fold · Enter details · Esc back · e next error · c critical path · / search' }),
      theme,
    );
    replaceChildren(this.root, header, this.main);
    addEventListener('hashchange', () => this.route());
    this.route();
  }

  private route(): void {
    const route: Route = parseRoute(location.hash);
    for (const [view, tab] of Object.entries(this.tabs)) {
      if (view === route.view) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    if (route.view === 'list' || route.view === 'logs' || route.view === 'stream') {
      this.listHash = routeHash(route);
      this.tabs[route.view].href = this.listHash;
      document.title = `${route.view === 'logs' ? 'Logs · ' : route.view === 'stream' ? 'Live · ' : ''}${this.context.source.title} · aitrace`;
    }
    if (route.view === 'list') {
      if (this.view instanceof TraceListView) this.view.setQuery(route.query, route.options);
      else this.show(new TraceListView(this.context, route.query, route.options));
      return;
    }
    if (route.view === 'logs') {
      if (this.view instanceof LogsView) this.view.setQuery(route.query);
      else this.show(new LogsView(this.context, route.query));
      return;
    }
    if (route.view === 'stream') {
      // The stream lives on while a trace opened from it is shown, so going back finds its lines.
      this.stream ??= new StreamView(this.context, route.query, route.range);
      this.stream.setQuery(route.query, route.range);
      if (this.view !== this.stream) this.show(this.stream);
      return;
    }
    if (route.view === 'compare') {
      this.show(new CompareView(this.context, route.traceIds));
      return;
    }
    if (this.view instanceof TraceView && this.view.traceId === route.traceId) {
      this.view.reveal(route.spanId);
      return;
    }
    this.show(new TraceView(this.context, route.traceId, route.spanId));
  }

  private show(view: TraceListView | LogsView | StreamView | TraceView | CompareView): void {
    const keepStream = view instanceof TraceView || view === this.stream;
    if (this.view !== undefined && this.view !== this.stream) this.view.destroy();
    if (this.stream !== undefined && !keepStream) {
      this.stream.destroy();
      this.stream = undefined;
    }
    this.view = view;
    replaceChildren(this.main, view.element);
    view.focus();
  }

  private setConnection(connected: boolean | undefined): void {
    this.connection.hidden = connected === undefined;
    this.connection.className = `connection ${connected === true ? 'connected' : 'disconnected'}`;
    this.connection.textContent = connected === true ? '● live' : '○ reconnecting…';
    this.connection.title = connected === true ? 'Receiving live updates from the server' : 'Live updates are interrupted; retrying';
  }

  private askForToken(): void {
    if (this.view !== this.stream) this.view?.destroy();
    this.stream?.destroy();
    this.stream = undefined;
    this.view = undefined;
    replaceChildren(
      this.main,
      tokenForm(() => this.route()),
    );
  }
}
