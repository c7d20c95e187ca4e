import { readFileSync } from 'node:fs';
import { normalizeRecord } from '@aitrace/format';
import { readJsonl } from '@aitrace/forest';
import { describe, expect, it } from 'vitest';
import { logRecord, spans, TRACE_ID } from '../testing/traceRecords.js';
import { compactSpans } from './compactSpans.js';
import { sha256Source } from './contentSecurityPolicy.js';
import { renderTraceHtml } from './renderTraceHtml.js';
import { readViewerBundle } from './viewerBundle.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8');

/** The pieces of a rendered page: CSP, inline script and style, embedded data. */
function parts(html: string) {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  const data = /<script type="application\/json" id="aitrace-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  return {
    csp,
    style,
    script,
    data:
      data === undefined
        ? undefined
        : (JSON.parse(data) as { title: string; live: boolean; records: unknown[]; problems: Array<{ line: number; message: string }> }),
  };
}

describe('renderTraceHtml', () => {
  it('inlines the built viewer and allows exactly its script and style through the CSP', () => {
    const html = renderTraceHtml(fixture('v2-span-lifecycle.jsonl'), { title: 'lifecycle' });
    const { csp, style, script } = parts(html);
    const bundle = readViewerBundle();
    expect(script).toBe(bundle.script);
    expect(style).toBe(bundle.style);
    expect(csp).toBe(
      `default-src 'none'; script-src ${sha256Source(script!)}; style-src ${sha256Source(style!)}; img-src data:; base-uri 'none'; form-action 'none'`,
    );
    expect(html).not.toMatch(/<script[^>]*\bsrc=|<link[^>]*stylesheet|https?:\/\//);
  });

  it('embeds every record (one per span) so that it reads back the same, and lists skipped lines', () => {
    const text = `${fixture('v2-span-lifecycle.jsonl')}not json\n`;
    const reported: Array<{ line: number; message: string }> = [];
    const { data } = parts(renderTraceHtml(text, { onProblem: (problem) => reported.push(problem) }));
    const expected = readJsonl(text);
    expect(reported).toEqual(expected.problems);
    expect(data!.problems).toEqual(expected.problems);
    expect(reported[0]).toMatchObject({ line: 9, message: expect.stringContaining('invalid JSON') as string });
    const compacted = compactSpans(expected.records.map((item) => item.record));
    expect(compacted.length).toBeLessThan(expected.records.length);
    expect(data!.records.map((value) => normalizeRecord(value))).toEqual(compacted.map((record) => ({ ok: true, record })));
    expect(data!.title).toBe('aitrace trace');
    expect(data!.live).toBe(false);
    const fromRecords = parts(
      renderTraceHtml(
        expected.records.map((item) => item.record),
        { problems: expected.problems },
      ),
    ).data!;
    expect(fromRecords.records).toEqual(data!.records);
    expect(fromRecords.problems).toEqual(expected.problems);
  });

  it('keeps hostile data inert: no markup in the data can end the script element or reach the page', () => {
    const hostile = '</script><script>alert(1)</script><!--<img src=x onerror=alert(1)>';
    const records = [...spans({ id: 1, name: hostile, startMs: 0, endMs: 5, attrs: { [hostile]: hostile } }), logRecord(hostile, 1, { span: 1 })];
    const html = renderTraceHtml(records, { title: `<b>"x"</b> & 'y'`, live: true });
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain('<img');
    expect(html).toContain('<title>&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; &#39;y&#39; · aitrace</title>');
    const { data } = parts(html);
    expect(data!.title).toBe(`<b>"x"</b> & 'y'`);
    expect(data!.live).toBe(true);
    const back = data!.records.map((value) => normalizeRecord(value));
    expect(back.map((result) => (result.ok ? result.record.attrs : undefined))).toEqual(compactSpans(records).map((record) => record.attrs));
    expect(back.every((result) => result.ok && result.record.traceId === TRACE_ID)).toBe(true);
  });
});
