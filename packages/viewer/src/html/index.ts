export { renderTraceHtml, type TraceHtmlOptions } from './renderTraceHtml.js';
export { compactSpans } from './compactSpans.js';
export { sha256Source, traceHtmlCsp } from './contentSecurityPolicy.js';
export { scriptSafeJson } from './scriptSafeJson.js';
export { readViewerBundle, type ViewerBundle } from './viewerBundle.js';
export { EMBEDDED_TRACE_ID, type EmbeddedProblem, type EmbeddedTrace } from '../shared/embeddedTrace.js';
