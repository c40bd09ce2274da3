import * as vscode from 'vscode';
import { validateRequestText, type Diagnostic } from '../../core/request';
import { codeOf, DIAGNOSTIC_SOURCE, toWorkspaceEdit } from './convert';
import { RequestDiagnostics } from './diagnostics';

/**
 * Quick fixes for request files: the fixes the core attaches to each diagnostic (ARN → ID, add
 * text/plain, add the interactive types, clamp the duration, remove a conflicting member, ...).
 * The text is checked again here, so a fix always matches the document it edits. Problems the
 * JSON language service reports (syntax, schema) get the core's fix for the same spot as well.
 */
export class RequestCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.diagnostics.length === 0) return [];
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const text = doc.getText();
    let rules: Diagnostic[] | undefined;
    let others: Diagnostic[] | undefined;
    const actions: vscode.CodeAction[] = [];
    for (const vd of context.diagnostics) {
      let match: Diagnostic | undefined;
      if (vd.source === DIAGNOSTIC_SOURCE) {
        rules ??= RequestDiagnostics.validate(text);
        match = rules.find((d) => d.code === codeOf(vd) && sameRange(doc, d, vd.range));
      } else {
        others ??= validateRequestText(text, { layers: ['syntax', 'schema'] });
        match = others.find((d) => (d.fixes?.length ?? 0) > 0 && sameRange(doc, d, vd.range));
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
