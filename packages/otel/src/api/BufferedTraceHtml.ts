/** Renders JSONL text as a single-file HTML trace: `renderTraceHtml` of `@aitrace/viewer/html`. */
export type TraceHtmlRenderer = (jsonl: string, options: { title: string }) => string;

/** Where the HTML renderer lives: an optional peer dependency, loaded only when `BufferedTrace` writes HTML. */
export const VIEWER_HTML_MODULE = '@aitrace/viewer/html';

/**
 * Loads the single-file HTML renderer of `@aitrace/viewer`. The specifier is a parameter so that neither
 * TypeScript nor a bundler makes the optional viewer a hard dependency. Rejects with an error saying what to install.
 */
export async function loadTraceHtmlRenderer(specifier: string = VIEWER_HTML_MODULE): Promise<TraceHtmlRenderer> {
  let loaded: { renderTraceHtml?: unknown };
  try {
    loaded = (await import(specifier)) as { renderTraceHtml?: unknown };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new Error(
      `the html option needs the ${specifier.replace(/\/html$/, '')} package, which could not be loaded (${reason}); install it next to @aitrace/otel`,
      { cause: error },
    );
  }
  if (typeof loaded.renderTraceHtml !== 'function')
    throw new Error(`${specifier} has no renderTraceHtml function; install a version of @aitrace/viewer that matches @aitrace/otel`);
  return loaded.renderTraceHtml as TraceHtmlRenderer;
}

/** The HTML path that goes with a run's JSONL file when `html: true`: `run.jsonl` → `run.html`. */
export function htmlPathBeside(jsonlPath: string): string {
  return /\.jsonl?$/i.test(jsonlPath) ? jsonlPath.replace(/\.jsonl?$/i, '.html') : `${jsonlPath}.html`;
}
