/**
 * The connection in use and its Connect access, for the adapter to hold one of. Sessions open on
 * first use (that is when the SDK loads), each connection keeps its own cache, and listeners hear
 * about every switch so everything that shows account data can refresh.
 */
import { ConnectAccess } from '../aws/connectAccess';
import { openSession } from '../aws/session';
import { silentLogger, type Logger } from '../log';
import { connectionKey, connectionLabel, type Connection } from './model';

export interface ConnectionManagerOptions {
  initial: Connection;
  logger?: Logger;
  /** Asked when a role profile needs an MFA code (an input box in the extension). */
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
  /** The running sandbox's URL, started on demand by the host. */
  sandboxEndpoint: () => Promise<string>;
  /** The vetted endpoint overrides (see resolveEndpoints) at the time a session opens. */
  endpoints?: () => { connect?: string; participant?: string };
  /** Connections whose caches are kept when switching away (default 4). */
  keep?: number;
}

export type ConnectionListener = (connection: Connection, previous: Connection) => void;

export class ConnectionManager {
  private currentConnection: Connection;
  private readonly accesses = new Map<string, Promise<ConnectAccess>>();
  private readonly listeners = new Set<ConnectionListener>();
  private readonly logger: Logger;
  private disposed = false;

  constructor(private readonly options: ConnectionManagerOptions) {
    this.currentConnection = options.initial;
    this.logger = options.logger ?? silentLogger;
  }

  get current(): Connection {
    return this.currentConnection;
  }

  /** Listens for switches; returns the function that stops listening. */
  onDidChange(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Switches connection (a no-op when it is the same one). */
  use(connection: Connection): void {
    const previous = this.currentConnection;
    if (connectionKey(previous) === connectionKey(connection)) return;
    this.currentConnection = connection;
    this.logger.info(`[aws] connection: ${connectionLabel(connection)}`);
    for (const l of [...this.listeners]) l(connection, previous);
  }

  /** The access layer for the current connection, opening its session on first use. */
  access(): Promise<ConnectAccess> {
    return this.accessFor(this.currentConnection);
  }

  /**
   * The access layer for any connection (a test run "against" another one), from the same cache
   * as {@link access}, without switching: listeners hear nothing and {@link current} stays.
   */
  accessFor(connection: Connection): Promise<ConnectAccess> {
    if (this.disposed) return Promise.reject(new Error('The connection manager was disposed.'));
    const key = connectionKey(connection);
    let pending = this.accesses.get(key);
    if (pending) {
      // Most recently used last, so the oldest is dropped first.
      this.accesses.delete(key);
      this.accesses.set(key, pending);
      return pending;
    }
    pending = this.open(connection);
    this.accesses.set(key, pending);
    pending.catch(() => {
      if (this.accesses.get(key) === pending) this.accesses.delete(key);
    });
    this.trim();
    return pending;
  }

  /** Drops every cached list (the "Refresh" action). */
  async refresh(): Promise<void> {
    const pending = this.accesses.get(connectionKey(this.currentConnection));
    if (pending) (await pending).invalidate();
  }

  /**
   * Closes every session, for when what they were built from changed (endpoint settings, trust,
   * the AWS config files). The next access() opens afresh.
   */
  reset(): void {
    const all = [...this.accesses.values()];
    this.accesses.clear();
    for (const p of all) p.then((a) => a.session.dispose(), () => undefined);
  }

  /** Closes the session of one connection (the sandbox's, when its port changed), whether or not it is the current one. */
  drop(connection: Connection): void {
    const key = connectionKey(connection);
    const pending = this.accesses.get(key);
    if (!pending) return;
    this.accesses.delete(key);
    pending.then((a) => a.session.dispose(), () => undefined);
  }

  dispose(): void {
    this.disposed = true;
    this.reset();
    this.listeners.clear();
  }

  private async open(connection: Connection): Promise<ConnectAccess> {
    const session = await openSession({
      connection,
      logger: this.logger,
      ...(this.options.mfaCodeProvider ? { mfaCodeProvider: this.options.mfaCodeProvider } : {}),
      ...(connection.kind === 'sandbox' ? { sandboxEndpoint: await this.options.sandboxEndpoint() } : {}),
      ...(connection.kind !== 'sandbox' && this.options.endpoints ? { endpoints: this.options.endpoints() } : {}),
    });
    return new ConnectAccess(session, this.logger);
  }

  private trim(): void {
    const keep = Math.max(1, this.options.keep ?? 4);
    while (this.accesses.size > keep) {
      const [oldest] = this.accesses.keys();
      if (oldest === undefined) break;
      const p = this.accesses.get(oldest);
      this.accesses.delete(oldest);
      p?.then((a) => a.session.dispose(), () => undefined);
    }
  }
}
