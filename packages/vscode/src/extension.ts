import * as vscode from 'vscode';
import { DETAILS_SCHEME, DetailsDocuments } from './DetailsDocuments.js';
import { registerCommands } from './TraceCommands.js';
import { TraceDiagnostics } from './TraceDiagnostics.js';
import { TraceTreeProvider } from './TraceTreeProvider.js';
import { TraceWorkspace } from './TraceWorkspace.js';
import { ViewerServers } from './ViewerServers.js';

/** Starts the extension: the trace tree, live file following, diagnostics, details and commands. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const workspace = new TraceWorkspace();
  const tree = new TraceTreeProvider(workspace);
  const view = vscode.window.createTreeView('aitrace.traces', { treeDataProvider: tree, showCollapseAll: true });
  const details = new DetailsDocuments(workspace);
  const servers = new ViewerServers();
  context.subscriptions.push(
    workspace,
    tree,
    view,
    details,
    servers,
    new TraceDiagnostics(workspace),
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details),
    // Selecting a row shows its details; the focus stays in the tree for keyboard navigation.
    view.onDidChangeSelection((event) => {
      const [entry] = event.selection;
      if (entry !== undefined && event.selection.length === 1) void details.show(entry);
    }),
    ...registerCommands({ workspace, tree, view, details, servers }),
  );
  void vscode.commands.executeCommand('setContext', 'aitrace.filtering', false);
  void vscode.commands.executeCommand('setContext', 'aitrace.onlyErrors', false);
  await workspace.start();
}

/** Nothing to do: everything started is in the context's subscriptions. */
export function deactivate(): void {}
