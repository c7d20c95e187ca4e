import { encodeNormalized, type NormalizedRecord } from '@aitrace/format';
import { readJsonl, type LineProblem } from '@aitrace/forest';
import { EMBEDDED_TRACE_ID, type EmbeddedProblem } from '../shared/embeddedTrace.js';
import { compactSpans } from './compactSpans.js';
import { traceHtmlCsp } from './contentSecurityPolicy.js';
import { scriptSafeJson } from './scriptSafeJson.js';
import { readViewerBundle } from './viewerBundle.js';

/** Options of `renderTraceHtml`. */
export interface TraceHtmlOptions {
  /** Page title and header text (default `aitrace trace`); usually the source file name. */
  title?: string;
  /** The source is still being written: spans without an end show as running rather than cut off (default false). */
  live?: boolean;
  /** Told about each line of JSONL input that is not a record (it is skipped, and listed in the page). */
  onProblem?: (problem: LineProblem) => void;
  /** Bad lines the caller already skipped while reading records itself; listed in the page. */
  problems?: readonly LineProblem[];
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

// Inline code must not contain what would end its element early; the bundle never does, so this is a build check.
function checkInlinable(text: string, tag: 'script' | 'style'): string {
  if (new RegExp(`</${tag}|<!--`, 'i').test(text)) throw new Error(`the built viewer ${tag} contains "</${tag}" or "<!--" and cannot be inlined`);
  return text;
}

/**
 * One self-contained HTML file showing a trace in the web viewer: the viewer's script and stylesheet inlined,
 * the records embedded as JSON (one per span, see `compactSpans`), a Content-Security-Policy that allows only those (by hash) and no network.
 * It opens from disk (`file://`) and works offline. Input is JSONL text (bad lines are skipped and reported) or
 * normalized records.
 */
export function renderTraceHtml(input: string | Iterable<NormalizedRecord>, options: TraceHtmlOptions = {}): string {
  const problems: EmbeddedProblem[] = [...(options.problems ?? [])];
  let records: Iterable<NormalizedRecord>;
  if (typeof input === 'string') {
    const read = readJsonl(input);
    for (const problem of read.problems) {
      problems.push(problem);
      options.onProblem?.(problem);
    }
    records = read.records.map((item) => item.record);
  } else records = input;
  const lines: string[] = [];
  for (const record of compactSpans(records)) lines.push(encodeNormalized(record));
  const title = options.title ?? 'aitrace trace';
  // Each line is a JSON object already, so the array is spliced together rather than parsed and serialised again.
  const data = `{"title":${JSON.stringify(title)},"createdAt":${JSON.stringify(new Date().toISOString())},"live":${options.live === true},"problems":${JSON.stringify(problems)},"records":[${lines.join(',')}]}`;
  const bundle = readViewerBundle();
  const script = checkInlinable(bundle.script, 'script');
  const style = checkInlinable(bundle.style, 'style');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${traceHtmlCsp(script, style)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · aitrace</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body>
<script type="application/json" id="${EMBEDDED_TRACE_ID}">${scriptSafeJson(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}
