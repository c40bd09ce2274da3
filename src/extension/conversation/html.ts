import type * as vscode from 'vscode';
import { webviewResourceRoots, webviewShellHtml } from '../webviewHtml';

/** Folders the conversation's webview may load from: its bundle and the stylesheet, nothing else. */
export const conversationResourceRoots = webviewResourceRoots;

/**
 * The conversation's page: dist/webview/conversation/main.js asks the host for the chat (ready
 * handshake) and draws it with @vscode-elements/elements (bundled into main.js) and the codicons
 * font (dist/webview/codicons/, copied there by the build; the CSP's style-src and font-src allow
 * only the webview's own resources). No image, frame or connection to anywhere (images in
 * messages are shown as links).
 */
export function conversationHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return webviewShellHtml(webview, extensionUri, {
    entry: 'conversation',
    stylesheet: 'conversation.css',
    extraStylesheets: [{ path: 'codicons/codicon.css', id: 'vscode-codicon-stylesheet' }],
    title,
    body: '<div id="app" aria-busy="true"><p class="loading">Loading the conversation…</p></div>',
  });
}
