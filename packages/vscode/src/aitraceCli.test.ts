import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliLaunch, findCli, lacksCommand, runCli } from './aitraceCli.js';
import { asWindows } from './testing/asWindows.js';

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
    const withPackage = installPackage(join(dir, 'with package'), 'node_modules');
    expect(findCli('', [withPackage.root, withCli])).toBe(withPackage.entry);
  });
});

/** An installed @aitrace/cli whose entry prints the arguments it got, as JSON. */
function installPackage(root: string, modules: string): { root: string; entry: string } {
  const packageDir = join(root, modules, '@aitrace', 'cli');
  mkdirSync(join(packageDir, 'bin'), { recursive: true });
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: '@aitrace/cli', bin: { aitrace: './bin/aitrace.js' } }));
  writeFileSync(join(packageDir, 'bin', 'aitrace.js'), 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
  return { root, entry: join(packageDir, 'bin', 'aitrace.js') };
}

// File names a shell would split or run: `&` separates commands in cmd.exe and sh alike.
const ARGS = ['html', join(dir, 'trace files', 'a&touch injected&.jsonl'), '-o', join(dir, 'out put.html'), '"quoted" %PATH% $HOME'];

describe('starting the CLI without a shell', () => {
  it('passes file names with spaces and & through as they are, on Windows too', async () => {
    const echo = join(dir, 'my tools & more', 'echo-argv.mjs');
    mkdirSync(join(dir, 'my tools & more'), { recursive: true });
    writeFileSync(echo, '#!/usr/bin/env node\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
    chmodSync(echo, 0o755);
    expect(await runCli(echo, ARGS, dir)).toEqual({ code: 0, stdout: JSON.stringify(ARGS), stderr: '' });
    expect(await asWindows(() => runCli(echo, ARGS, dir))).toEqual({ code: 0, stdout: JSON.stringify(ARGS), stderr: '' });
    expect(existsSync(join(dir, 'injected'))).toBe(false);
  });

  it("runs the package behind a Windows .cmd shim with Node, from node_modules/.bin or npm's global folder", async () => {
    const local = installPackage(join(dir, 'project one'), 'node_modules');
    mkdirSync(join(local.root, 'node_modules', '.bin'), { recursive: true });
    const shim = join(local.root, 'node_modules', '.bin', 'aitrace.cmd');
    writeFileSync(shim, '@node "%~dp0\\..\\@aitrace\\cli\\bin\\aitrace.js" %*\r\n');
    expect(cliLaunch(shim, ARGS, 'win32')).toEqual({ file: process.execPath, args: [local.entry, ...ARGS] });
    expect(await asWindows(() => runCli(shim, ARGS, dir))).toEqual({ code: 0, stdout: JSON.stringify(ARGS), stderr: '' });

    const global = installPackage(join(dir, 'npm global'), 'node_modules');
    writeFileSync(join(global.root, 'aitrace.cmd'), '');
    expect(cliLaunch('aitrace.cmd', ARGS, 'win32', { PATH: `${join(dir, 'nowhere')}${delimiter}${global.root}` })).toEqual({
      file: process.execPath,
      args: [global.entry, ...ARGS],
    });
    expect(existsSync(join(dir, 'injected'))).toBe(false);
  });

  it('refuses a .cmd it cannot run without a shell, and says which setting fixes it', () => {
    const lone = join(dir, 'lone');
    mkdirSync(lone, { recursive: true });
    writeFileSync(join(lone, 'aitrace.cmd'), '');
    expect(() => cliLaunch(join(lone, 'aitrace.cmd'), ARGS, 'win32')).toThrow(
      /cannot be started safely.*"aitrace\.cliPath" setting to the CLI's JavaScript entry/,
    );
    expect(() => cliLaunch('aitrace.cmd', ARGS, 'win32', { PATH: lone })).toThrow(/aitrace\.cliPath/);
    expect(cliLaunch('/usr/local/bin/aitrace', ARGS, 'linux')).toEqual({ file: '/usr/local/bin/aitrace', args: ARGS });
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
