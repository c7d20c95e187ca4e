import { context, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createAitrace, type Aitrace } from '@aitrace/otel';

/** The attribute value that must show as text, never as markup. */
export const HOSTILE = '<img src=x onerror=alert(1)>';

/** The real aitrace OTel bridge writing to a trace file: a tracer and a logger on their own providers. */
export class BridgeTrace {
  readonly aitrace: Aitrace;
  readonly tracer: Tracer;
  readonly logger: Logger;
  private readonly tracerProvider: BasicTracerProvider;
  private readonly loggerProvider: LoggerProvider;
  private static contextManager: AsyncLocalStorageContextManager | undefined;

  constructor(readonly file: string) {
    if (BridgeTrace.contextManager === undefined) {
      BridgeTrace.contextManager = new AsyncLocalStorageContextManager().enable();
      context.setGlobalContextManager(BridgeTrace.contextManager);
    }
    this.aitrace = createAitrace({ output: file, config: false });
    this.tracerProvider = new BasicTracerProvider({ spanProcessors: [this.aitrace.spanProcessor] });
    this.loggerProvider = new LoggerProvider({ processors: [this.aitrace.logRecordProcessor] });
    this.tracer = this.tracerProvider.getTracer('shop');
    this.logger = this.loggerProvider.getLogger('shop');
  }

  /** Runs `fn` with `span` active, so spans and logs started inside are its children. */
  within<T>(span: Span, fn: () => T): T {
    return context.with(trace.setSpan(context.active(), span), fn);
  }

  /**
   * A finished checkout trace: the root carries `order.id` and a hostile attribute value, one child logs nested
   * data, one child fails with an exception and has a source location. Returns the ids.
   */
  checkout(orderId: string): { traceId: string; rootId: string; failedId: string; stockId: string } {
    const root = this.tracer.startSpan('checkout', { attributes: { 'order.id': orderId, comment: HOSTILE, 'cart.size': 2 } });
    let failedId = '';
    let stockId = '';
    this.within(root, () => {
      const stock = this.tracer.startSpan('reserve.stock', { attributes: { warehouse: 'north' } });
      stockId = stock.spanContext().spanId;
      this.within(stock, () => this.logger.emit({ eventName: 'cart.loaded', attributes: { cart: { items: [{ sku: 'X1', qty: 2 }], total: 19.5 } } }));
      stock.end();
      const charge = this.tracer.startSpan('charge.card', {
        attributes: { 'payment.provider': 'acme', 'code.file.path': 'src/checkout.ts', 'code.line.number': 42, 'code.function.name': 'chargeCard' },
      });
      failedId = charge.spanContext().spanId;
      charge.recordException(new Error('card declined'));
      charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
      charge.end();
    });
    root.end();
    return { traceId: root.spanContext().traceId, rootId: root.spanContext().spanId, failedId, stockId };
  }

  /** Writes every record accepted so far to the file. */
  flush(): Promise<void> {
    return this.aitrace.forceFlush();
  }

  /** Flushes and shuts the providers down. */
  async close(): Promise<void> {
    await this.tracerProvider.shutdown();
    await this.loggerProvider.shutdown();
    await this.aitrace.shutdown();
  }
}
