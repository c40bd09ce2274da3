import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { Services } from '../services';
import { RequestCodeActions } from './codeActions';
import { RequestCompletions } from './completion';
import { RequestDiagnostics } from './diagnostics';
import { inlineRequestAt } from '../../core/chattest/model';
import { CHATTEST_SELECTOR, LiveData, REQUEST_SELECTOR, cachedFlowFacts } from './documents';
import { RequestHovers } from './hover';
import { newChatRequest } from './newRequest';

/**
 * Authoring `*.chatreq.json`: semantic diagnostics, live completion and hover from the account
 * cache (also in a conversation test's inline request), quick fixes, and "New Chat Request". The schema part (members, enums, schema errors,
 * member descriptions) comes from VS Code's JSON language service through `jsonValidation`.
 */
export function registerAuthoring(services: Services): void {
  const diagnostics = new RequestDiagnostics({ flowsFor: (text) => cachedFlowFacts(services.account, text), onDidChange: services.account.onDidChange });
  const live = new LiveData(services.account);
  services.context.subscriptions.push(
    diagnostics,
    live,
    vscode.languages.registerCompletionItemProvider(REQUEST_SELECTOR, new RequestCompletions(live), ...RequestCompletions.triggerCharacters),
    vscode.languages.registerHoverProvider(REQUEST_SELECTOR, new RequestHovers(live)),
    // A conversation test's inline request: the same live completion and hover, within its object.
    vscode.languages.registerCompletionItemProvider(CHATTEST_SELECTOR, new RequestCompletions(live, inlineRequestAt), ...RequestCompletions.triggerCharacters),
    vscode.languages.registerHoverProvider(CHATTEST_SELECTOR, new RequestHovers(live, inlineRequestAt)),
    vscode.languages.registerCodeActionsProvider(REQUEST_SELECTOR, new RequestCodeActions(), RequestCodeActions.metadata),
    vscode.commands.registerCommand(Commands.newChatRequest, (a?: unknown, b?: unknown) => newChatRequest(services.logger, a, b)),
  );
}
