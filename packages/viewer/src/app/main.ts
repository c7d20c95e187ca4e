import './viewer.css';
import { EMBEDDED_TRACE_ID, type EmbeddedTrace } from '../shared/embeddedTrace.js';
import { EmbeddedSource } from './data/EmbeddedSource.js';
import { ServerSource } from './data/ServerSource.js';
import type { TraceSource } from './data/TraceSource.js';
import { App } from './ui/App.js';

/** The trace a single-file HTML trace carries, if this page is one. */
function embeddedTrace(): EmbeddedTrace | undefined {
  const element = document.getElementById(EMBEDDED_TRACE_ID);
  return element === null ? undefined : (JSON.parse(element.textContent ?? '') as EmbeddedTrace);
}

function start(): void {
  const root = document.createElement('div');
  root.className = 'app';
  document.body.append(root);
  let source: TraceSource;
  try {
    const data = embeddedTrace();
    if (data === undefined) source = new ServerSource(new URL('/', location.href), location.host);
    else {
      const embedded = new EmbeddedSource(data);
      source = embedded;
      // A file with one trace opens straight into it.
      const ids = embedded.traceIds();
      if (ids.length === 1 && (location.hash === '' || location.hash === '#' || location.hash === '#/')) history.replaceState(null, '', `#/trace/${ids[0]}`);
    }
  } catch (error) {
    root.textContent = `The trace embedded in this page cannot be read: ${(error as Error).message}`;
    return;
  }
  new App(root, source).start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
