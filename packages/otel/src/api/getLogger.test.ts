import { diag, DiagLogLevel } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySink } from '../sinks/MemorySink.js';
import { createAitrace } from '../createAitrace.js';
import { getLogger } from './getLogger.js';

const warnings: string[] = [];
diag.setLogger(
  { warn: (message: string) => void warnings.push(message), error: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
  DiagLogLevel.WARN,
);
afterAll(() => {
  diag.disable();
  logs.disable();
});

describe('getLogger without a LoggerProvider', () => {
  it('warns once, through diag, saying what to register; once one is registered its records are written', async () => {
    logs.disable();
    getLogger('early').info('lost', { n: 1 });
    getLogger('early').info('lost again');
    getLogger('other').warn('also lost');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^aitrace: getLogger\("early"\): no OpenTelemetry LoggerProvider is registered, so its records go nowhere; pass aitrace's logRecordProcessor to NodeSDK/,
    );

    const sink = new MemorySink();
    const aitrace = createAitrace({ output: sink, config: false, sync: true });
    logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [aitrace.logRecordProcessor] }));
    getLogger('late').info('kept', { n: 2 });
    expect(sink.lines().join('\n')).toContain('"event":"kept"');
    expect(warnings).toHaveLength(1);
    await aitrace.shutdown();
  });
});
