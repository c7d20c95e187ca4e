// Starts spans and emits logs in a loop until it dies the way it is told to. Every accepted operation is noted
// in a ledger file before the next one starts, so the test knows exactly what the app handed to the tracer.
// argv: trace file, ledger file, mode (sync|async), death (sigkill|sigterm|sigint|throw|reject|exit), ops before a
// self-inflicted death.
import { writeSync, openSync } from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file, ledgerPath, mode, death, dieAfterText] = process.argv.slice(2);
const dieAfter = Number(dieAfterText);
const ledger = openSync(ledgerPath, 'a');
const note = (text) => writeSync(ledger, `${text}\n`);

// A long flush interval keeps records queued in async mode, so deaths happen with writes in flight.
const aitrace = createAitrace({ output: file, sync: mode === 'sync', flushIntervalMs: 1000, config: false });
const tracerProvider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });
const loggerProvider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
const tracer = tracerProvider.getTracer('crash-matrix');
const logger = loggerProvider.getLogger('crash-matrix');

// The root never ends: readers must show it cut off once the process is gone.
const root = tracer.startSpan('job', { attributes: { k: -1 } });
const rootContext = trace.setSpan(context.active(), root);
const open = [];
let next = 0;
let stopped = false;

function operation() {
  const k = next++;
  const span = tracer.startSpan(`op.${k}`, { attributes: { k, payload: 'p'.repeat(k % 300) } }, rootContext);
  open.push(span);
  context.with(trace.setSpan(rootContext, span), () => {
    logger.emit({ body: `log ${k}`, severityText: 'INFO', attributes: { k, kind: 'log' } });
  });
  // Three spans stay open at any time, so some are always cut off by the death.
  if (open.length > 3) open.shift().end();
  note(`a ${k}`);
}

function die() {
  stopped = true;
  if (death === 'throw') throw new Error('crash-matrix: uncaught exception');
  if (death === 'reject') void Promise.reject(new Error('crash-matrix: unhandled rejection'));
  if (death === 'exit') process.exit(3);
}

let ticks = 0;
function tick() {
  if (stopped) return;
  for (let i = 0; i < 20; i++) {
    operation();
    if (next === dieAfter && ['throw', 'reject', 'exit'].includes(death)) return die();
  }
  // In async mode, a flush now and then confirms what reached the file; SIGKILL can only lose what came after.
  if (mode === 'async' && ++ticks % 5 === 0) {
    const upTo = next;
    void aitrace.forceFlush().then(() => {
      note(`f ${upTo}`);
      if (!ready) process.stdout.write('ready\n');
      ready = true;
    });
  }
  setImmediate(tick);
}

// Signals come once the app is busy: in async mode after the first confirmed flush.
let ready = mode === 'sync';
if (ready) process.stdout.write('ready\n');
tick();
