import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { normalizeRecord, type NormalizedRecord } from '@aitrace/format';
import { resetConfig, setConfig } from '@aitrace/format/config';
import { createAitrace } from '../createAitrace.js';
import { MemorySink } from '../sinks/MemorySink.js';
import { autoSpan } from './autoSpan.js';
import { BufferedTrace } from './BufferedTrace.js';
import { getLogger } from './getLogger.js';
import { span } from './span.js';
import { traceContext } from './traceContext.js';

const sink = new MemorySink();
const buffered = new BufferedTrace({ output: join(mkdtempSync(join(tmpdir(), 'aitrace-buffered-')), 'run-{pid}.jsonl') });
const aitrace = createAitrace({ output: sink, sync: true, config: false });
const tracerProvider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor, buffered] });
const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor, buffered] });

function records(): NormalizedRecord[] {
  return sink.records().map((raw) => {
    const result = normalizeRecord(raw);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.record;
  });
}
const ends = () => records().filter((r) => r.type === 'span_end');
const endOf = (name: string) => ends().find((r) => r.name === name);

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  logs.setGlobalLoggerProvider(loggerProvider);
});
afterAll(() => {
  trace.disable();
  context.disable();
  logs.disable();
});
beforeEach(() => sink.clear());

describe('span()', () => {
  it('runs sync and async functions in nested spans and returns their values', async () => {
    const value = await span('outer', async () => {
      const inner = span('inner.sync', () => 21 * 2);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return inner;
    });
    expect(value).toBe(42);
    expect(endOf('inner.sync')?.parentSpanId).toBe(endOf('outer')?.spanId);
    expect(endOf('outer')?.status).not.toBe('error');
  });

  it('records a throw or a rejection as an exception event and error status, rethrows, and ends the span', async () => {
    expect(() =>
      span('sync.fail', () => {
        throw new TypeError('bad input');
      }),
    ).toThrow('bad input');
    await expect(span('async.fail', async () => Promise.reject(new Error('remote down')))).rejects.toThrow('remote down');
    for (const [name, message] of [
      ['sync.fail', 'bad input'],
      ['async.fail', 'remote down'],
    ]) {
      expect(endOf(name!)).toMatchObject({ status: 'error', statusMessage: message });
      const event = records().find((r) => r.type === 'span_event' && r.spanId === endOf(name!)?.spanId);
      expect(event?.attrs['exception.message']).toBe(message);
    }
  });
});

describe('autoSpan()', () => {
  it('keeps this, arguments and the return value; names the span after the function; captures scrubbed args on request', () => {
    const account = {
      rate: 2,
      charge: autoSpan(
        function charge(this: { rate: number }, amount: number, card: { number: string; cvv_token: string }) {
          return amount * this.rate + card.number.length;
        },
        { captureArgs: true },
      ),
    };
    expect(account.charge(10, { number: '4242', cvv_token: '123' })).toBe(24);
    expect(account.charge.name).toBe('charge');
    const end = endOf('charge');
    expect(JSON.parse(String(end?.attrs.args))).toEqual([10, { number: '4242', cvv_token: '[redacted: key names a credential]' }]);
    expect(records().filter((r) => r.event === 'charge.start')).toHaveLength(1);
  });

  it('keeps generator semantics: the span covers the iteration and nests work done inside it', async () => {
    const countUp = autoSpan(function* numbers(limit: number) {
      for (let i = 0; i < limit; i++) yield span(`item.${i}`, () => i);
    });
    expect([...countUp(3)]).toEqual([0, 1, 2]);
    expect(endOf('item.2')?.parentSpanId).toBe(endOf('numbers')?.spanId);
    const readPages = autoSpan(async function* pages() {
      yield 'a';
      await new Promise((resolve) => setTimeout(resolve, 1));
      yield 'b';
    });
    const seen: string[] = [];
    for await (const page of readPages()) seen.push(page);
    expect(seen).toEqual(['a', 'b']);
    expect(endOf('pages')).toBeDefined();
  });

  it('decorates class methods (TC39 decorators), static ones too, with and without options', async () => {
    class Agent {
      calls = 0;
      @autoSpan
      async plan(goal: string): Promise<string> {
        this.calls++;
        return `plan for ${goal}`;
      }
      @autoSpan({ name: 'agent.fail' })
      fail(): never {
        throw new Error('no plan');
      }
      @autoSpan
      static create(): Agent {
        return new Agent();
      }
    }
    const agent = Agent.create();
    expect(await agent.plan('tea')).toBe('plan for tea');
    expect(agent.calls).toBe(1);
    expect(() => agent.fail()).toThrow('no plan');
    // Class.method; transpilers that lower decorators may rename the class (esbuild: `_Agent`).
    expect(ends().map((r) => r.name)).toEqual(expect.arrayContaining([expect.stringMatching(/Agent\.create$/), expect.stringMatching(/Agent\.plan$/)]));
    expect(endOf('agent.fail')?.status).toBe('error');
  });
});

