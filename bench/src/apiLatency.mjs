// The query API's latency as a client sees it: GET requests against a running server, timed one after another.
import { request } from 'node:http';
import { median } from './harness.mjs';

/** The p-quantile (0-1) of sorted samples. */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

/** GET `path` from a loopback server; resolves with the parsed JSON answer, rejects on a status other than 200. */
export function get(port, path) {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`))));
    })
      .once('error', reject)
      .end();
  });
}

/** `count` requests of `path` in a row: p50, p99 and max ms. */
export async function listLatency(port, path, count = 200) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint();
    await get(port, path);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50_ms: median(samples), p99_ms: percentile(samples, 0.99), max_ms: samples.at(-1), samples: samples.length };
}

/** The trace list on a big store: first and second page, and the filters (fewer requests, as they are slower). */
export async function traceListLatencies(port, samples = 200) {
  const firstPage = await get(port, '/api/traces?limit=50');
  return {
    first_page: await listLatency(port, '/api/traces?limit=50', samples),
    second_page: await listLatency(port, `/api/traces?limit=50&cursor=${firstPage.nextCursor}`, samples),
    by_service: await listLatency(port, '/api/traces?limit=50&service=svc3', 50),
    by_name: await listLatency(port, '/api/traces?limit=50&name=op7', 50),
    errors: await listLatency(port, '/api/traces?limit=50&status=error', 50),
    by_attribute: await listLatency(port, '/api/traces?limit=50&attr=tenant=t42', 50),
  };
}
