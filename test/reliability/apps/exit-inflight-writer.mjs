// Exits cleanly (process.exit) while an asynchronous write may still be queued in libuv's thread pool, kept busy
// by pbkdf2 calls. Prints how many spans it accepted before exiting. argv: file, rounds, writer name.
import { pbkdf2 } from 'node:crypto';
import { writeSync } from 'node:fs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file, rounds, writer] = process.argv.slice(2);
const aitrace = createAitrace({ output: file, config: false });
const tracer = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] }).getTracer('exit');
// Twice as many hashing loops as the pool has threads: a write handed to the pool waits behind them.
for (let i = 0; i < 8; i++)
  (function spin() {
    pbkdf2('secret', 'salt', 100_000, 32, 'sha256', spin);
  })();
let seq = 0;
const spans = (count) => {
  for (let i = 0; i < count; i++, seq++) tracer.startSpan('exiting', { attributes: { writer, seq, pad: 'e'.repeat(seq % 500) } }).end();
};
for (let round = 0; round < Number(rounds); round++) {
  spans(50);
  // The writer hands what is queued to the thread pool now.
  await new Promise((resolve) => setImmediate(resolve));
}
spans(50);
writeSync(1, `${seq}\n`);
process.exit(0);
