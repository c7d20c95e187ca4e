// A real HTTP server and client, instrumented by the OTel http and undici instrumentations, traced to argv[2].
import { createRequire } from 'node:module';
import { trace, SpanStatusCode } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createAitrace } from '@aitrace/otel';

const aitrace = createAitrace({ output: process.argv[2] });
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'shop' }),
  spanProcessors: [aitrace.spanProcessor],
});
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()] });

const require = createRequire(import.meta.url);
const http = require('node:http');

const server = http.createServer((req, res) => {
  if (req.url === '/fail') {
    res.statusCode = 500;
    res.end('boom');
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: true, path: req.url }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const tracer = trace.getTracer('shop-client');
await tracer.startActiveSpan('checkout.flow', { attributes: { 'cart.items': 3 } }, async (span) => {
  await new Promise((resolve, reject) => {
    http
      .get(`${base}/items?id=7`, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
  const response = await fetch(`${base}/fail`);
  await response.text();
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed' });
  span.end();
});

await new Promise((resolve) => server.close(resolve));
await provider.shutdown();
