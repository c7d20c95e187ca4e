import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { endLine, jsonl, startLine } from '@aitrace/testing';
import { BIN, fixture, runCli, startCli } from './runCli.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'aitrace-cli-'));
const TRACE = 'be97f2fa26196196d1c776cef223b871';

/** A start or end line (12.5 ms after the start) of a test span of TRACE, newline included. */
function spanRecord(kind: 'start' | 'end', span: string, name: string, attrs: Record<string, unknown> = {}): string {
  const test = { trace: TRACE, span, name, startMs: 0, endMs: 12.5, attrs };
  return jsonl(kind === 'start' ? startLine(test) : endLine(test));
}

describe('aitrace --help and usage errors', () => {
  it('prints help for the CLI and every command, and exits 2 on a usage error', () => {
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['tree', 'tail', 'validate', 'migrate', 'stats', 'html']) {
      expect(top.stdout).toContain(command);
      const help = runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: aitrace ${command}`);
      expect(help.stdout).toContain('Exit codes');
    }
    const bad = runCli(['tree', fixture('v2-span-lifecycle.jsonl'), '--status', 'sleepy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status must be one of');
    expect(runCli(['frobnicate']).code).toBe(2);
  });

  it('says what is wrong with an option or a file in plain words, with the documented exit code', () => {
    const file = fixture('v2-span-lifecycle.jsonl');
    const cases: [string[], number, string][] = [
      [['tree', '--bogus', file], 2, 'aitrace: unknown option --bogus\n'],
      [['tree', '--depth', '-1', file], 2, 'aitrace: --depth needs a value; to pass one that starts with "-", write --depth=VALUE\n'],
      [['tree', '--depth=-1', file], 2, 'aitrace: --depth must be a whole number, got "-1"\n'],
      [['stats', file, '--top'], 2, 'aitrace: --top needs a value\n'],
      [['tree', '--trace', 'be97-f2', file], 2, 'aitrace: --trace must be a trace id or its first hex digits, got "be97-f2"\n'],
      [['tree', 'no-such.jsonl'], 1, 'aitrace: no-such.jsonl: no such file or directory\n'],
      [['migrate', 'no-such.jsonl', 'out.jsonl'], 1, 'aitrace: no-such.jsonl: no such file or directory\n'],
      [['validate', tmpdir()], 1, `aitrace: ${tmpdir()}: is a directory, not a trace file\n`],
    ];
    for (const [args, code, stderr] of cases) {
      const result = runCli(args);
      expect({ args, code: result.code, stderr: result.stderr.split('Run "')[0] }).toEqual({ args, code, stderr });
    }
  });
});

describe('aitrace tree', () => {
  it('shows the nested spans with durations, status, events and logs', () => {
    const { code, stdout } = runCli(['tree', fixture('v2-span-lifecycle.jsonl')]);
    expect(code).toBe(0);
    expect(stdout).toContain(`trace ${TRACE}`);
    expect(stdout).toMatch(/└─ ✓ agent\.run 120ms task=summarise inbox/);
    expect(stdout).toMatch(/├─ ✓ tool\.search 45\.0ms/);
    expect(stdout).toContain('info search_results hits=3');
    expect(stdout).toMatch(/✗ llm\.call 40\.0ms error: model timed out after 30s/);
    expect(stdout).toContain('! exception TimeoutError: model timed out after 30s');
    expect(stdout).not.toContain('\x1b[');
  });

  it('marks spans of a crashed process as cut off and reports the truncated last line', () => {
    const { code, stdout, stderr } = runCli(['tree', fixture('crashed-process.jsonl')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/✂ cut off agent\.run/);
    expect(stdout).toMatch(/✂ cut off db\.write/);
    expect(stdout).toMatch(/✓ tool\.fetch/);
    expect(stderr).toMatch(/crashed-process\.jsonl:6: truncated line/);
    expect(runCli(['tree', '--live', fixture('crashed-process.jsonl')]).stdout).toMatch(/▶ running agent\.run/);
  });

  it('builds trees from out-of-order lines, keeps orphans and counts duplicates once', () => {
    const ordered = runCli(['tree', fixture('out-of-order.jsonl'), '--json']);
    const forest = JSON.parse(ordered.stdout) as { traces: { trace_id: string; roots: { name: string; children: { name: string }[] }[] }[] };
    expect(forest.traces.map((t) => t.roots.map((r) => r.name))).toEqual([['root.a'], ['other.trace']]);
    expect(forest.traces[0]?.roots[0]?.children.map((c) => c.name)).toEqual(['child.b', 'child.no_start']);
    const orphans = runCli(['tree', fixture('orphans.jsonl')]);
    expect(orphans.stdout).toContain('orphan.work');
    expect(orphans.stdout).toContain('(orphan: parent ffffffffffffff01 not found)');
    expect(orphans.stdout).toContain('2 spans');
  });

  it('filters by trace, name, attribute, status and depth, and reads stdin', () => {
    const file = fixture('v2-span-lifecycle.jsonl');
    expect(runCli(['tree', file, '--trace', 'be97f2']).stdout).toContain('agent.run');
    expect(runCli(['tree', file, '--trace', '0000']).stderr).toContain('no spans match');
    const byName = runCli(['tree', file, '--name', 'llm']).stdout;
    expect(byName).toContain('llm.call');
    expect(byName).not.toContain('tool.search');
    expect(runCli(['tree', file, '--where', 'query=invoices']).stdout).not.toContain('llm.call');
    expect(runCli(['tree', file, '--status', 'error']).stdout).not.toContain('tool.search');
    const shallow = runCli(['tree', file, '--depth', '0']).stdout;
    expect(shallow).toContain('2 child span(s) below --depth');
    const piped = runCli(['tree', '-'], { input: readFileSync(file, 'utf8') });
    expect(piped.stdout).toContain('agent.run');
  });

  it('uses colours on a terminal and plain text when piped', () => {
    const file = fixture('v2-span-lifecycle.jsonl');
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${BIN} tree ${file}`, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: undefined, TERM: 'xterm' },
    });
    expect(tty.stdout).toContain('\x1b[32m✓');
    expect(runCli(['tree', file]).stdout).not.toContain('\x1b[');
  });
});

