import * as vscode from 'vscode';
import {
  ConnectionManager,
  connectionLabel,
  listProfiles,
  parseConnection,
  restoreConnection,
  type ConnectAccess,
  type Connection,
  type DefaultConnection,
  type ErrorContext,
  type ResolvedEndpoints,
} from '../../core/connection';
import type { Logger } from '../../core/log';
import { Disposable } from '../disposable';
import type { SandboxHost } from '../sandboxHost';
import { askMfaCode, currentEndpointSettings } from './endpointSettings';

const STATE_KEY = 'chatreq.connection';

export interface ConnectionServiceOptions {
  /** Asked when a role profile needs an MFA code. Default: an input box. */
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
  /** The vetted endpoint overrides. Default: the chatreq.endpoint.* settings (trust-aware) and AWS_ENDPOINT_URL_*. */
  endpoints?: () => { connect?: string; participant?: string };
}

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
  private readonly reasonChanged = this.register(new vscode.EventEmitter<string>());
  /** Fires when {@link reason} changes (the status bar tooltip follows it). */
  readonly onDidChangeReason = this.reasonChanged.event;
  private why = 'Until Chatreq has read your AWS configuration, the sandbox is in use.';
  private startup: Promise<DefaultConnection> | undefined;
  private readonly loggedEndpointNotes = new Set<string>();
  private chosenDuringStartup = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
    sandbox: SandboxHost,
    options: ConnectionServiceOptions = {},
  ) {
    super();
    const stored = parseConnection(context.workspaceState.get(STATE_KEY));
    if ('connection' in stored) this.why = 'The connection chosen for this workspace.';
    this.manager = new ConnectionManager({
      initial: 'connection' in stored ? stored.connection : { kind: 'sandbox' },
      logger,
      sandboxEndpoint: () => sandbox.endpoint(),
      mfaCodeProvider: options.mfaCodeProvider ?? askMfaCode,
      endpoints: options.endpoints ?? (() => this.endpointUrls()),
    });
    this.register({ dispose: () => this.manager.dispose() });
    this.register({ dispose: this.manager.onDidChange((c) => this.changed.fire(c)) });
    // A stopped (or restarted) sandbox gets a new port: its session must open afresh.
    this.register(
      sandbox.onDidChange((running) => {
        if (running) return;
        if (this.current.kind === 'sandbox') this.reset('the sandbox stopped');
        // Not the connection now, but kept for switching back: that session names the old port.
        else this.manager.drop({ kind: 'sandbox' });
      }),
    );
  }

  get current(): Connection {
    return this.manager.current;
  }

  /** Whether the workspace has a stored choice (otherwise the default applies). */
  get hasStoredChoice(): boolean {
    return this.context.workspaceState.get(STATE_KEY) !== undefined;
  }

  /** Why this connection is in use (stored choice, AWS_PROFILE, no configuration…): for tooltips. */
  get reason(): string {
    return this.why;
  }

  /**
   * Settles once the startup choice was made (stored, or the default from AWS_PROFILE, the
   * environment, the default profile, or the sandbox). Views wait on it before their first load.
   */
  get ready(): Promise<void> {
    return (this.startup ?? Promise.resolve()).then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Chooses the connection to start with: the stored choice while it is still valid, else the
   * default. Runs once (later calls share the result); the caller shows warnings and notices.
   */
  resolveStartup(env: NodeJS.ProcessEnv = process.env): Promise<DefaultConnection> {
    this.startup ??= (async () => {
      const stored: unknown = this.context.workspaceState.get(STATE_KEY);
      let profiles: Awaited<ReturnType<typeof listProfiles>>['profiles'] = [];
      try {
        profiles = (await listProfiles(env)).profiles;
      } catch (e) {
        this.logger.warn(`[aws] could not read the AWS config files: ${(e as Error).message ?? String(e)}`);
      }
      const d = restoreConnection(stored, env, profiles);
      // A choice made while the files were being read wins over the computed start.
      if (this.chosenDuringStartup) return { ...d, connection: this.current, reason: this.why, firstRun: false };
      this.setReason(d.reason);
      this.manager.use(d.connection);
      this.logger.info(`[aws] startup connection: ${connectionLabel(d.connection)}. ${d.reason}`);
      if (d.warning) this.logger.warn(`[aws] ${d.warning}`);
      return d;
    })();
    return this.startup;
  }

  /** Switches connection and remembers the choice for this workspace. */
  async use(connection: Connection): Promise<void> {
    this.chosenDuringStartup = true;
    await this.context.workspaceState.update(STATE_KEY, connection);
    this.setReason('The connection chosen for this workspace.');
    this.manager.use(connection);
  }

  private setReason(reason: string): void {
    if (reason === this.why) return;
    this.why = reason;
    this.reasonChanged.fire(reason);
  }

  /** Uses a connection for this session without storing it (a computed default). */
  useTransient(connection: Connection): void {
    this.manager.use(connection);
  }

  access(): Promise<ConnectAccess> {
    return this.manager.access();
  }

  /** Access for another connection without switching to it (nothing is stored, nobody is told). */
  accessFor(connection: Connection): Promise<ConnectAccess> {
    return this.manager.accessFor(connection);
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

  /** The endpoint overrides that apply now (none for the sandbox), with what was ignored and why. */
  endpointOverrides(): ResolvedEndpoints {
    return currentEndpointSettings();
  }

  /** What explainAwsError needs to blame an endpoint override rather than the region. */
  errorContext(): Omit<ErrorContext, 'operation'> {
    const c = this.current;
    if (c.kind === 'sandbox') return { connection: c };
    const e = this.endpointOverrides().connect;
    return { connection: c, ...(e ? { endpoint: e.url, ...(e.origin !== 'env' ? { endpointSetting: e.from } : {}) } : {}) };
  }

  private endpointUrls(): { connect?: string; participant?: string } {
    const r = this.endpointOverrides();
    for (const note of [...r.ignored, ...r.problems]) {
      if (this.loggedEndpointNotes.has(note)) continue;
      this.loggedEndpointNotes.add(note);
      this.logger.warn(`[aws] endpoint override not used: ${note}`);
    }
    for (const [service, e] of [['connect', r.connect], ['participant', r.participant]] as const) {
      if (e) this.logger.info(`[aws] ${service} endpoint override ${e.url} (from ${e.from})`);
    }
    return { ...(r.connect ? { connect: r.connect.url } : {}), ...(r.participant ? { participant: r.participant.url } : {}) };
  }
}
