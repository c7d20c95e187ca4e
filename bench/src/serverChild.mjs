// Runs in its own process: `node serverChild.mjs aitrace DB` starts the trace server on a free loopback port with
// a SQLite file (`aitrace-otlp DB`: with OTLP/HTTP and OTLP/gRPC ports too, printed after the main one;
// `aitrace-viewer DB`: serving the web viewer too);
// `node serverChild.mjs floor` starts an HTTP server that only reads each body and answers 200 (the
// HTTP floor the ingest rate is compared with). Prints the port on stdout, then runs until killed.
import { createServer } from 'node:http';
import { startServer } from '@aitrace/server';

const [mode, db] = process.argv.slice(2);
if (mode === 'aitrace') {
  const server = await startServer({ port: 0, db, viewerDir: null });
  process.stdout.write(`${server.port}\n`);
} else if (mode === 'aitrace-retention') {
  // `aitrace-retention DB MAX_ROWS INTERVAL_MS`: retention by row count, run every INTERVAL_MS while ingest goes on.
  const [maxRows, intervalMs] = process.argv.slice(4).map(Number);
  const server = await startServer({ port: 0, db, viewerDir: null, maxRows, retentionIntervalMs: intervalMs });
  process.stdout.write(`${server.port}\n`);
} else if (mode === 'aitrace-viewer') {
  const server = await startServer({ port: 0, db });
  process.stdout.write(`${server.port}\n`);
} else if (mode === 'aitrace-otlp') {
  const server = await startServer({ port: 0, otlpHttpPort: 0, otlpGrpcPort: 0, db, viewerDir: null });
  process.stdout.write(`${server.port} ${server.otlpHttp.port} ${server.otlpGrpc.port}\n`);
} else {
  const server = createServer((request, response) => {
    let bytes = 0;
    request.on('data', (chunk) => (bytes += chunk.length));
    request.on('end', () => response.end(JSON.stringify({ bytes })));
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
}

process.on('SIGINT', () => process.exit(0));
