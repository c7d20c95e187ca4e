// The server's tests build their records with the workspace's one test-records module; this path is kept so the
// many server and end-to-end tests that import it need no change.
export { endLine, logLine, normalized, spanIdOf, spanLines, startLine, T0_US, traceIdOf, type TestSpan } from '@aitrace/testing';