describe('traceContext()', () => {
  it('starts a new trace even inside another span, and offers a disposable scope', () => {
    span('unrelated', () => traceContext('job.run', () => span('job.step', () => undefined)));
    expect(endOf('job.run')?.parentSpanId).toBeUndefined();
    expect(endOf('job.run')?.traceId).not.toBe(endOf('unrelated')?.traceId);
    expect(endOf('job.step')?.parentSpanId).toBe(endOf('job.run')?.spanId);
    {
      using scope = traceContext('scoped.job');
      scope.run(() => span('scoped.step', () => undefined));
      expect(endOf('scoped.job')).toBeUndefined();
    }
    expect(endOf('scoped.step')?.parentSpanId).toBe(endOf('scoped.job')?.spanId);
  });
});

/** The line this is called from, as V8 reports it (mapped to the source under the test runner). */
function lineHere(): number {
  return Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split('\n')[2]!)![1]);
}

describe('call sites by default', () => {
  it('autoSpan records where the function was wrapped, read once: every call carries the same site', () => {
    const wrapLine = lineHere() + 1;
    const work = autoSpan(function compute(n: number) {
      return n * 2;
    });
    const callFromHere = (n: number) => work(n);
    expect(callFromHere(1) + work(2)).toBe(6);
    const computed = ends().filter((r) => r.name === 'compute');
    expect(computed).toHaveLength(2);
    for (const end of computed) {
      expect(end.file).toBe('packages/otel/src/api/api.test.ts');
      expect(end.line).toBe(wrapLine);
    }
  });

  it('span(), traceContext() and decorated methods record their caller; code attributes the caller set win', () => {
    const spanLine = lineHere() + 1;
    span('here.span', () => undefined);
    const scopeLine = lineHere() + 1;
    traceContext('here.scope').end();
    span('given.site', () => undefined, { attributes: { 'code.file.path': 'src/elsewhere.ts', 'code.line.number': 3 } });
    class Worker {
      @autoSpan
      run(): number {
        return 1;
      }
    }
    new Worker().run();
    expect(endOf('here.span')).toMatchObject({ file: 'packages/otel/src/api/api.test.ts', line: spanLine });
    expect(endOf('here.scope')).toMatchObject({ file: 'packages/otel/src/api/api.test.ts', line: scopeLine });
    expect(endOf('given.site')).toMatchObject({ file: 'src/elsewhere.ts', line: 3 });
    expect(endOf('Worker.run')?.file).toBe('packages/otel/src/api/api.test.ts');
  });

  it('captureCallSite: false leaves spans and logs without a site', () => {
    autoSpan(() => 1, { name: 'no.site.auto', captureCallSite: false })();
    span('no.site.span', () => undefined, { captureCallSite: false });
    traceContext('no.site.scope', { captureCallSite: false }).end();
    setConfig({ captureCallSite: false });
    try {
      span('no.site.config', () => undefined);
      getLogger('config').info('no_site_config');
    } finally {
      resetConfig();
    }
    expect(records().find((r) => r.event === 'no_site_config')?.file).toBeUndefined();
    for (const name of ['no.site.auto', 'no.site.span', 'no.site.scope', 'no.site.config']) {
      expect(endOf(name)?.file).toBeUndefined();
      expect(endOf(name)?.attrs['code.file.path']).toBeUndefined();
    }
  });
});

