// The span processor's fast path (metadata as JSON text, the flat attribute writer, the start's bytes reused at
// the end) must write byte for byte what the general encoder writes for the same span, on every workload shape.
import { context, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { codeLocation, encodeRecord, Scrubber, spanEndMeta, spanEventMeta, spanStartMeta, validateRecord } from '@aitrace/format';
import { sdkSpanInput } from './sdkSpanInput.js';
import { MemorySink } from './sinks/MemorySink.js';
import { TraceRecordSpanProcessor } from './TraceRecordSpanProcessor.js';

/** The reference: every record through `encodeRecord` from the general metadata mapping, nothing cached or reused. */
class GeneralEncoderProcessor implements SpanProcessor {
  readonly lines: string[] = [];
  private readonly scrubber = new Scrubber();
  constructor(private readonly compatMode: boolean) {}

  private write(meta: ReturnType<typeof spanStartMeta>, attributes: Record<string, unknown> | undefined): void {
    const data = attributes === undefined ? undefined : this.scrubber.scrub(attributes);
    if (attributes !== undefined && this.scrubber.scrubbed !== undefined) meta.scrubbed = this.scrubber.scrubbed;
    this.lines.push(encodeRecord(meta, data, { compatMode: this.compatMode }));
  }

  onStart(span: Span): void {
    this.write(spanStartMeta(sdkSpanInput(span, false), codeLocation(span.attributes), process.pid), span.attributes);
  }

  onEnd(span: ReadableSpan): void {
    const input = sdkSpanInput(span, true);
    for (const event of span.events) this.write(spanEventMeta(input, event, process.pid), event.attributes);
    this.write(spanEndMeta(input, codeLocation(span.attributes), process.pid), span.attributes);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function both(compatMode = false) {
  const sink = new MemorySink();
  const reference = new GeneralEncoderProcessor(compatMode);
  const provider = new BasicTracerProvider({
    spanProcessors: [new TraceRecordSpanProcessor({ output: sink, sync: true, config: false, compatMode }), reference],
  });
  return { tracer: provider.getTracer('exact "scope"', '1.0.0'), sink, reference };
}

const PROMPT = Array.from({ length: 64 }, (_, i) => `line ${i}: the user said "hi"\tand\\left`)
  .join('\n')
  .slice(0, 4096);

const SHAPES: Record<string, (tracer: Tracer) => void> = {
  small: (tracer) => {
    for (let i = 0; i < 3; i++)
      tracer.startSpan('GET /items/:id', { attributes: { 'http.request.method': 'GET', 'http.route': '/items/:id', 'item.id': i } }).end();
  },
  'HTTP server and client, response attributes added before the end': (tracer) => {
    const server = tracer.startSpan('GET /api/orders/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.url': 'http://localhost:8080/api/orders/1?x="y"',
        'http.method': 'GET',
        'http.user_agent': 'curl/8.0',
        'http.flavor': '1.1',
        'net.transport': 'ip_tcp',
      },
    });
    const client = tracer.startSpan(
      'GET',
      { kind: SpanKind.CLIENT, attributes: { 'http.url': 'http://inventory:9090/stock/1', 'http.method': 'GET' } },
      trace.setSpan(context.active(), server),
    );
    client.setAttributes({ 'net.peer.port': 9090, 'http.status_code': 200 });
    client.end();
    server.setAttributes({ 'net.host.port': 8080, 'http.status_code': 200, 'http.status_text': 'OK' });
    server.end();
  },
  'agent: nested, mixed attributes, an array, a scrubbed key': (tracer) => {
    const attributes = {
      'agent.name': 'planner',
      'agent.step': 1,
      'agent.done': false,
      'agent.tools': ['search', 'read_file'],
      'agent.score': 0.75,
      'session.id': 'sess-1',
      'agent.input_chars': 12,
      empty: '',
    };
    const root = tracer.startSpan('agent.run', { attributes });
    const step = tracer.startSpan('agent.step', { attributes }, trace.setSpan(context.active(), root));
    tracer.startSpan('tool.call', { attributes }, trace.setSpan(context.active(), step)).end();
    step.end();
    root.end();
  },
  'GenAI: a 4 KB prompt with quotes, tabs, backslashes; a secret in it; usage and completion at the end': (tracer) => {
    const span = tracer.startSpan('chat gpt-4o', {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.temperature': 0.2, 'gen_ai.prompt': PROMPT },
    });
    span.setAttributes({
      'gen_ai.usage.input_tokens': 950,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.completion': `${PROMPT} Bearer abcDEF1234567890ghijKLMN`,
    });
    span.end();
    const secret = tracer.startSpan('chat secret', { attributes: { 'gen_ai.prompt': 'use Bearer abcDEF1234567890ghijKLMN now', api_key: 'k' } });
    secret.setAttribute('gen_ai.usage.output_tokens', 3);
    secret.end();
  },
  'unicode, lone surrogates, control characters and quotes in keys and values': (tracer) => {
    tracer
      .startSpan('naïve 😀 "q"\nname', { attributes: { 'clé "quoted"\n': 'é😀\u0001', lone: 'a\ud800b', tail: '\udc00', '\u2028': '\u2029', '': 'empty key' } })
      .end();
  },
  'values the flat writer leaves to the general encoder': (tracer) => {
    tracer.startSpan('non.finite', { attributes: { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, ok: 1 } }).end();
    tracer.startSpan('meta.key', { attributes: { __tracer_meta__: 'user value', $type: 'user tag' } }).end();
    tracer.startSpan('holes', { attributes: { list: [1, null, 3] as unknown as number[], nested: ['a', 'b'] } }).end();
  },
  'attributes changed after the start: overwritten, mutated in place, same value set again': (tracer) => {
    const overwritten = tracer.startSpan('overwritten', { attributes: { a: 1, b: 'x' } });
    overwritten.setAttribute('a', 2);
    overwritten.end();
    const list = ['x', 'y'];
    const mutated = tracer.startSpan('mutated', { attributes: { list } });
    list[1] = 'changed';
    mutated.end();
    const same = tracer.startSpan('same', { attributes: { a: 1, b: 'x' } });
    same.setAttribute('b', 'x');
    same.end();
    const numericKey = tracer.startSpan('numeric.key', { attributes: { a: 1 } });
    numericKey.setAttribute('0', 1);
    numericKey.end();
    const scrubbedLater = tracer.startSpan('scrubbed.later', { attributes: { a: 1 } });
    scrubbedLater.setAttribute('password', 'hunter2');
    scrubbedLater.end();
  },
  'events, status, code attributes and no attributes': (tracer) => {
    const span = tracer.startSpan('with.events', { attributes: { 'code.file.path': 'src/a "b".ts', 'code.line.number': 7, 'code.function.name': 'run' } });
    span.addEvent('step', { token: 'Bearer abcDEF1234567890ghijKLMN' });
    span.setStatus({ code: 2, message: 'failed: "bad"\n' });
    span.end();
    tracer.startSpan('bare').end();
  },
};

describe('TraceRecordSpanProcessor fast path: the same bytes as the general encoder', () => {
  for (const [shape, run] of Object.entries(SHAPES)) {
    for (const compatMode of [false, true]) {
      it(`${shape}${compatMode ? ' (compat mode)' : ''}`, () => {
        const { tracer, sink, reference } = both(compatMode);
        run(tracer);
        expect(sink.lines().length).toBeGreaterThan(0);
        expect(sink.lines()).toEqual(reference.lines);
        for (const record of sink.records()) expect(validateRecord(record)).toEqual([]);
      });
    }
  }

  it('reuses nothing stale: an end record shows attributes changed after the start', () => {
    const { tracer, sink } = both();
    const span = tracer.startSpan('changed', { attributes: { list: ['x', 'y'], n: 1 } });
    span.setAttribute('n', 2);
    span.setAttribute('added', true);
    span.end();
    expect(sink.records().at(-1)).toMatchObject({ list: ['x', 'y'], n: 2, added: true });
  });
});
