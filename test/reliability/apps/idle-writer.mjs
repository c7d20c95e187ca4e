// Starts one span, says "ready", then only waits: on a long timer, on a child process or on a quiet socket. The
// span's start record must reach the file while the process waits, however long the wait.
// argv: trace file, wait (timer|child|socket), wait in ms.
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file, wait, waitMsText] = process.argv.slice(2);
const waitMs = Number(waitMsText);

const aitrace = createAitrace({ output: file, config: false });
const provider = new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] });

/** A connected socket to a server that accepts and never answers, like a slow upstream. */
async function quietSocket() {
  const server = createServer(() => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = connect(server.address().port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, server };
}

// Whatever the wait needs is set up first, and start-up work (module loading) has settled: from the span's start
// on, nothing in this process is due until the wait is over.
const upstream = wait === 'socket' ? await quietSocket() : undefined;
await new Promise((resolve) => setTimeout(resolve, 50));

const span = provider.getTracer('idle').startSpan('llm.call', { attributes: { wait } });
process.stdout.write('ready\n');
if (wait === 'timer') await new Promise((resolve) => setTimeout(resolve, waitMs));
if (wait === 'child') {
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${waitMs})`], { stdio: 'ignore' });
    child.once('error', reject).once('exit', resolve);
  });
}
if (upstream !== undefined) {
  // The first byte of the answer never comes; the client gives up after waitMs.
  await new Promise((resolve) => upstream.socket.setTimeout(waitMs, resolve));
  upstream.socket.destroy();
  upstream.server.close();
}
span.end();
await provider.shutdown();
