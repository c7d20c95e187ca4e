import { spawn, type ChildProcess } from 'node:child_process';
import { cliLaunch, CliError, lacksCommand, notStarted } from './aitraceCli.js';
import { freePort } from './freePort.js';

/** How to start `aitrace serve` for a trace file. */
export interface ServeOptions {
  cli: string;
  /** Arguments, with `${port}` and `${file}` replaced. */
  args: readonly string[];
  /** Port to listen on; 0 picks a free one. */
  port: number;
  cwd: string;
  /** How long to wait for the server to answer, ms. */
  startTimeoutMs?: number;
}

interface RunningServer {
  child: ChildProcess;
  base: string;
  ready: Promise<void>;
}

/** The web viewer's address for one trace. */
export function traceUrl(base: string, traceId: string): string {
  return `${base.replace(/\/+$/, '')}/#/trace/${traceId}`;
}

/**
 * `aitrace serve` processes started by the extension, one per trace file, reused while they run and stopped
 * when the extension stops.
 */
export class ViewerServers {
  private readonly servers = new Map<string, RunningServer>();

  /** The viewer base URL for a trace file, starting `aitrace serve` for it if none is running. */
  async baseFor(file: string, options: ServeOptions): Promise<string> {
    let server = this.servers.get(file);
    if (server === undefined || server.child.exitCode !== null || server.child.signalCode !== null) {
      server = await this.start(file, options);
      this.servers.set(file, server);
    }
    try {
      await server.ready;
    } catch (error) {
      this.servers.delete(file);
      throw error;
    }
    return server.base;
  }

  private async start(file: string, options: ServeOptions): Promise<RunningServer> {
    const port = options.port > 0 ? options.port : await freePort();
    const args = options.args.map((arg) => arg.replaceAll('${port}', String(port)).replaceAll('${file}', file));
    const launch = cliLaunch(options.cli, args);
    const child = spawn(launch.file, launch.args, { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'], shell: false, windowsHide: true });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const base = `http://127.0.0.1:${port}`;
    const ready = new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
      let settled = false;
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        if (error === undefined) resolve();
        else {
          child.kill();
          reject(error);
        }
      };
      child.once('error', (error: NodeJS.ErrnoException) => settle(notStarted(options.cli, error, launch)));
      child.once('exit', (code) => {
        if (lacksCommand({ code, stdout: '', stderr }, 'serve')) {
          settle(new CliError(`The aitrace CLI "${options.cli}" has no "serve" command; install a version of @aitrace/cli with the web viewer.`));
        } else settle(new CliError(`"${options.cli} ${args.join(' ')}" exited with code ${code ?? 'none'} before serving: ${stderr.trim() || 'no output'}`));
      });
      const poll = (): void => {
        if (settled) return;
        fetch(`${base}/`).then(
          () => settle(),
          () => {
            if (Date.now() > deadline)
              settle(
                new CliError(`"${options.cli} ${args.join(' ')}" did not answer on ${base} within ${Math.round((options.startTimeoutMs ?? 20_000) / 1000)} s`),
              );
            else setTimeout(poll, 200);
          },
        );
      };
      setTimeout(poll, 100);
    });
    return { child, base, ready };
  }

  /** Stops every server the extension started. */
  dispose(): void {
    for (const server of this.servers.values()) server.child.kill();
    this.servers.clear();
  }
}
