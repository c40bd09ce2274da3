import * as vscode from 'vscode';
import { completionsAt } from '../../core/request';
import { toCompletionItem } from './convert';
import type { LiveData } from './documents';

/**
 * Live completion in request files: the account's instances for InstanceId, the instance's
 * flows for ContactFlowId, the attribute keys the selected flow (and the flows it transfers to)
 * reads, and the values it compares a key with; in an empty file, the whole-request snippets. The
 * JSON language service completes the schema's members and enums, so nothing else comes from
 * here. Nothing waits on the
 * network: while data is still loading the list is marked incomplete, so VS Code asks again as
 * the user types and the candidates appear once the account cache has them.
 */
export class RequestCompletions implements vscode.CompletionItemProvider {
  static readonly triggerCharacters = ['"', ':'];

  constructor(private readonly live: LiveData) {}

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionList {
    const text = doc.getText();
    const { context, complete } = this.live.contextFor(text);
    const candidates = completionsAt(text, doc.offsetAt(position), context);
    return new vscode.CompletionList(
      candidates.map((c) => toCompletionItem(doc, position, c)),
      !complete,
    );
  }
}
