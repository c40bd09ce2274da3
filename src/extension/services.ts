import type * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { AccountCache } from './account/accountCache';
import type { ConnectionService } from './connections/connectionService';
import type { SandboxHost } from './sandboxHost';

/**
 * What every adapter module gets: each feature exports `registerX(services)` and pushes its
 * disposables onto `services.context.subscriptions`.
 */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly channel: vscode.LogOutputChannel;
  /** Redacting logger over the channel: the only way adapters log. */
  readonly logger: Logger;
  readonly sandbox: SandboxHost;
  readonly connections: ConnectionService;
  readonly account: AccountCache;
}
