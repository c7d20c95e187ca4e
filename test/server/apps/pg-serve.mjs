// A trace server in its own process on the PostgreSQL database given as argument, on a free loopback port
// (printed on stdout), for tests that kill a server in the middle of ingest.
import { startServer } from '@aitrace/server';

const server = await startServer({ port: 0, db: process.argv[2], viewerDir: null });
process.stdout.write(`${server.port}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
