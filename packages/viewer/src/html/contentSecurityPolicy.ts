import { createHash } from 'node:crypto';

/** The CSP source that allows exactly this inline script or style text: `'sha256-…'`. */
export function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The Content-Security-Policy of a single-file HTML trace: only its own inline script and stylesheet (by hash),
 * no other script, and no network at all.
 */
export function traceHtmlCsp(script: string, style: string): string {
  return `default-src 'none'; script-src ${sha256Source(script)}; style-src ${sha256Source(style)}; img-src data:; base-uri 'none'; form-action 'none'`;
}
