import * as vscode from 'vscode';
import { completionsAt } from '../../core/request';
import { toCompletionItem } from './convert';
import { wholeDocument, type LiveData, type RequestRegion } from './documents';

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

  /** `region`: where the request is in the document (a request file: all of it; see {@link RequestRegion}). */
  constructor(
    private readonly live: LiveData,
    private readonly region: RequestRegion = wholeDocument,
  ) {}

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionList | undefined {
    const r = this.live.at(doc, position, this.region);
    if (!r) return undefined;
    const candidates = completionsAt(r.text, r.offset, r.context).map((c) => ({ ...c, replace: { ...c.replace, offset: c.replace.offset + r.start } }));
    return new vscode.CompletionList(
      candidates.map((c) => toCompletionItem(doc, position, c)),
      !r.complete,
    );
  }
}
