// Log path: one log record with three fields, through aitrace's log exporter, the developer-API logger
// (call site on and off), and pino writing the same data to a file with its asynchronous destination.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logs } from '@opentelemetry/api-logs';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import pino from 'pino';
import { createAitrace, getLogger } from '@aitrace/otel';
import { compare } from './harness.mjs';

const RECORDS = Number(process.env.BENCH_LOGS ?? 20_000);

export async function logPath() {
  const dir = mkdtempSync(join(tmpdir(), 'aitrace-bench-log-'));
  const aitrace = createAitrace({ output: join(dir, 'otel.jsonl'), config: false, scrub: false });
  const provider = new LoggerProvider({ processors: [aitrace.logRecordProcessor] });
  logs.setGlobalLoggerProvider(provider);
  const otelLogger = provider.getLogger('bench');
  const withSite = getLogger('bench', { captureCallSite: true, scrub: { enabled: false } });
  const withoutSite = getLogger('bench', { captureCallSite: false, scrub: { enabled: false } });
  const destination = pino.destination({ dest: join(dir, 'pino.jsonl'), sync: false, minLength: 4096 });
  const pinoLogger = pino({ base: undefined }, destination);
  const flushPino = () => new Promise((resolve) => destination.flush(() => resolve()));

  const results = await compare([
    {
      name: 'exporter',
      run: async () => {
        for (let i = 0; i < RECORDS; i++)
          otelLogger.emit({ eventName: 'batch_started', severityNumber: 9, attributes: { batch_id: i, count: 3, user: 'ada' } });
        await aitrace.forceFlush();
        return RECORDS;
      },
    },
    {
      name: 'pino',
      run: async () => {
        for (let i = 0; i < RECORDS; i++) pinoLogger.info({ batch_id: i, count: 3, user: 'ada' }, 'batch_started');
        await flushPino();
        return RECORDS;
      },
    },
    {
      name: 'logger_call_site',
      run: async () => {
        for (let i = 0; i < RECORDS; i++) withSite.info('batch_started', { batch_id: i, count: 3, user: 'ada' });
        await aitrace.forceFlush();
        return RECORDS;
      },
    },
    {
      name: 'logger_no_call_site',
      run: async () => {
        for (let i = 0; i < RECORDS; i++) withoutSite.info('batch_started', { batch_id: i, count: 3, user: 'ada' });
        await aitrace.forceFlush();
        return RECORDS;
      },
    },
  ]);
  await provider.shutdown();
  logs.disable();
  return results;
}
