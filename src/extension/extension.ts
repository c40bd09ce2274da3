import * as vscode from 'vscode';
import { VERSION } from '../core/version';
import { AccountCache } from './account/accountCache';
import { registerAuthoring } from './authoring';
import { ConnectionService } from './connections/connectionService';
import { registerConnections } from './connections';
import { Commands } from './ids';
import { registerRequestForm } from './form';
import type { RequestFormProvider } from './form/requestFormProvider';
import { createLogger } from './log';
import { createSandboxHost, registerSandboxCommands } from './sandboxCommands';
import type { Services } from './services';
import { registerTestChats, type TestChats } from './chats';

/** What activate() returns to other extensions: the version, nothing that reaches an account. */
export interface ChatreqPublicApi {
  readonly version: string;
}

/**
 * What activate() returns when VS Code runs the extension for its tests (ExtensionMode.Test
 * only): handles the integration tests use to look inside. Never returned otherwise, because
 * through `services` any extension could reach credentials and tokens.
 */
export interface ChatreqApi extends ChatreqPublicApi {
  readonly testChats: TestChats;
  readonly services: Services;
  /** How long activate() took, in milliseconds (the benchmark reads it; the log says it). */
  readonly activationMs: number;
  /** The request form's custom editor provider (integration tests drive its message handler). */
  readonly requestForm: RequestFormProvider;
}

export function activate(context: vscode.ExtensionContext): ChatreqApi | ChatreqPublicApi {
  const started = performance.now();
  const { channel, logger } = createLogger();
  context.subscriptions.push(channel);

  const sandbox = createSandboxHost(logger);
  const connections = new ConnectionService(context, logger, sandbox);
  const account = new AccountCache(connections, logger);
  context.subscriptions.push(sandbox, connections, account);
  const services: Services = { context, channel, logger, sandbox, connections, account };

  context.subscriptions.push(vscode.commands.registerCommand(Commands.showLog, () => channel.show(true)));
  registerSandboxCommands(services);
  // Feature modules register here: registerX(services).
  const usage = registerConnections(services);
  registerAuthoring(services);
  const requestForm = registerRequestForm(services);
  const testChats = registerTestChats(services);
  usage.watchView(testChats.tree.treeView);

  const activationMs = performance.now() - started;
  logger.info(`Chatreq ${VERSION} activated in ${activationMs.toFixed(1)} ms (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
  if (context.extensionMode !== vscode.ExtensionMode.Test) return { version: VERSION };
  return { version: VERSION, testChats, services, requestForm, activationMs };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
