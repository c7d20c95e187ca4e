import type { TraceSource } from '../data/TraceSource.js';
import { parseRoute, routeHash, type Route } from '../model/route.js';
import { h, replaceChildren } from './dom.js';
import { setupThemeToggle } from './theme.js';
import { tokenForm } from './tokenForm.js';
import { CompareView } from './CompareView.js';
import { TraceListView } from './TraceListView.js';
import { TraceView } from './TraceView.js';
import type { ViewContext } from './ViewContext.js';

/** The viewer: a header, then the trace list or one trace, chosen by the URL hash (so every view is a permalink). */
export class App {
  private readonly main = h('main', { className: 'main' });
  private readonly connection = h('span', { className: 'connection', attrs: { role: 'status' } });
  private view: TraceListView | TraceView | CompareView | undefined;
  private listHash = '#/';
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
      source.problems.length > 0 &&
        h('a', {
          className: 'problem-count',
          attrs: { href: '#/' },
          text: `⚠ ${source.problems.length} bad ${source.problems.length === 1 ? 'line' : 'lines'} skipped`,
          title: 'Lines of the source that are not records; the trace list shows them',
        }),
      h('span', { className: 'spacer' }),
      this.connection,
      h('span', { className: 'keys muted', text: '↑↓ move · ←→ fold · Enter details · Esc back · e next error · / search' }),
      theme,
    );
    replaceChildren(this.root, header, this.main);
    addEventListener('hashchange', () => this.route());
    this.route();
  }

  private route(): void {
    const route: Route = parseRoute(location.hash);
    if (route.view === 'list') {
      this.listHash = routeHash(route);
      if (this.view instanceof TraceListView) {
        this.view.setQuery(route.query);
        return;
      }
      this.show(new TraceListView(this.context, route.query));
      document.title = `${this.context.source.title} · aitrace`;
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

  private show(view: TraceListView | TraceView | CompareView): void {
    this.view?.destroy();
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
    this.view?.destroy();
    this.view = undefined;
    replaceChildren(
      this.main,
      tokenForm(() => this.route()),
    );
  }
}
