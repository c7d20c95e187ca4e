import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSource } from './sourceLocation.js';

let root: string;
let workspace: string;
let traceFile: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'aitrace-source-'));
  workspace = join(root, 'repo');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  mkdirSync(join(workspace, 'service', 'lib'), { recursive: true });
  writeFileSync(join(workspace, 'src', 'app.ts'), 'x\n');
  writeFileSync(join(workspace, 'service', 'lib', 'db.ts'), 'x\n');
  traceFile = join(workspace, 'service', 'traces', 'run.jsonl');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveSource', () => {
  it('resolves a path relative to the workspace folder', () => {
    expect(resolveSource({ file: 'src/app.ts', line: 12, column: 3 }, traceFile, [workspace])).toEqual({
      found: { path: join(workspace, 'src', 'app.ts'), line: 12, column: 3 },
    });
  });

  it('falls back to the folders between the trace file and the workspace (a writer started in a subfolder)', () => {
    expect(resolveSource({ file: 'lib/db.ts', line: 4, column: undefined }, traceFile, [workspace])).toEqual({
      found: { path: join(workspace, 'service', 'lib', 'db.ts'), line: 4, column: 1 },
    });
  });

  it('takes absolute paths and file URLs as they are', () => {
    const absolute = join(workspace, 'src', 'app.ts');
    expect(resolveSource({ file: absolute, line: undefined, column: undefined }, traceFile, [])).toEqual({ found: { path: absolute, line: 1, column: 1 } });
    expect(resolveSource({ file: pathToFileURL(absolute).href, line: 2, column: 1 }, traceFile, [])).toEqual({ found: { path: absolute, line: 2, column: 1 } });
  });

  it('lists the places it looked when the file is nowhere', () => {
    const result = resolveSource({ file: 'gone.ts', line: 1, column: 1 }, traceFile, [workspace]);
    expect(result).toEqual({ tried: [join(workspace, 'gone.ts'), join(workspace, 'service', 'traces', 'gone.ts'), join(workspace, 'service', 'gone.ts')] });
  });
});
