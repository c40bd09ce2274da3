import * as vscode from 'vscode';
import { hoverAt } from '../../core/request';
import { toRange } from './convert';
import type { LiveData } from './documents';

/**
 * Hover in request files: what the account knows about the hovered value (the instance alias
 * for an InstanceId, the flow name, type and status for a ContactFlowId, where the flow reads an
 * attribute key). The JSON language service shows the schema's description of the member in the
 * same hover, so it is not repeated here.
 */
export class RequestHovers implements vscode.HoverProvider {
  constructor(private readonly live: LiveData) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const text = doc.getText();
    const { context } = this.live.contextFor(text);
    const hover = hoverAt(text, doc.offsetAt(position), { ...context, liveOnly: true });
    return hover ? new vscode.Hover(new vscode.MarkdownString(hover.markdown), toRange(doc, hover.offset, hover.length)) : undefined;
  }
}
