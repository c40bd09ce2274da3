import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Folders the conversation's webview may load from: its bundle and the stylesheet, nothing else. */
export function conversationResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The conversation's page: an empty shell that loads dist/webview/conversation/main.js, which
 * asks the host for the chat (ready handshake) and draws it. Strict CSP: nothing but the nonce'd
 * script and the extension's stylesheet; no image, frame or connection to anywhere (images in
 * messages are shown as links).
 */
export function conversationHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'conversation', 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'conversation.css'));
  const csp = ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource} 'nonce-${nonce}'`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeAttr(style.toString())}" nonce="${nonce}">
<title>${escapeAttr(title)}</title>
</head>
<body>
<div id="app" aria-busy="true"><p class="loading">Loading the conversation…</p></div>
<script nonce="${nonce}" src="${escapeAttr(script.toString())}"></script>
</body>
</html>`;
}