describe('aitrace validate', () => {
  it('prints FILE:LINE: field: message for every problem and exits 1', () => {
    const file = fixture('invalid-lines.jsonl');
    const { code, stdout } = runCli(['validate', file]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${file}:2: __tracer_meta__.timestamp: must be UTC ISO-8601`);
    expect(stdout).toContain(`${file}:3: invalid JSON`);
    expect(stdout).toContain(`${file}:4: $: a record must be a JSON object`);
    expect(stdout).toContain(`${file}:5: __tracer_meta__.trace_id: must be 32 lower-case hex digits`);
    expect(stdout).toContain(`${file}:5: __tracer_meta__.span_id: must be 16 lower-case hex digits`);
    expect(stdout).toContain(`${file}:6: __tracer_meta__: must be an object`);
    expect(stdout).toContain(`${file}:7: __tracer_meta__.event: is required`);
    expect(stdout).not.toContain(`${file}:1:`);
    const json = JSON.parse(runCli(['validate', '--json', file]).stdout) as { records: number; problems: unknown[] };
    expect(json.records).toBe(1);
  });

  it('accepts the files the writers produce', () => {
    for (const name of ['v2-span-lifecycle.jsonl', 'v2-compat.jsonl', 'v2-collisions.jsonl', 'v2-non-json-values.jsonl']) {
      expect(runCli(['validate', fixture(name)])).toMatchObject({ code: 0, stdout: '' });
    }
  });
});

describe('aitrace migrate', () => {
  it('rewrites v1 records into valid current records without losing a field', () => {
    const out = join(tmp(), 'migrated.jsonl');
    const { code, stdout } = runCli(['migrate', fixture('v1-layout.jsonl'), out]);
    expect(code).toBe(0);
    expect(stdout).toContain('3 record(s) migrated');
    expect(stdout).toContain('moved lineno -> __tracer_meta__.line: 1');
    expect(stdout).toContain('moved parent -> __tracer_meta__.parent_span_id: 1');
    expect(runCli(['validate', out])).toMatchObject({ code: 0 });
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>);
    expect(lines[0]?.__tracer_meta__).toMatchObject({
      type: 'span_start',
      name: 'process_batch',
      file: 'aitrace/decorators.py',
      line: 44,
      function: 'wrapper',
      scope: 'batch',
    });
    expect(lines[1]).toMatchObject({ batch_id: 1, count: 3, items: [{ id: 'x', tags: ['a', 'b'] }] });
    expect(lines[1]?.__tracer_meta__).toMatchObject({ parent_span_id: 'a1b2c3d4e5f60718', timestamp: '2025-10-26T12:34:15.202795Z', level: 'info' });
    expect(lines[2]).toMatchObject({ rows_written: 3 });
    expect(lines[2]?.__tracer_meta__).toMatchObject({ type: 'span_end', duration_ms: 11.593, status: 'ok' });
  });

  it('refuses to overwrite without --force', () => {
    const out = join(tmp(), 'exists.jsonl');
    writeFileSync(out, 'keep me\n');
    const result = runCli(['migrate', fixture('v1-layout.jsonl'), out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --force');
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');
  });
});

describe('aitrace stats', () => {
  it('reports count, errors and durations per span name, and the slowest traces', () => {
    const { code, stdout } = runCli(['stats', '--json', fixture('v2-span-lifecycle.jsonl')]);
    expect(code).toBe(0);
    const stats = JSON.parse(stdout) as {
      spans: { name: string; count: number; errors: number; max_ms: number }[];
      slowest_traces: { trace_id: string; duration_ms: number }[];
    };
    expect(stats.spans.find((s) => s.name === 'llm.call')).toMatchObject({ count: 1, errors: 1, max_ms: 40 });
    expect(stats.slowest_traces[0]).toEqual({ trace_id: TRACE, root: 'agent.run', duration_ms: 120 });
    // A span that never ended is counted as open, with no made-up durations.
    expect(runCli(['stats', fixture('crashed-process.jsonl')]).stdout).toMatch(/agent\.run\s+0\s+0\s+1\s+-\s+-\s+-\n/);
    const crashed = JSON.parse(runCli(['stats', '--json', fixture('crashed-process.jsonl')]).stdout) as { spans: { name: string }[] };
    expect(crashed.spans.find((s) => s.name === 'agent.run')).toMatchObject({ count: 0, unfinished: 1, p50_ms: null, p95_ms: null, max_ms: null });
  });
});

describe('aitrace tail -f', () => {
  const running: ReturnType<typeof startCli>[] = [];
  afterEach(() => {
    for (const cli of running.splice(0)) cli.child.kill();
  });

  it('shows a span as running, then final when its end is appended', async () => {
    const file = join(tmp(), 'live.jsonl');
    writeFileSync(file, spanRecord('start', 'a1a1a1a1a1a1a1a1', 'long.job', { step: 1 }));
    const cli = startCli(['tail', '-f', '--interval', '20', file]);
    running.push(cli);
    await cli.waitFor(/start\s+▶ running long\.job/);
    appendFileSync(file, spanRecord('end', 'a1a1a1a1a1a1a1a1', 'long.job', { step: 2 }));
    await cli.waitFor(/end\s+✓ long\.job 12\.5ms/);
  });

  it('prints an end line for a span whose start and end arrive in one read', async () => {
    const file = join(tmp(), 'quick.jsonl');
    writeFileSync(file, '');
    const cli = startCli(['tail', '-f', '--interval', '20', file]);
    running.push(cli);
    appendFileSync(file, spanRecord('start', 'c1c1c1c1c1c1c1c1', 'quick.job') + spanRecord('end', 'c1c1c1c1c1c1c1c1', 'quick.job'));
    await cli.waitFor(/end\s+✓ quick\.job 12\.5ms/);
    expect(cli.output()).not.toMatch(/start\s+✓ quick\.job/);
  });

  it('keeps following across rotation', async () => {
    const dir = tmp();
    const file = join(dir, 'trace.jsonl');
    writeFileSync(file, spanRecord('start', 'b1b1b1b1b1b1b1b1', 'before.rotation'));
    const cli = startCli(['tail', '-f', '--interval', '20', file]);
    running.push(cli);
    await cli.waitFor(/before\.rotation/);
    renameSync(file, join(dir, 'trace.1.jsonl'));
    writeFileSync(file, spanRecord('end', 'b1b1b1b1b1b1b1b1', 'before.rotation'));
    await cli.waitFor(/was rotated/);
    await cli.waitFor(/end\s+✓ before\.rotation/);
  });
});

describe('files written by the real OpenTelemetry bridge', () => {
  it("shows the agent example's trace: LLM calls with model and tokens, the conversation, tool calls with HTTP spans under them, the failures", () => {
    const file = join(tmp(), 'agent.jsonl');
    const agentDir = fileURLToPath(new URL('../../examples/agent/', import.meta.url));
    const run = spawnSync(process.execPath, [join(agentDir, 'agent.mjs'), file], { cwd: agentDir, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(0);
    const { code, stdout } = runCli(['tree', '--messages', file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/trace [0-9a-f]{32} {2}research-agent {2}20 spans {2}4 errors {2}\S+ {2}∑ in \d+ · out \d+ tok \(2 LLM calls\)/);
    expect(stdout).toMatch(/├─ ✓ chat gpt-4o-mini \[client\] [\d.]+ms gpt-4o-mini-local in \d+ · out \d+ tok/);
    expect(stdout).toContain('user: Explain trace files: look up [tracing], [jsonl] and [quantum].');
    expect(stdout).toContain('assistant → search_docs({"topic":"quantum"}) call_3 [tool_calls]');
    expect(stdout).toMatch(/✗ execute_tool search_docs [\d.]+ms error: no document about quantum/);
    expect(stdout).toMatch(/│ {2}└─ ✓ search_docs [\d.]+ms args=\["tracing"\]/);
    expect(stdout).toMatch(/✗ send_email [\d.]+ms error: mail server refused the message/);
    expect(runCli(['validate', file])).toMatchObject({ code: 0 });
  });
});

describe('aitrace serve', () => {
  it('starts the trace server, ingests a watched file and answers the query API', async () => {
    const cli = startCli([
      'serve',
      '--port',
      '0',
      '--otlp-http-port',
      'off',
      '--otlp-grpc-port',
      'off',
      '--db',
      ':memory:',
      '--watch',
      fixture('v2-span-lifecycle.jsonl'),
    ]);
    try {
      await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(cli.output())![1]!;
      let traces: { traceId: string; rootName: string; spanCount: number; errorCount: number }[] = [];
      for (let attempt = 0; attempt < 50 && traces.length === 0; attempt++) {
        traces = ((await (await fetch(`${url}/api/traces`)).json()) as { traces: typeof traces }).traces;
        if (traces.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(traces).toEqual([expect.objectContaining({ traceId: TRACE, rootName: 'agent.run', spanCount: 3, errorCount: 1 })]);
    } finally {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });
});

describe('aitrace serve as the VS Code extension starts it', () => {
  it('runs two viewers side by side with the default serve arguments (they open no OTLP port)', async () => {
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../packages/vscode/package.json', import.meta.url)), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default: string[] }> } };
    };
    const defaults = manifest.contributes.configuration.properties['aitrace.viewer.serveArgs']!.default;
    const viewers = [1, 2].map(() => startCli(defaults.map((arg) => arg.replaceAll('${port}', '0').replaceAll('${file}', fixture('v2-span-lifecycle.jsonl')))));
    try {
      for (const viewer of viewers) await viewer.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+\//);
      for (const viewer of viewers) expect(viewer.output()).not.toMatch(/OTLP\/HTTP \(protobuf, JSON\): http:\/\/127\.0\.0\.1:\d+\/ \(|OTLP\/gRPC/);
    } finally {
      for (const viewer of viewers) viewer.child.kill('SIGINT');
      await Promise.all(viewers.map((viewer) => viewer.exited));
    }
  });
});
