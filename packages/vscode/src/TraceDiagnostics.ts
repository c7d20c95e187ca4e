import * as vscode from 'vscode';
import { toLineDiagnostics } from './problemDiagnostics.js';
import type { TraceFile } from './TraceFile.js';
import type { TraceWorkspace } from './TraceWorkspace.js';

/** Publishes the bad lines of every trace file to the Problems panel, as `aitrace validate` reports them. */
export class TraceDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('aitrace');
  private readonly subscription: vscode.Disposable;

  constructor(private readonly workspace: TraceWorkspace) {
    this.subscription = workspace.onDidChange((file) => (file === undefined ? this.publishAll() : this.publish(file)));
  }

  private publishAll(): void {
    this.collection.clear();
    for (const file of this.workspace.traceFiles()) this.publish(file);
  }

  private publish(file: TraceFile): void {
    const uri = vscode.Uri.file(file.path);
    if (file.kind !== 'trace' || this.workspace.get(file.path) === undefined) {
      this.collection.delete(uri);
      return;
    }
    this.collection.set(
      uri,
      toLineDiagnostics(file.problems).map((problem) => {
        // The whole line: the editor clamps the end to the line's length.
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(problem.line, 0, problem.line, Number.MAX_SAFE_INTEGER),
          problem.message,
          problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diagnostic.source = 'aitrace';
        return diagnostic;
      }),
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
