// The span workloads of the span-path bench, shared by the timing run (spanPath.mjs) and the instruction count
// (spanInstructions.mjs). Each `run(tracer, n)` makes n spans (counting a nested tree as its spans) the way real
// code makes them: attributes at start, more set before the end where the instrumentation does that.
import { context, SpanKind, trace } from '@opentelemetry/api';

const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** A 4 KB prompt: chat text with a newline and quotes every line, as a model call carries it. */
const PROMPT = Array.from({ length: 64 }, (_, i) => `line ${i}: the user asked "what changed in the build?" and the agent must read`)
  .join('\n')
  .slice(0, 4096);
const COMPLETION =
  'The build changed in three places:\n1. the encoder reuses attribute bytes;\n2. call sites are captured once;\n3. the bench reports the spread.'.repeat(8);

function small(tracer, n) {
  for (let i = 0; i < n; i++)
    tracer.startSpan('GET /items/:id', { attributes: { 'http.request.method': 'GET', 'http.route': '/items/:id', 'item.id': i } }).end();
  return n;
}

// What @opentelemetry/instrumentation-http sets (old semantic conventions, its default): request attributes at
// start, the response and socket attributes with setAttributes when the response is done.
function httpServer(tracer, i) {
  const span = tracer.startSpan('GET /api/orders/:id', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.url': `http://localhost:8080/api/orders/${i}?expand=items`,
      'http.host': 'localhost:8080',
      'net.host.name': 'localhost',
      'http.method': 'GET',
      'http.scheme': 'http',
      'http.target': `/api/orders/${i}?expand=items`,
      'http.user_agent': USER_AGENT,
      'http.flavor': '1.1',
      'net.transport': 'ip_tcp',
    },
  });
  span.setAttributes({
    'net.host.ip': '127.0.0.1',
    'net.host.port': 8080,
    'net.peer.ip': '127.0.0.1',
    'net.peer.port': 52344 + (i % 1000),
    'http.status_code': 200,
    'http.status_text': 'OK',
  });
  return span;
}

function httpClient(tracer, i) {
  const span = tracer.startSpan('GET', {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.url': `http://inventory:9090/stock/${i}`,
      'http.method': 'GET',
      'http.target': `/stock/${i}`,
      'net.peer.name': 'inventory',
      'http.host': 'inventory:9090',
    },
  });
  span.setAttributes({
    'net.peer.ip': '10.0.0.12',
    'net.peer.port': 9090,
    'http.response_content_length_uncompressed': 512,
    'http.status_code': 200,
    'http.status_text': 'OK',
    'http.flavor': '1.1',
    'net.transport': 'ip_tcp',
  });
  return span;
}

/** A server span with one client span inside it, both ended: two spans. */
function http(tracer, n) {
  for (let i = 0; i < n; i += 2) {
    const server = httpServer(tracer, i);
    const client = httpClient(tracer, i);
    client.end();
    server.end();
  }
  return n;
}

// An agent run: a root, steps under it, a tool call under each step; eight mixed attributes each, set at start.
function agentAttributes(kind, i) {
  return {
    'agent.name': 'planner',
    'agent.step': i,
    'agent.kind': kind,
    'agent.done': false,
    'agent.tools': ['search', 'read_file', 'write_file'],
    'agent.score': 0.75,
    'session.id': 'sess-4f1c2a',
    'agent.input_chars': 1200 + i,
  };
}

function agent(tracer, n) {
  let made = 0;
  while (made < n) {
    const root = tracer.startSpan('agent.run', { attributes: agentAttributes('run', made) });
    const rootContext = trace.setSpan(context.active(), root);
    made++;
    for (let step = 0; step < 4 && made < n; step++) {
      const stepSpan = tracer.startSpan('agent.step', { attributes: agentAttributes('step', step) }, rootContext);
      made++;
      if (made < n) {
        tracer.startSpan('tool.call', { attributes: agentAttributes('tool', step) }, trace.setSpan(rootContext, stepSpan)).end();
        made++;
      }
      stepSpan.end();
    }
    root.end();
  }
  return made;
}

// A chat model call as the GenAI conventions describe it: request attributes and the prompt at start, the
// response and usage at the end.
function genai(tracer, n) {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan('chat gpt-4o', {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.request.max_tokens': 1024,
        'gen_ai.request.temperature': 0.2,
        'gen_ai.prompt': PROMPT,
      },
    });
    span.setAttributes({
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.id': `chatcmpl-${i}`,
      'gen_ai.usage.input_tokens': 950,
      'gen_ai.usage.output_tokens': 120,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.completion': COMPLETION,
    });
    span.end();
  }
  return n;
}

/** The workloads by name, with how many spans a timing round makes (big spans take fewer). */
export const WORKLOADS = {
  small: { label: 'small: 3 attributes', run: small, spans: 20_000 },
  http: { label: 'HTTP server + client: 15 and 12 attributes, the response ones set before the end', run: http, spans: 10_000 },
  agent: { label: 'agent: nested run/step/tool, 8 mixed attributes incl. an array', run: agent, spans: 10_000 },
  genai: { label: 'GenAI chat: a 4 KB prompt at start, response, usage and a 1 KB completion at the end', run: genai, spans: 4_000 },
};
