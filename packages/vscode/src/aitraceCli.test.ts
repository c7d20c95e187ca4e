import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCli, lacksCommand, runCli } from './aitraceCli.js';

const dir = mkdtempSync(join(tmpdir(), 'aitrace-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findCli', () => {
  it('prefers the setting, then the workspace install, then the PATH', () => {
    const withCli = join(dir, 'with');
    mkdirSync(join(withCli, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(withCli, 'node_modules', '.bin', 'aitrace'), '#!/bin/sh\n');
    expect(findCli(' /opt/aitrace ', [withCli])).toBe('/opt/aitrace');
    expect(findCli('', [join(dir, 'without'), withCli])).toBe(join(withCli, 'node_modules', '.bin', 'aitrace'));
    expect(findCli('', [join(dir, 'without')])).toBe('aitrace');
  });
});

describe('runCli', () => {
  it('collects the output and exit code of a real command', async () => {
    const script = join(dir, 'fake-old-aitrace');
    writeFileSync(script, '#!/bin/sh\necho "aitrace: unknown command \\"$1\\"" >&2\nexit 2\n');
    chmodSync(script, 0o755);
    const result = await runCli(script, ['html', 'x.jsonl'], dir);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'aitrace: unknown command "html"\n' });
    expect(lacksCommand(result, 'html')).toBe(true);
    expect(lacksCommand(result, 'serve')).toBe(false);
  });

  it('explains a CLI that is not installed', async () => {
    await expect(runCli(join(dir, 'missing'), ['html'], dir)).rejects.toThrow(/Install @aitrace\/cli in the workspace or set the "aitrace.cliPath" setting/);
  });
});
