import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Folders Chatreq's webviews may load from: the webview bundles and the stylesheets, nothing else. */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export interface ShellOptions {
  /** The bundle under dist/webview/<entry>/main.js. */
  entry: string;
  /** The stylesheet under media/. */
  stylesheet: string;
  title: string;
  /** The placeholder the script replaces (already HTML). */
  body: string;
  /** Whether images from the extension may load (the form's icons); default no. */
  images?: boolean;
  /**
   * Stylesheets under dist/webview/ to link before the page's own (the codicons' font CSS), each
   * with an optional element id (vscode-elements finds the codicon stylesheet by its id).
   */
  extraStylesheets?: Array<{ path: string; id?: string }>;
}

/**
 * An empty page that loads one nonce'd script and the extension's stylesheet under a strict CSP
 * (`default-src 'none'`, a fresh nonce from a CSPRNG per page). The script builds the rest.
 */
export function webviewShellHtml(webview: vscode.Webview, extensionUri: vscode.Uri, o: ShellOptions): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', o.entry, 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', o.stylesheet));
  const extra = (o.extraStylesheets ?? []).map((x) => {
    const href = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', ...x.path.split('/')));
    return `<link rel="stylesheet" href="${escapeAttr(href.toString())}" nonce="${nonce}"${x.id ? ` id="${escapeAttr(x.id)}"` : ''}>
`;
  });
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    ...(o.images ? [`img-src ${webview.cspSource}`] : []),
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${extra.join('')}<link rel="stylesheet" href="${escapeAttr(style.toString())}" nonce="${nonce}">
<title>${escapeAttr(o.title)}</title>
</head>
<body>
${o.body}
<script nonce="${nonce}" src="${escapeAttr(script.toString())}"></script>
</body>
</html>`;
}
