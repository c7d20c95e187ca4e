import { ConfigError } from '@aitrace/format/config';
import { describe, expect, it } from 'vitest';
import { MemorySink } from './sinks/MemorySink.js';
import { createAitrace } from './createAitrace.js';
import { TraceRecordLogExporter } from './TraceRecordLogExporter.js';
import { TraceRecordSpanProcessor } from './TraceRecordSpanProcessor.js';

describe('options given in code', () => {
  it('a mistyped option is an error that names it and the option meant, for every entry point', () => {
    const typo = { outptu: 'trace.jsonl', config: false } as never;
    for (const create of [() => createAitrace(typo), () => new TraceRecordSpanProcessor(typo), () => new TraceRecordLogExporter(typo)]) {
      expect(create).toThrow(ConfigError);
      expect(create).toThrow(/^code: outptu: is not an aitrace option \(did you mean output\?\); the options are output, compatMode, /);
    }
    expect(() => createAitrace({ config: false, nonsenseSetting: 1 } as never)).toThrow(/^code: nonsenseSetting: is not an aitrace option; the options are /);
  });

  it('every documented option is accepted', async () => {
    const aitrace = createAitrace({
      output: new MemorySink(),
      compatMode: false,
      sync: false,
      flushIntervalMs: 50,
      maxQueueSize: 10,
      maxFiles: 2,
      scrub: false,
      limits: { maxStringLength: 1000, maxDepth: 8 },
      config: false,
      captureStack: false,
    });
    await aitrace.shutdown();
  });

  it('an output that cannot be created names where it was set and why', () => {
    const env = { AITRACE_OUTPUT: '/etc/passwd/x.jsonl' };
    expect(() => createAitrace({ config: { env, configFile: false } })).toThrow(
      'AITRACE_OUTPUT: output: cannot open the trace file "/etc/passwd/x.jsonl": a part of the path is a file, not a directory (/etc/passwd)',
    );
    expect(() => createAitrace({ output: '/etc/passwd/x.jsonl', config: false })).toThrow(
      /^code: output: cannot open the trace file .*: a part of the path is a file, not a directory/,
    );
    expect(() => createAitrace({ output: '/tmp', config: false })).toThrow(
      'code: output: cannot open the trace file "/tmp": the path is a directory; name a file in it, e.g. trace.jsonl',
    );
  });
});
