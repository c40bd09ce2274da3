import type * as vscode from 'vscode';
import { webviewResourceRoots, webviewShellHtml } from '../webviewHtml';

/** Folders the form's webview may load from: its bundle and the stylesheet, nothing else. */
export const formResourceRoots = webviewResourceRoots;

/** The form's page: dist/webview/form/main.js builds the form and asks for its data. */
export function formHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return webviewShellHtml(webview, extensionUri, {
    entry: 'form',
    stylesheet: 'form.css',
    title,
    images: true,
    body: '<main id="app" aria-busy="true"><p class="loading">Loading the request form…</p></main>',
  });
}
