import * as vscode from 'vscode';
import { isJsonEngineLoaded, loadJsonEngine } from '../../core/json';
import { flowTargetDiagnostics, isRequestFileName, validateRequestText, type Diagnostic, type FlowFacts } from '../../core/request';
import { hasEnvReference } from '../../core/request/env';
import { Disposable } from '../disposable';
import { toDiagnostic } from './convert';
import { isRequestDocument } from './documents';

/** How long typing must pause before a changed request file is checked again. */
export const DIAGNOSTICS_DEBOUNCE_MS = 250;

/** Account data the diagnostics read from the cache. */
export interface DiagnosticsAccount {
  /** The flows of the request's instance, if cached (never loads). */
  flowsFor(text: string): FlowFacts[] | undefined;
  onDidChange: vscode.Event<unknown>;
}

/**
 * Chatreq's own checks on open request files. VS Code's JSON language service already reports
 * syntax and schema problems for `*.chatreq.json` (the contributed jsonValidation schema), so
 * only the `chatreq` problems are published here (the semantic rules, leading zeros, nesting):
 * each problem appears once, and the core's `json` problems are the same engine's, word for word.
 * `${env:NAME}` references are checked against the extension host's environment, the one a
 * launch resolves them from; a file that has some loads the JSON engine (once) to check the
 * substituted values against the schema too.
 * With `account`, a ContactFlowId the cached account data says StartChatContact refuses (another
 * flow type, not published, archived) gets a warning, and open requests are checked again when
 * that data changes.
 */
export class RequestDiagnostics extends Disposable {
  readonly collection = this.register(vscode.languages.createDiagnosticCollection('chatreq'));
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(private readonly account?: DiagnosticsAccount) {
    super();
    if (account) this.register(account.onDidChange(() => vscode.workspace.textDocuments.forEach((d) => this.collection.has(d.uri) && this.check(d))));
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.check(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d.uri);
        this.collection.delete(d.uri);
      }),
    );
    // VS Code keeps a closed editor's document around for a while (onDidCloseTextDocument comes
    // much later), so closing the last tab of a request file clears it at once, and opening it
    // again in a tab checks it again.
    this.register(
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        const closed = e.closed.map(tabUri).filter((u): u is vscode.Uri => u !== undefined && isRequestFileName(u.path));
        const shown = closed.length > 0 ? shownUris() : new Set<string>();
        for (const uri of closed) {
          if (!shown.has(uri.toString())) {
            this.cancel(uri);
            this.collection.delete(uri);
          }
        }
        for (const tab of e.opened) {
          const uri = tabUri(tab);
          const doc = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
          if (doc && !this.collection.has(doc.uri)) this.check(doc);
        }
      }),
    );
    this.register({
      dispose: () => {
        this.stopped = true;
        [...this.timers.values()].forEach(clearTimeout);
      },
    });
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  /** What the editor checks for a request text (the adapters and tests share this). */
  static validate(text: string): Diagnostic[] {
    // An empty file is one being written: VS Code's JSON service says nothing about it either.
    if (text.trim() === '') return [];
    return validateRequestText(text, { env: process.env, sources: ['chatreq'] });
  }

  /** Checks now (tests call this to skip the debounce). */
  check(doc: vscode.TextDocument): void {
    this.cancel(doc.uri);
    if (!isRequestDocument(doc) || doc.isClosed) return;
    const text = doc.getText();
    const live = this.account ? flowTargetDiagnostics(text, this.account.flowsFor(text)) : [];
    this.collection.set(doc.uri, [...RequestDiagnostics.validate(text), ...live].map(toDiagnostic));
    if (!isJsonEngineLoaded() && hasEnvReference(text)) {
      void loadJsonEngine().then(
        () => {
          if (!this.stopped) this.check(doc);
        },
        () => undefined,
      );
    }
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isRequestDocument(doc)) return;
    this.cancel(doc.uri);
    const key = doc.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.check(doc);
      }, DIAGNOSTICS_DEBOUNCE_MS),
    );
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
  }
}

/** The document a tab shows (text, diff's modified side, or a custom editor such as the form). */
function tabUri(tab: vscode.Tab): vscode.Uri | undefined {
  const input = tab.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  if (input instanceof vscode.TabInputTextDiff) return input.modified;
  return undefined;
}

function shownUris(): Set<string> {
  const out = new Set<string>();
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const uri = tabUri(tab);
      if (uri) out.add(uri.toString());
    }
  }
  return out;
}
