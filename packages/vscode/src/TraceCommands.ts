import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { CliError, findCli, lacksCommand, runCli } from './aitraceCli.js';
import { DETAILS_SCHEME, type DetailsDocuments } from './DetailsDocuments.js';
import { detailsText } from './entryDetails.js';
import { readSettings } from './settings.js';
import { recordedSource, resolveSource } from './sourceLocation.js';
import { FilterSyntaxError, formatFilter, isFiltering, parseFilter } from './spanFilter.js';
import { currentEntry, type TraceEntry } from './traceEntries.js';
import type { TraceTreeProvider } from './TraceTreeProvider.js';
import type { TraceWorkspace } from './TraceWorkspace.js';
import { traceUrl, type ViewerServers } from './ViewerServers.js';

/** The parts the commands act on. */
export interface CommandContext {
  workspace: TraceWorkspace;
  tree: TraceTreeProvider;
  view: vscode.TreeView<TraceEntry>;
  details: DetailsDocuments;
  servers: ViewerServers;
}

function folderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Registers every `aitrace.*` command; returns their registrations. */
export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const { workspace, tree, view, details, servers } = context;

  // Commands run from a row's menu get its entry; from the palette or a key, the selection or the open details.
  const target = (entry: TraceEntry | undefined): TraceEntry | undefined => {
    if (entry !== undefined) return currentEntry(entry);
    const [selected] = view.selection;
    if (selected !== undefined) return currentEntry(selected);
    const active = vscode.window.activeTextEditor?.document.uri;
    return active?.scheme === DETAILS_SCHEME ? details.entryFor(active) : undefined;
  };

  const traceIdOf = async (entry: TraceEntry | undefined): Promise<{ file: string; traceId: string } | undefined> => {
    if (entry?.kind === 'trace') return { file: entry.file.path, traceId: entry.trace.traceId };
    if (entry?.kind === 'span') return { file: entry.file.path, traceId: entry.traceId };
    if (entry?.kind === 'record' && entry.traceId !== undefined) return { file: entry.file.path, traceId: entry.traceId };
    const files = entry?.kind === 'file' ? [entry.file] : workspace.traceFiles();
    const picks = files.flatMap((file) =>
      file.forest().traces.map((trace) => ({
        label: trace.roots[0]?.name ?? trace.traceId,
        description: `${file.name} · ${trace.spanCount} spans`,
        detail: trace.traceId,
        file: file.path,
        traceId: trace.traceId,
      })),
    );
    if (picks.length === 0) {
      void vscode.window.showWarningMessage('aitrace: no traces to open; open a trace file first.');
      return undefined;
    }
    return vscode.window.showQuickPick(picks, { placeHolder: 'Trace to open' });
  };

  const updateFilterState = (): void => {
    const filter = tree.filter;
    const query = formatFilter(filter);
    view.message = isFiltering(filter)
      ? `Showing ${[filter.onlyErrors ? 'only errors' : '', query !== '' ? `spans matching "${query}"` : ''].filter(Boolean).join(', ')}`
      : '';
    void vscode.commands.executeCommand('setContext', 'aitrace.filtering', isFiltering(filter));
    void vscode.commands.executeCommand('setContext', 'aitrace.onlyErrors', filter.onlyErrors);
  };

  return [
    vscode.commands.registerCommand('aitrace.openTraceFile', async (uri?: vscode.Uri) => {
      const chosen =
        uri instanceof vscode.Uri
          ? [uri]
          : await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Trace files': ['jsonl'], 'All files': ['*'] }, title: 'Open a trace file' });
      const picked = chosen?.[0];
      if (picked === undefined) return;
      const file = await workspace.open(picked.fsPath);
      if (file.kind !== 'trace') {
        void vscode.window.showWarningMessage(`aitrace: ${picked.fsPath} holds no aitrace records yet; it will appear once a record is written.`);
        return;
      }
      const entry = tree.fileEntry(file.path);
      if (entry !== undefined) await view.reveal(entry, { select: true, focus: true, expand: 2 });
    }),

    vscode.commands.registerCommand('aitrace.refresh', () => workspace.rescan()),

    vscode.commands.registerCommand('aitrace.showDetails', async (entry?: TraceEntry) => {
      const chosen = target(entry);
      if (chosen !== undefined) await details.show(chosen);
    }),

    vscode.commands.registerCommand('aitrace.copyDetails', async (entry?: TraceEntry) => {
      const chosen = target(entry);
      if (chosen === undefined) {
        void vscode.window.showWarningMessage('aitrace: select a trace, span or log in the aitrace view first.');
        return;
      }
      await vscode.env.clipboard.writeText(detailsText(chosen));
      void vscode.window.setStatusBarMessage('aitrace: details copied', 3000);
    }),

    vscode.commands.registerCommand('aitrace.goToSource', async (entry?: TraceEntry) => {
      const chosen = target(entry);
      const recorded = chosen === undefined ? undefined : recordedSource(chosen);
      if (chosen === undefined || recorded === undefined) {
        void vscode.window.showWarningMessage('aitrace: this item has no source location (__tracer_meta__.file and line).');
        return;
      }
      const result = resolveSource(recorded, chosen.file.path, folderPaths());
      if ('tried' in result) {
        void vscode.window.showErrorMessage(`aitrace: source file "${recorded.file}" not found; looked at ${result.tried.join(', ')}.`);
        return;
      }
      const { path, line, column } = result.found;
      const position = new vscode.Position(line - 1, column - 1);
      await vscode.window.showTextDocument(vscode.Uri.file(path), { selection: new vscode.Range(position, position), preview: false });
    }),

    vscode.commands.registerCommand('aitrace.filter', async () => {
      const query = await vscode.window.showInputBox({
        title: 'Filter the aitrace view',
        prompt: 'Words of the span name, attribute key=value, status:error|running|cut-off|ok',
        value: formatFilter(tree.filter),
        validateInput: (text) => {
          try {
            parseFilter(text);
            return undefined;
          } catch (error) {
            return error instanceof FilterSyntaxError ? error.message : describe(error);
          }
        },
      });
      if (query === undefined) return;
      tree.filter = parseFilter(query, tree.filter.onlyErrors);
      updateFilterState();
    }),

    vscode.commands.registerCommand('aitrace.clearFilter', () => {
      tree.filter = parseFilter('');
      updateFilterState();
    }),

    vscode.commands.registerCommand('aitrace.showOnlyErrors', () => {
      tree.filter = { ...tree.filter, onlyErrors: true };
      updateFilterState();
    }),

    vscode.commands.registerCommand('aitrace.showAllStatuses', () => {
      tree.filter = { ...tree.filter, onlyErrors: false };
      updateFilterState();
    }),

    vscode.commands.registerCommand('aitrace.openInWebViewer', async (entry?: TraceEntry) => {
      const chosen = await traceIdOf(target(entry));
      if (chosen === undefined) return;
      const settings = readSettings();
      try {
        const base =
          settings.viewerUrl !== ''
            ? settings.viewerUrl
            : await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'aitrace: starting the web viewer' }, () =>
                servers.baseFor(chosen.file, {
                  cli: findCli(settings.cliPath, folderPaths()),
                  args: settings.serveArgs,
                  port: settings.viewerPort,
                  cwd: dirname(chosen.file),
                }),
              );
        const url = traceUrl(base, chosen.traceId);
        await vscode.env.openExternal(vscode.Uri.parse(url));
        void vscode.window.setStatusBarMessage(`aitrace: opened ${url}`, 5000);
      } catch (error) {
        void vscode.window.showErrorMessage(`aitrace: ${describe(error)}`);
      }
    }),

    vscode.commands.registerCommand('aitrace.openAsHtml', async (entry?: TraceEntry) => {
      const chosen = target(entry);
      const file = chosen?.file ?? (await pickFile(workspace));
      if (file === undefined) return;
      const settings = readSettings();
      const cli = findCli(settings.cliPath, folderPaths());
      try {
        const out = join(await mkdtemp(join(tmpdir(), 'aitrace-html-')), `${file.name.replace(/\.jsonl$/, '')}.html`);
        const result = await runCli(cli, ['html', file.path, '-o', out], dirname(file.path));
        if (lacksCommand(result, 'html'))
          throw new CliError(`The aitrace CLI "${cli}" has no "html" command; install a version of @aitrace/cli that includes it.`);
        if (result.code !== 0)
          throw new CliError(`"${cli} html" failed with code ${result.code ?? 'none'}: ${result.stderr.trim() || result.stdout.trim() || 'no output'}`);
        await vscode.env.openExternal(vscode.Uri.file(out));
      } catch (error) {
        void vscode.window.showErrorMessage(`aitrace: ${describe(error)}`);
      }
    }),
  ];
}

async function pickFile(workspace: TraceWorkspace) {
  const files = workspace.traceFiles();
  if (files.length <= 1) return files[0];
  const pick = await vscode.window.showQuickPick(
    files.map((file) => ({ label: file.name, description: file.path, file })),
    { placeHolder: 'Trace file' },
  );
  return pick?.file;
}
