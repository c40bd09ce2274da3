import * as vscode from 'vscode';
import { isJsonEngineLoaded, loadJsonEngine } from '../../core/json';
import { validateRequestText, type Diagnostic } from '../../core/request';
import { codeOf, DIAGNOSTIC_SOURCE, toWorkspaceEdit } from './convert';
import { RequestDiagnostics } from './diagnostics';

/**
 * Quick fixes for request files: the fixes the core attaches to each diagnostic (ARN → ID, add
 * text/plain, add the interactive types, clamp the duration, remove a conflicting member, ...).
 * The text is checked again here, so a fix always matches the document it edits. Problems VS
 * Code's JSON language service reports (syntax, schema) get the fix the core attaches to the same
 * problem: the core runs the same engine (loaded the first time such a problem needs a fix), so
 * the problem has the same range and the same words.
 */
export class RequestCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] | Promise<vscode.CodeAction[]> {
    if (context.diagnostics.length === 0) return [];
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    if (!isJsonEngineLoaded() && context.diagnostics.some((d) => d.source !== DIAGNOSTIC_SOURCE)) {
      return loadJsonEngine().then(() => this.actions(doc, context.diagnostics));
    }
    return this.actions(doc, context.diagnostics);
  }

  private actions(doc: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[]): vscode.CodeAction[] {
    const text = doc.getText();
    let ours: Diagnostic[] | undefined;
    let json: Diagnostic[] | undefined;
    const actions: vscode.CodeAction[] = [];
    for (const vd of diagnostics) {
      let match: Diagnostic | undefined;
      if (vd.source === DIAGNOSTIC_SOURCE) {
        ours ??= RequestDiagnostics.validate(text);
        match = ours.find((d) => d.code === codeOf(vd) && sameRange(doc, d, vd.range));
      } else {
        json ??= validateRequestText(text, { sources: ['json'] });
        const here = json.filter((d) => sameRange(doc, d, vd.range));
        // Same words unless VS Code shows the service's messages in another language.
        match = here.find((d) => d.message === vd.message) ?? (here.length === 1 ? here[0] : undefined);
      }
      for (const fix of match?.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [vd];
        action.isPreferred = fix.preferred === true;
        action.edit = toWorkspaceEdit(doc, fix.edits);
        actions.push(action);
      }
    }
    return actions;
  }
}

function sameRange(doc: vscode.TextDocument, d: Diagnostic, r: vscode.Range): boolean {
  return doc.offsetAt(r.start) === d.range.offset && doc.offsetAt(r.end) === d.range.offset + d.range.length;
}
