// A loopback load client: posts JSONL batches to a trace server at a fixed rate for a fixed time, the way a
// fleet of writers streams spans (the starts of a trace in one batch, their ends in the next), and prints what it
// sent and what came back as one JSON line.
// argv: base URL, duration ms, batches per second, spans per batch, logs per batch, largest number of requests in flight.
import { Agent, request } from 'node:http';

const [baseUrl, durationArg, rateArg, spansArg, logsArg, inFlightArg] = process.argv.slice(2);
const durationMs = Number(durationArg);
const batchesPerSecond = Number(rateArg);
const spansPerBatch = Number(spansArg);
const logsPerBatch = Number(logsArg);
const maxInFlight = Number(inFlightArg);
const url = new URL('/api/ingest', baseUrl);
const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });

const T0 = Date.UTC(2025, 9, 26, 12) * 1000;
const hex = (n, width) => n.toString(16).padStart(width, '0');
const traceId = (batch) => `10ad${hex(process.pid, 12)}${hex(batch + 1, 16)}`;
const spanId = (span) => hex(span + 1, 16);

function timestamp(us) {
  const seconds = Math.floor(us / 1e6);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(us - seconds * 1e6).padStart(6, '0')}Z`;
}

function meta(fields) {
  return `{"__tracer_meta__":${JSON.stringify({ format_version: 2, ...fields })}`;
}

/** The lines of batch `batch`: the starts and logs of its trace, and the ends of the previous batch's trace. */
function batchLines(batch) {
  const lines = [];
  const startUs = T0 + batch * 1_000_000;
  const trace = traceId(batch);
  for (let s = 0; s < spansPerBatch; s++) {
    const parent = s === 0 ? {} : { parent_span_id: spanId(0) };
    lines.push(
      `${meta({ timestamp: timestamp(startUs + s), event: `op.${s % 7}.start`, type: 'span_start', trace_id: trace, span_id: spanId(s), ...parent, name: `op.${s % 7}`, kind: 'internal', provisional: true, service: 'load' })},"seq":${s},"route":"/items/${batch}"}`,
    );
  }
  for (let l = 0; l < logsPerBatch; l++) {
    lines.push(
      `${meta({ timestamp: timestamp(startUs + 100 + l), event: 'item.processed', type: 'log', level: 'info', trace_id: trace, span_id: spanId(l % spansPerBatch), service: 'load' })},"item":${l},"note":"load test record ${batch}/${l}"}`,
    );
  }
  if (batch > 0) lines.push(...endLines(batch - 1));
  return lines;
}

function endLines(batch) {
  const lines = [];
  const startUs = T0 + batch * 1_000_000;
  for (let s = 0; s < spansPerBatch; s++) {
    const parent = s === 0 ? {} : { parent_span_id: spanId(0) };
    lines.push(
      `${meta({ timestamp: timestamp(startUs + 500 + s), event: `op.${s % 7}.end`, type: 'span_end', trace_id: traceId(batch), span_id: spanId(s), ...parent, name: `op.${s % 7}`, kind: 'internal', status: s % 50 === 49 ? 'error' : 'ok', start_time: timestamp(startUs + s), duration_ms: (500 - s) / 1000, service: 'load' })},"seq":${s}}`,
    );
  }
  return lines;
}

const stats = { batches: 0, lines: 0, accepted: 0, statuses: {}, errors: [], latenciesMs: [], late: 0, maxInFlight: 0 };
let inFlight = 0;

function post(lines) {
  const body = `${lines.join('\n')}\n`;
  stats.batches++;
  stats.lines += lines.length;
  inFlight++;
  stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
  const began = performance.now();
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/x-ndjson', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          inFlight--;
          stats.latenciesMs.push(performance.now() - began);
          stats.statuses[res.statusCode] = (stats.statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode === 200) stats.accepted += JSON.parse(text).accepted;
          else if (stats.errors.length < 5) stats.errors.push(`${res.statusCode} ${text.slice(0, 300)}`);
          resolve();
        });
      },
    );
    req.on('error', (error) => {
      inFlight--;
      if (stats.errors.length < 5) stats.errors.push(error.message);
      stats.statuses.error = (stats.statuses.error ?? 0) + 1;
      resolve();
    });
    req.end(body);
  });
}

const pending = [];
const began = performance.now();
const total = Math.floor((durationMs / 1000) * batchesPerSecond);
for (let batch = 0; batch < total; batch++) {
  // Open loop: each batch has its own send time; a server that falls behind cannot slow the schedule down.
  const due = began + (batch * 1000) / batchesPerSecond;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  else if (wait < -100) stats.late++;
  pending.push(post(batchLines(batch)));
}
pending.push(post(endLines(total - 1)));
await Promise.all(pending);
const elapsedMs = performance.now() - began;
agent.destroy();

const sorted = stats.latenciesMs.sort((a, b) => a - b);
const at = (p) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 10) / 10;
const { latenciesMs: _latencies, ...rest } = stats;
console.log(
  JSON.stringify({
    ...rest,
    traces: total,
    spansPerTrace: spansPerBatch,
    logsPerTrace: logsPerBatch,
    elapsedMs: Math.round(elapsedMs),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: at(1),
  }),
);
