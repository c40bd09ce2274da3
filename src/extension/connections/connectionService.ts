import * as vscode from 'vscode';
import {
  ConnectionManager,
  connectionLabel,
  parseConnection,
  type ConnectAccess,
  type Connection,
} from '../../core/connection';
import type { Logger } from '../../core/log';
import { Disposable } from '../disposable';
import type { SandboxHost } from '../sandboxHost';

const STATE_KEY = 'chatreq.connection';

/**
 * The connection in use for this workspace (an AWS profile + region, environment credentials, or
 * the sandbox), persisted in workspace state. Everything that shows account data listens to
 * {@link onDidChange} and refreshes.
 */
export class ConnectionService extends Disposable {
  readonly manager: ConnectionManager;
  private readonly changed = this.register(new vscode.EventEmitter<Connection>());
  /** Fires after the connection switched (or its sessions were reset). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
    sandbox: SandboxHost,
    options: {
      mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
      endpoints?: () => { connect?: string; participant?: string };
    } = {},
  ) {
    super();
    const stored = parseConnection(context.workspaceState.get(STATE_KEY));
    this.manager = new ConnectionManager({
      initial: 'connection' in stored ? stored.connection : { kind: 'sandbox' },
      logger,
      sandboxEndpoint: () => sandbox.endpoint(),
      ...options,
    });
    this.register({ dispose: () => this.manager.dispose() });
    this.register({ dispose: this.manager.onDidChange((c) => this.changed.fire(c)) });
  }

  get current(): Connection {
    return this.manager.current;
  }

  /** Whether the workspace has a stored choice (otherwise the default applies). */
  get hasStoredChoice(): boolean {
    return this.context.workspaceState.get(STATE_KEY) !== undefined;
  }

  /** Switches connection and remembers the choice for this workspace. */
  async use(connection: Connection): Promise<void> {
    await this.context.workspaceState.update(STATE_KEY, connection);
    this.manager.use(connection);
  }

  /** Uses a connection for this session without storing it (a computed default). */
  useTransient(connection: Connection): void {
    this.manager.use(connection);
  }

  access(): Promise<ConnectAccess> {
    return this.manager.access();
  }

  /** Closes every session (endpoint settings, trust or AWS config changed) and tells listeners. */
  reset(reason: string): void {
    this.logger.info(`[aws] sessions reset: ${reason}`);
    this.manager.reset();
    this.changed.fire(this.manager.current);
  }

  get label(): string {
    return connectionLabel(this.manager.current);
  }
}
