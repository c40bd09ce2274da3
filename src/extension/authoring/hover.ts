import * as vscode from 'vscode';
import { hoverAt } from '../../core/request';
import { toRange } from './convert';
import { wholeDocument, type LiveData, type RequestRegion } from './documents';

/**
 * Hover in request files: what the account knows about the hovered value (the instance alias
 * for an InstanceId, the flow name, type and status for a ContactFlowId, where the flow reads an
 * attribute key). The JSON language service shows the schema's description of the member in the
 * same hover, so it is not repeated here.
 */
export class RequestHovers implements vscode.HoverProvider {
  constructor(
    private readonly live: LiveData,
    private readonly region: RequestRegion = wholeDocument,
  ) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const r = this.live.at(doc, position, this.region);
    const hover = r && hoverAt(r.text, r.offset, { ...r.context, liveOnly: true });
    return hover ? new vscode.Hover(new vscode.MarkdownString(hover.markdown), toRange(doc, hover.offset + r.start, hover.length)) : undefined;
  }
}
