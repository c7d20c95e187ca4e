import * as vscode from 'vscode';

/** The extension's settings, with the defaults its package.json declares. */
export interface Settings {
  include: string;
  exclude: string;
  pollIntervalMs: number;
  cutOffWhenWriterExits: boolean;
  cliPath: string;
  viewerUrl: string;
  viewerPort: number;
  serveArgs: string[];
}

/** Reads the `aitrace.*` settings (the one place they are read). */
export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('aitrace');
  return {
    include: config.get<string>('files.include', '**/*.jsonl'),
    exclude: config.get<string>('files.exclude', '**/node_modules/**'),
    pollIntervalMs: Math.max(100, config.get<number>('pollInterval', 1000)),
    cutOffWhenWriterExits: config.get<boolean>('cutOffWhenWriterExits', true),
    cliPath: config.get<string>('cliPath', ''),
    viewerUrl: config.get<string>('viewer.url', ''),
    viewerPort: config.get<number>('viewer.port', 0),
    // The viewer of one file needs no OTLP listener, and must not take the OTLP ports from a running `aitrace serve`.
    serveArgs: config.get<string[]>('viewer.serveArgs', [
      'serve',
      '--port',
      '${port}',
      '--otlp-http-port',
      'off',
      '--otlp-grpc-port',
      'off',
      '--db',
      ':memory:',
      '--watch',
      '${file}',
    ]),
  };
}
