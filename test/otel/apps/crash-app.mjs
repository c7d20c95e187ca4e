// Dies the way argv[3] says (throw | reject | reject-outside) while a span is active, or outside any span.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace } from '@aitrace/otel';

const [file, death] = process.argv.slice(2);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const aitrace = createAitrace({ output: file, config: false });
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [aitrace.spanProcessor] }));
const tracer = trace.getTracer('crash');

class PaymentDeclined extends Error {
  name = 'PaymentDeclined';
}

if (death === 'reject-outside') {
  setTimeout(() => Promise.reject(new PaymentDeclined('card 4242 declined')), 10);
} else {
  tracer.startActiveSpan('checkout', () => {
    tracer.startActiveSpan('charge.card', () => {
      setTimeout(() => {
        if (death === 'throw') throw new PaymentDeclined('card 4242 declined');
        Promise.reject(new PaymentDeclined('card 4242 declined'));
      }, 10);
    });
  });
}
