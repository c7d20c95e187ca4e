import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCollectorFile, type CollectorTrace } from './collectorFile.js';
import { fixture, runCli, startCli } from './runCli.js';

// The readers of OTLP JSON Lines files (the Collector's file exporter format), alone and mixed with aitrace records.
let dir: string;
let otlpFile: string;
let mixedFile: string;
let generated: CollectorTrace;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aitrace-otlp-files-'));
  otlpFile = join(dir, 'collector.jsonl');
  generated = await writeCollectorFile(otlpFile);
  mixedFile = join(dir, 'mixed.jsonl');
  writeFileSync(mixedFile, readFileSync(fixture('v2-span-lifecycle.jsonl'), 'utf8') + readFileSync(otlpFile, 'utf8'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OTLP JSON Lines files in every CLI reader', () => {
  it('the generated file is what the file exporter writes: one export request per line', () => {
    const lines = readFileSync(otlpFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => Object.keys(JSON.parse(line) as object));
    expect(lines).toEqual([['resourceSpans'], ['resourceLogs']]);
  });

  it('tree shows the spans, the exception and the log of an OTLP file, and of a file mixing both formats', () => {
    const { code, stdout, stderr } = runCli(['tree', otlpFile]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`trace ${generated.traceId}`);
    expect(stdout).toMatch(/POST \/invoice \[server\]/);
    expect(stdout).toMatch(/✗ pdf\.render [\d.]+ms error: page 4 does not exist/);
    expect(stdout).toContain('render failed');
    const mixed = runCli(['tree', mixedFile]);
    expect(mixed.stdout).toContain('trace be97f2fa26196196d1c776cef223b871');
    expect(mixed.stdout).toContain(`trace ${generated.traceId}`);
  });

  it('validate accepts the file, and names the line of a span the reader had to leave out', () => {
    expect(runCli(['validate', mixedFile])).toMatchObject({ code: 0, stderr: `${mixedFile}: 14 record(s), 0 problem(s)\n` });
    const bad = join(dir, 'bad-span.jsonl');
    writeFileSync(
      bad,
      `${JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: 'b7ad6b7169203331', name: 'broken', startTimeUnixNano: '1' }] }] }] })}\n${JSON.stringify({ resourceMetrics: [] })}\n`,
    );
    const result = runCli(['validate', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${bad}:1: OTLP request: 1 span(s) left out: span "broken": traceId "xyz" is not 16 bytes in hex or base64`);
    expect(result.stdout).toContain(`${bad}:2: an OTLP metrics request: aitrace reads traces and logs only, so it was skipped`);
  });

  it('stats counts the OTLP spans with their errors', () => {
    const { code, stdout } = runCli(['stats', otlpFile, '--json']);
    expect(code).toBe(0);
    expect(JSON.stringify(JSON.parse(stdout))).toMatch(/"name":"pdf\.render","count":1,"errors":1/);
  });

  it('html writes a viewer page holding the OTLP trace', () => {
    const out = join(dir, 'collector.html');
    expect(runCli(['html', otlpFile, '-o', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(generated.childSpanId);
  });

  it('convert --to aitrace turns the OTLP lines into aitrace records that convert back to the same requests', () => {
    const records = join(dir, 'collector.aitrace.jsonl');
    expect(runCli(['convert', otlpFile, '--to', 'aitrace', '-o', records]).code).toBe(0);
    const events = readFileSync(records, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { __tracer_meta__: { event: string } }).__tracer_meta__.event);
    expect(events.sort()).toEqual(['POST /invoice.end', 'POST /invoice.start', 'exception', 'pdf.render.end', 'pdf.render.start', 'render failed']);
    const again = runCli(['convert', records, '--to', 'otlp-json']);
    const spans = again.stdout
      .trimEnd()
      .split('\n')
      .flatMap(
        (line) =>
          (JSON.parse(line) as { resourceSpans?: { scopeSpans: { spans: { spanId: string }[] }[] }[] }).resourceSpans?.[0]?.scopeSpans[0]?.spans.map(
            (s) => s.spanId,
          ) ?? [],
      );
    expect(spans.sort()).toEqual([generated.childSpanId, generated.rootSpanId].sort());
  });

  it('tail -f shows OTLP lines as they are appended', async () => {
    const live = join(dir, 'live.jsonl');
    writeFileSync(live, '');
    const cli = startCli(['tail', '-f', '--interval', '20', live]);
    try {
      appendFileSync(live, readFileSync(otlpFile, 'utf8'));
      await cli.waitFor(/end\s+✗ pdf\.render/);
    } finally {
      cli.child.kill();
    }
  });

  it('serve --watch ingests an OTLP file', async () => {
    const cli = startCli(['serve', '--port', '0', '--db', ':memory:', '--watch', otlpFile]);
    try {
      await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(cli.output())![1]!;
      const deadline = Date.now() + 10_000;
      let traces: { traceId: string; spanCount: number; errorCount: number }[] = [];
      while (traces.length === 0 && Date.now() < deadline) {
        traces = ((await (await fetch(`${url}/api/traces`)).json()) as { traces: typeof traces }).traces;
        if (traces.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(traces).toEqual([expect.objectContaining({ traceId: generated.traceId, spanCount: 2, errorCount: 1 })]);
    } finally {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });
});
