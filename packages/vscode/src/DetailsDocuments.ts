import * as vscode from 'vscode';
import { detailsText } from './entryDetails.js';
import { currentEntry, type TraceEntry } from './traceEntries.js';
import type { TraceWorkspace } from './TraceWorkspace.js';

/** The URI scheme of the read-only details documents. */
export const DETAILS_SCHEME = 'aitrace-details';

function fileNameFor(entry: TraceEntry): string {
  const name =
    entry.kind === 'file'
      ? entry.file.name
      : entry.kind === 'trace'
        ? `trace-${entry.trace.traceId.slice(0, 8)}`
        : entry.kind === 'span'
          ? entry.span.name
          : entry.record.event;
  return `${name.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'item'}.json`;
}

/**
 * Read-only JSON documents with the details of a tree entry (attributes pretty-printed), updated live while
 * the trace file grows, e.g. when a running span ends.
 */
export class DetailsDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly shown = new Map<string, TraceEntry>();
  private readonly subscriptions: vscode.Disposable[];

  /** Fires for open details documents whose entry changed. */
  readonly onDidChange = this.changed.event;

  constructor(workspace: TraceWorkspace) {
    this.subscriptions = [
      workspace.onDidChange((file) => {
        for (const [uri, entry] of this.shown) if (file === undefined || entry.file === file) this.changed.fire(vscode.Uri.parse(uri));
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.shown.delete(document.uri.toString())),
    ];
  }

  /** The document URI for an entry. */
  uriFor(entry: TraceEntry): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${fileNameFor(entry)}`, query: entry.id });
    this.shown.set(uri.toString(), entry);
    return uri;
  }

  /** The entry a details document shows. */
  entryFor(uri: vscode.Uri): TraceEntry | undefined {
    const entry = this.shown.get(uri.toString());
    return entry === undefined ? undefined : currentEntry(entry);
  }

  /** Opens (or updates) the details of an entry beside the tree, keeping the focus where it is. */
  async show(entry: TraceEntry): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument(this.uriFor(entry));
    return vscode.window.showTextDocument(document, { preview: true, preserveFocus: true });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const entry = this.entryFor(uri);
    return entry === undefined ? '{ "error": "this item is no longer in the trace file" }\n' : detailsText(entry);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}
