import * as vscode from 'vscode';
import { VERSION } from '../core/version';
import { Commands } from './ids';
import { createLogger } from './log';
import { TestChatsView } from './views/testChatsView';

/** What activate() returns: handles the integration tests use to look inside. */
export interface ChatreqApi {
  readonly version: string;
  readonly testChats: TestChatsView;
}

export function activate(context: vscode.ExtensionContext): ChatreqApi {
  const { channel, logger } = createLogger();
  context.subscriptions.push(channel);

  const testChats = new TestChatsView();
  context.subscriptions.push(
    testChats,
    vscode.commands.registerCommand(Commands.showLog, () => channel.show(true)),
    vscode.commands.registerCommand(Commands.refreshTestChats, () => testChats.refresh()),
  );

  logger.info(`Chatreq ${VERSION} activated (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
  return { version: VERSION, testChats };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
