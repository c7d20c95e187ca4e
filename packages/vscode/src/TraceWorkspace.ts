import * as vscode from 'vscode';
import { readSettings, type Settings } from './settings.js';
import { TraceFile } from './TraceFile.js';
import { writersGone } from './writerLiveness.js';

/**
 * The trace files of the workspace (matching `aitrace.files.include`) plus any opened explicitly, kept current:
 * file watchers and a light poll read appended bytes as they arrive, and notice rotation, truncation and deletion.
 */
export class TraceWorkspace implements vscode.Disposable {
  private readonly files = new Map<string, TraceFile>();
  private readonly explicit = new Set<string>();
  private readonly changed = new vscode.EventEmitter<TraceFile | undefined>();
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  private poll: ReturnType<typeof setInterval> | undefined;
  private settings: Settings = readSettings();
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;

  /** Fires with the file whose content changed, or undefined when files came or went. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('aitrace')) this.restart();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart()),
    );
  }

  /** Starts watching and finds the workspace's trace files. */
  async start(): Promise<void> {
    this.restart();
    await this.rescan();
  }

  /** The files known to hold aitrace records, by path. */
  traceFiles(): TraceFile[] {
    return [...this.files.values()].filter((file) => file.kind === 'trace').sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The file at a path, if it is being followed. */
  get(path: string): TraceFile | undefined {
    return this.files.get(path);
  }

  /** Follows a file even if it is outside the workspace or the include pattern; reads it now. */
  async open(path: string): Promise<TraceFile> {
    this.explicit.add(path);
    const file = this.track(path);
    await this.refresh(file);
    return file;
  }

  /** Looks for trace files again (new files, changed settings). */
  async rescan(): Promise<void> {
    const uris = await vscode.workspace.findFiles(this.settings.include, this.settings.exclude || undefined);
    const found = new Set(uris.map((uri) => uri.fsPath));
    let removed = false;
    for (const path of this.files.keys()) {
      if (!found.has(path) && !this.explicit.has(path)) {
        this.forget(path);
        removed = true;
      }
    }
    await Promise.all([...found].map((path) => this.refresh(this.track(path))));
    if (removed) this.changed.fire(undefined);
  }

  /** Stops following a file and lets it go. */
  private forget(path: string): void {
    void this.files.get(path)?.close();
    this.files.delete(path);
  }

  private track(path: string): TraceFile {
    let file = this.files.get(path);
    if (file === undefined) {
      file = new TraceFile(path);
      this.files.set(path, file);
    }
    return file;
  }

  private async refresh(file: TraceFile): Promise<void> {
    const before = file.kind;
    let result;
    try {
      result = await file.refresh();
    } catch {
      // Unreadable right now (permissions, a rotation in progress): try again on the next change.
      return;
    }
    if (result.missing && !this.explicit.has(file.path)) this.forget(file.path);
    // Only files with unfinished spans need the (cheap, but per-span) writer check.
    const unfinished = file.forest().traces.some((trace) => trace.runningCount > 0 || trace.cutOffCount > 0);
    const endedChanged = unfinished && file.setEnded(this.settings.cutOffWhenWriterExits && writersGone(file.writerPids));
    if (result.changed || result.missing || endedChanged || before !== file.kind) this.changed.fire(file);
  }

  private refreshAll(): void {
    for (const file of [...this.files.values()]) void this.refresh(file);
  }

  private scheduleRescan(): void {
    if (this.rescanTimer !== undefined) clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = undefined;
      void this.rescan();
    }, 200);
  }

  private restart(): void {
    this.settings = readSettings();
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, this.settings.include));
      watcher.onDidCreate(() => this.scheduleRescan());
      watcher.onDidChange((uri) => {
        const file = this.files.get(uri.fsPath);
        if (file !== undefined) void this.refresh(file);
      });
      watcher.onDidDelete((uri) => {
        const file = this.files.get(uri.fsPath);
        if (file !== undefined) void this.refresh(file);
      });
      this.watchers.push(watcher);
    }
    // Watchers miss changes on some file systems (network mounts, containers); a stat per file per tick is cheap.
    if (this.poll !== undefined) clearInterval(this.poll);
    this.poll = setInterval(() => this.refreshAll(), this.settings.pollIntervalMs);
    this.scheduleRescan();
  }

  dispose(): void {
    if (this.poll !== undefined) clearInterval(this.poll);
    if (this.rescanTimer !== undefined) clearTimeout(this.rescanTimer);
    for (const disposable of [...this.watchers, ...this.disposables]) disposable.dispose();
    for (const path of [...this.files.keys()]) this.forget(path);
  }
}
