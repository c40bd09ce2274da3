import * as vscode from 'vscode';
import { validateRequestText, type Diagnostic } from '../../core/request';
import { Disposable } from '../disposable';
import { toDiagnostic } from './convert';
import { isRequestDocument } from './documents';

/** How long typing must pause before a changed request file is checked again. */
export const DIAGNOSTICS_DEBOUNCE_MS = 250;

/**
 * The semantic checks on open request files. VS Code's JSON language service already reports
 * syntax and schema problems for `*.chatreq.json` (the contributed jsonValidation schema), so
 * only the `rules` layer is published here: each problem appears once. `${env:NAME}` references
 * are checked against the extension host's environment, the one a launch resolves them from.
 */
export class RequestDiagnostics extends Disposable {
  readonly collection = this.register(vscode.languages.createDiagnosticCollection('chatreq'));
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.check(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d);
        this.collection.delete(d.uri);
      }),
    );
    this.register({ dispose: () => [...this.timers.values()].forEach(clearTimeout) });
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  /** What the editor checks for a request text (the adapters and tests share this). */
  static validate(text: string): Diagnostic[] {
    return validateRequestText(text, { env: process.env, layers: ['rules'] });
  }

  /** Checks now (tests call this to skip the debounce). */
  check(doc: vscode.TextDocument): void {
    this.cancel(doc);
    if (!isRequestDocument(doc) || doc.isClosed) return;
    this.collection.set(doc.uri, RequestDiagnostics.validate(doc.getText()).map(toDiagnostic));
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isRequestDocument(doc)) return;
    this.cancel(doc);
    const key = doc.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.check(doc);
      }, DIAGNOSTICS_DEBOUNCE_MS),
    );
  }

  private cancel(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
  }
}
