import * as vscode from 'vscode';
import { explainAwsError, type ErrorContext, type ErrorExplanation, type SuggestedAction } from '../../core/connection';
import { Commands } from '../ids';
import type { Services } from '../services';

/**
 * Explains an AWS failure for the current connection (never a stack, never a credential) and logs
 * it once. The explanation is what error nodes and notifications show.
 */
export function explainForUser(services: Services, error: unknown, context: Omit<ErrorContext, 'connection'> = {}): ErrorExplanation {
  const explanation = explainAwsError(error, { ...services.connections.errorContext(), ...context });
  services.logger.warn(
    `[aws] ${context.operation ?? 'call'} failed (${explanation.kind})${explanation.requestId ? ` requestId=${explanation.requestId}` : ''}: ${explanation.message}`,
  );
  return explanation;
}

/** Carries out a suggested action; resolves true when the caller should retry. */
export async function runSuggestedAction(action: SuggestedAction): Promise<boolean> {
  switch (action.kind) {
    case 'runInTerminal': {
      const terminal = vscode.window.createTerminal({ name: 'Chatreq: AWS sign-in' });
      terminal.show();
      terminal.sendText(action.command, true);
      return false;
    }
    case 'selectConnection':
      await vscode.commands.executeCommand(Commands.selectConnection);
      return false;
    case 'selectRegion':
      await vscode.commands.executeCommand(Commands.selectRegion);
      return false;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', action.setting);
      return false;
    case 'retry':
      return true;
  }
}

/**
 * Shows an explanation as an error notification with its actions as buttons. Resolves true when
 * the user chose Retry.
 */
export async function showAwsError(services: Services, error: unknown, context: Omit<ErrorContext, 'connection'> & { what?: string } = {}): Promise<boolean> {
  const explanation = explainForUser(services, error, context);
  const text = context.what ? `${context.what}: ${explanation.message}` : explanation.message;
  const chosen = await vscode.window.showErrorMessage(text, ...explanation.actions.map((a) => a.label));
  const action = explanation.actions.find((a) => a.label === chosen);
  return action ? runSuggestedAction(action) : false;
}
