import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const autoSpanSource = fileURLToPath(new URL('./autoSpan.ts', import.meta.url));

// A class as a NestJS or TypeORM project writes it: both decorator forms, on instance and static methods.
const FIXTURE = `
import { autoSpan } from '@aitrace/otel';

export class Orders {
  rate = 2;
  @autoSpan
  total(amount: number): number { return amount * this.rate; }
  @autoSpan({ name: 'orders.load', captureArgs: true })
  async load(id: string): Promise<string> { return 'order ' + id; }
  @autoSpan
  static create(): Orders { return new Orders(); }
}
`;

/** Type-checks and compiles the fixture with tsc's API under one decorator mode; returns the emitted module's path. */
function compile(experimentalDecorators: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), `aitrace-decorators-${experimentalDecorators ? 'legacy' : 'tc39'}-`));
  const file = join(dir, 'orders.ts');
  writeFileSync(file, FIXTURE);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    experimentalDecorators,
    skipLibCheck: true,
    outDir: dir,
    paths: { '@aitrace/otel': [autoSpanSource] },
    types: [],
    lib: ['lib.es2023.d.ts', 'lib.esnext.decorators.d.ts'],
  };
  const program = ts.createProgram([file], options);
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  let emitted = '';
  program.emit(program.getSourceFile(file), (name, text) => {
    if (name.endsWith('orders.js')) emitted = text;
  });
  const out = join(dir, 'orders.mjs');
  writeFileSync(out, emitted.replace(`'@aitrace/otel'`, JSON.stringify(pathToFileURL(autoSpanSource).href)));
  return out;
}

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
afterAll(() => trace.disable());

describe('@autoSpan compiled by tsc', () => {
  for (const experimentalDecorators of [false, true]) {
    it(`works with experimentalDecorators: ${experimentalDecorators}`, async () => {
      exporter.reset();
      const { Orders } = (await import(compile(experimentalDecorators))) as {
        Orders: { create(): { total(n: number): number; load(id: string): Promise<string> } };
      };
      const orders = Orders.create();
      expect(orders.total(21)).toBe(42);
      expect(await orders.load('A7')).toBe('order A7');
      const spans = exporter.getFinishedSpans();
      expect(spans.map((span) => span.name)).toEqual(['Orders.create', 'Orders.total', 'orders.load']);
      expect(spans[2]!.attributes.args).toBe('["A7"]');
    });
  }
});