describe('getLogger()', () => {
  it("emits records linked to the active span with nested data, levels, bindings and the caller's file and line", () => {
    const log = getLogger('batch').child({ worker: 'w1' });
    let line = 0;
    span('process.batch', () => {
      line = new Error().stack!.split('\n')[1]!.match(/:(\d+):\d+\)?$/)![1] as unknown as number;
      log.info('batch_started', { batch_id: 1, items: [{ id: 'a', meta: { tags: ['x'] } }] }); // same line + 1
      log.warn('slow_item', { ms: 250 });
    });
    const started = records().find((r) => r.event === 'batch_started');
    expect(started).toMatchObject({ type: 'log', level: 'info', severityNumber: 9, scope: 'batch', spanId: endOf('process.batch')?.spanId });
    expect(started?.attrs).toEqual({ worker: 'w1', batch_id: 1, items: [{ id: 'a', meta: { tags: ['x'] } }] });
    expect(started?.file).toMatch(/api\.test\.ts$/);
    expect(started?.line).toBe(Number(line) + 1);
    expect(records().find((r) => r.event === 'slow_item')?.level).toBe('warn');
    getLogger('quiet', { captureCallSite: false }).info('no_site');
    expect(records().find((r) => r.event === 'no_site')?.file).toBeUndefined();
  });

  it('scrubs sensitive keys at any depth, with a marker that says why, and honours extra patterns and callbacks', () => {
    const log = getLogger('auth', {
      scrub: { patterns: ['ssn'], redact: (key, value) => (key === 'email' && typeof value === 'string' ? 'personal data' : undefined) },
    });
    log.info('login', { user: 'ada', password: 'hunter2', nested: { headers: { Authorization: 'Bearer x', accept: 'json' } }, ssn: '123', email: 'a@b.c' });
    const login = records().find((r) => r.event === 'login');
    expect(login?.attrs).toEqual({
      user: 'ada',
      password: '[redacted: key names a credential]',
      nested: { headers: { Authorization: '[redacted: key names a credential]', accept: 'json' } },
      ssn: '[redacted: key matches "ssn"]',
      email: '[redacted: personal data]',
    });
  });

  it('scrubs span attributes written by any instrumentation', () => {
    span('http.call', (active) => active.setAttribute('http.request.header.cookie', 'session=1'));
    expect(endOf('http.call')?.attrs['http.request.header.cookie']).toBe('[redacted: key names a credential]');
  });
});

describe('BufferedTrace', () => {
  it("writes only the run's records to its file when the run completes", async () => {
    span('not.part.of.the.run', () => undefined);
    const result = await buffered.run('agent.run', async () => {
      getLogger('agent').info('step', { n: 1 });
      return span('tool.call', () => 'done');
    });
    expect(result).toBe('done');
    const lines = readFileSync(buffered.lastOutput!, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { __tracer_meta__: { event: string } });
    expect(lines.map((l) => l.__tracer_meta__.event)).toEqual(['agent.run.start', 'step', 'tool.call.start', 'tool.call.end', 'agent.run.end']);
  });

  it('writes the file when the run fails, and rethrows', async () => {
    await expect(
      buffered.run('agent.fail', async () => {
        span('partial.step', () => undefined);
        throw new Error('model refused');
      }),
    ).rejects.toThrow('model refused');
    const text = readFileSync(buffered.lastOutput!, 'utf8');
    expect(text).toContain('"event":"exception"');
    expect(text).toContain('"status":"error"');
    expect(text).toContain('partial.step.end');
  });
});
