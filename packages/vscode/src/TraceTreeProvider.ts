import * as vscode from 'vscode';
import { viewOf, type EntryIcon } from './entryView.js';
import { NO_FILTER, type SpanFilter } from './spanFilter.js';
import { tokenBadge } from './tokenBadges.js';
import { childrenOf, fileEntry, type TraceEntry } from './traceEntries.js';
import type { TraceWorkspace } from './TraceWorkspace.js';

const ICONS: Readonly<Record<EntryIcon, vscode.ThemeIcon>> = {
  file: new vscode.ThemeIcon('list-tree'),
  running: new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor('charts.blue')),
  cut_off: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('list.warningForeground')),
  ok: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  event: new vscode.ThemeIcon('symbol-event'),
  log: new vscode.ThemeIcon('output'),
  log_warn: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  log_error: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
};

// Changes arrive in bursts while a program writes; one tree update per burst is enough.
const REFRESH_DELAY_MS = 100;

/** The "aitrace" tree: trace file → trace → span tree, with events and logs under their span. */
export class TraceTreeProvider implements vscode.TreeDataProvider<TraceEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TraceEntry | undefined>();
  private readonly entries = new Map<string, TraceEntry>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private currentFilter: SpanFilter = NO_FILTER;
  private readonly subscription: vscode.Disposable;

  /** Fires when the tree should be redrawn. */
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly workspace: TraceWorkspace) {
    this.subscription = workspace.onDidChange(() => this.scheduleRefresh());
  }

  /** What the tree shows. */
  get filter(): SpanFilter {
    return this.currentFilter;
  }

  set filter(filter: SpanFilter) {
    this.currentFilter = filter;
    this.changed.fire(undefined);
  }

  /** The latest version of an entry by id (entries are rebuilt on every change). */
  entry(id: string): TraceEntry | undefined {
    return this.entries.get(id);
  }

  /** The entry of a followed file, for revealing it. */
  fileEntry(path: string): TraceEntry | undefined {
    const file = this.workspace.get(path);
    return file === undefined ? undefined : this.remember(fileEntry(file));
  }

  private remember(entry: TraceEntry): TraceEntry {
    this.entries.set(entry.id, entry);
    return entry;
  }

  private scheduleRefresh(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, REFRESH_DELAY_MS);
  }

  getChildren(element?: TraceEntry): TraceEntry[] {
    if (element === undefined) {
      const files = this.workspace.traceFiles().map(fileEntry);
      // Dropped files must not linger in the id map.
      this.entries.clear();
      return files.map((entry) => this.remember(entry));
    }
    // The element may be from before the last change; read the children from its latest version.
    const latest = this.entries.get(element.id) ?? element;
    return childrenOf(latest, this.currentFilter).map((entry) => this.remember(entry));
  }

  getParent(element: TraceEntry): TraceEntry | undefined {
    return element.kind === 'file' ? undefined : element.parent;
  }

  getTreeItem(entry: TraceEntry): vscode.TreeItem {
    const view = viewOf(entry);
    const state = !view.expandable
      ? vscode.TreeItemCollapsibleState.None
      : entry.kind === 'file'
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(view.label, state);
    const tokens = tokenBadge(entry);
    item.id = entry.id;
    item.description = tokens !== undefined ? `${view.description} · ${tokens.text}` : view.description;
    item.tooltip = tokens !== undefined ? `${view.tooltip}\n${tokens.tooltip}` : view.tooltip;
    item.iconPath = ICONS[view.icon];
    item.contextValue = view.contextValue;
    item.accessibilityInformation = { label: view.ariaLabel };
    if (entry.kind === 'file') item.resourceUri = vscode.Uri.file(entry.file.path);
    return item;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
