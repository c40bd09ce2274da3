/**
 * The request form: a custom editor (opt-in, the text editor stays the default) for
 * `*.chatreq.json`, and the commands that switch a request between form and text.
 */
import * as vscode from 'vscode';
import { isRequestFileName } from '../../core/request';
import { Commands, Editors } from '../ids';
import type { Services } from '../services';
import { isRequestForm, RequestFormProvider } from './requestFormProvider';

const isRequestUri = (uri: vscode.Uri | undefined): uri is vscode.Uri => uri !== undefined && isRequestFileName(uri.path);

/** The request file a command applies to: its argument (editor title, explorer) or the active editor's. */
function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (isRequestForm(tab)) return tab.input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}

export function registerRequestForm(services: Services): RequestFormProvider {
  const provider = new RequestFormProvider(services);
  services.context.subscriptions.push(
    // The custom editor itself is registered by the activation shell (extension.ts), which
    // hands each form it is asked to open to this provider.
    provider,
    vscode.commands.registerCommand(Commands.openRequestForm, async (arg?: unknown) => {
      const uri = targetUri(arg);
      if (!isRequestUri(uri)) {
        void vscode.window.showWarningMessage('Open a *.chatreq.json request file first: the request form edits one of those.');
        return;
      }
      await vscode.commands.executeCommand('vscode.openWith', uri, Editors.requestForm);
    }),
    vscode.commands.registerCommand(Commands.openRequestAsText, async (arg?: unknown) => {
      const uri = targetUri(arg);
      if (!isRequestUri(uri)) {
        void vscode.window.showWarningMessage('Open a *.chatreq.json request file first.');
        return;
      }
      await vscode.commands.executeCommand('vscode.openWith', uri, 'default');
    }),
  );
  return provider;
}
