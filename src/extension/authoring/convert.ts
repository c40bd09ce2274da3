import * as vscode from 'vscode';
import type { CompletionCandidate, CompletionKind, Diagnostic, Severity, TextEdit } from '../../core/request';

/** The `source` every Chatreq diagnostic carries (the Problems panel shows it). */
export const DIAGNOSTIC_SOURCE = 'chatreq';

const severities: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

const kinds: Record<CompletionKind, vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  reference: vscode.CompletionItemKind.Reference,
  snippet: vscode.CompletionItemKind.Snippet,
};

export function toRange(doc: vscode.TextDocument, offset: number, length: number): vscode.Range {
  return new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length));
}

export function toDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const { start, end } = d.range;
  const out = new vscode.Diagnostic(new vscode.Range(start.line, start.character, end.line, end.character), d.message, severities[d.severity]);
  out.code = d.code;
  out.source = DIAGNOSTIC_SOURCE;
  return out;
}

/** The rule code of a VS Code diagnostic (`code` may be a string, a number or `{ value }`). */
export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

export function toWorkspaceEdit(doc: vscode.TextDocument, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(doc.uri, toRange(doc, e.offset, e.length), e.newText);
  return edit;
}

export function toCompletionItem(doc: vscode.TextDocument, position: vscode.Position, c: CompletionCandidate): vscode.CompletionItem {
  const item = new vscode.CompletionItem(c.label, kinds[c.kind]);
  item.insertText = c.isSnippet ? new vscode.SnippetString(c.insertText) : c.insertText;
  item.filterText = c.filterText;
  if (c.detail !== undefined) item.detail = c.detail;
  if (c.documentation !== undefined) item.documentation = new vscode.MarkdownString(c.documentation);
  if (c.sortText !== undefined) item.sortText = c.sortText;
  const range = toRange(doc, c.replace.offset, c.replace.length);
  // VS Code takes a replace range only on one line and around the cursor.
  if (range.isSingleLine && range.contains(position)) item.range = range;
  return item;
}
