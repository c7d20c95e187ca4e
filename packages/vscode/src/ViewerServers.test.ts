import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { asWindows } from './testing/asWindows.js';
import { traceUrl, ViewerServers } from './ViewerServers.js';

// A real little web server standing in for `aitrace serve`: it answers with the file it was started for.
const SERVER = "require('node:http').createServer((_, res) => res.end(process.argv[2])).listen(Number(process.argv[1]), '127.0.0.1')";

let servers: ViewerServers;
afterEach(() => servers.dispose());
const dir = mkdtempSync(join(tmpdir(), 'aitrace-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ViewerServers', () => {
  it('starts the server with the port and file filled in, waits until it answers, and reuses it per file', async () => {
    servers = new ViewerServers();
    const options = { cli: process.execPath, args: ['-e', SERVER, '${port}', '${file}'], port: 0, cwd: process.cwd() };
    const base = await servers.baseFor('/traces/a.jsonl', options);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(base)).text()).toBe('/traces/a.jsonl');
    expect(await servers.baseFor('/traces/a.jsonl', options)).toBe(base);
    const other = await servers.baseFor('/traces/b.jsonl', options);
    expect(other).not.toBe(base);
    expect(await (await fetch(other)).text()).toBe('/traces/b.jsonl');

    servers.dispose();
    await expect
      .poll(() =>
        fetch(base).then(
          () => 'up',
          () => 'down',
        ),
      )
      .toBe('down');
  });

  it('starts the server without a shell: a file name with spaces and & reaches it whole, on Windows too', async () => {
    mkdirSync(join(dir, 'my tools & more'));
    const script = join(dir, 'my tools & more', 'serve.mjs');
    writeFileSync(
      script,
      `import { createServer } from 'node:http';\nconst [port, file] = process.argv.slice(2);\ncreateServer((_, res) => res.end(file)).listen(Number(port), '127.0.0.1');\n`,
    );
    const file = join(dir, 'trace files', 'a&touch injected&.jsonl');
    servers = new ViewerServers();
    const base = await asWindows(() => servers.baseFor(file, { cli: script, args: ['${port}', '${file}'], port: 0, cwd: dir }));
    expect(await (await fetch(base)).text()).toBe(file);
    expect(existsSync(join(dir, 'injected'))).toBe(false);
  });

  it('reports a server that exits before answering, with what it printed', async () => {
    servers = new ViewerServers();
    const options = { cli: process.execPath, args: ['-e', "console.error('--db: cannot open /nope'); process.exit(3)"], port: 0, cwd: process.cwd() };
    await expect(servers.baseFor('/traces/a.jsonl', options)).rejects.toThrow(/exited with code 3 before serving: --db: cannot open \/nope/);
  });

  it('says how to fix a missing CLI', async () => {
    servers = new ViewerServers();
    const options = { cli: '/no/such/aitrace', args: ['serve'], port: 0, cwd: process.cwd() };
    await expect(servers.baseFor('/traces/a.jsonl', options)).rejects.toThrow(/aitrace CLI was not found \(tried "\/no\/such\/aitrace"\).*aitrace\.cliPath/);
  });
});

describe('traceUrl', () => {
  it('links to the trace in the viewer', () => {
    expect(traceUrl('http://127.0.0.1:4000/', 'abc')).toBe('http://127.0.0.1:4000/#/trace/abc');
  });
});
