import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { startSandboxWithFlows } from '../sandbox';

/** The running sandbox with its flow runtime (the handle tests drive it with). */
export type RunningSandbox = Awaited<ReturnType<typeof startSandboxWithFlows>>;

export interface SandboxHostOptions {
  logger: Logger;
  /** Read when the sandbox starts: a flows folder (absolute) and a port (0 = any free port). */
  settings: () => { flowsDir?: string; port: number; pace?: 'instant' | 'realistic' };
}

/**
 * The Connect sandbox, started in the extension host on first use (the sandbox code is a lazy
 * chunk, dist/sandbox.js, so nothing of it loads at activation) and stopped with the extension.
 */
export class SandboxHost implements vscode.Disposable {
  private pending: Promise<RunningSandbox> | undefined;
  private handle: RunningSandbox | undefined;
  private readonly changed = new vscode.EventEmitter<RunningSandbox | undefined>();
  /** Fires with the running sandbox when it starts and with undefined when it stops. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: SandboxHostOptions) {}

  /** The running sandbox, if it is running now. */
  get running(): RunningSandbox | undefined {
    return this.handle;
  }

  /** Starts the sandbox unless it is running (concurrent calls share one start). */
  start(): Promise<RunningSandbox> {
    this.pending ??= this.launch().catch((e: unknown) => {
      this.pending = undefined;
      throw e;
    });
    return this.pending;
  }

  /** The base URL Connect and Participant clients use (`http://127.0.0.1:PORT`). */
  async endpoint(): Promise<string> {
    return (await this.start()).url;
  }

  async stop(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    const handle = await pending.catch(() => undefined);
    if (!handle) return;
    this.handle = undefined;
    await handle.close();
    this.options.logger.info('[sandbox] stopped');
    this.changed.fire(undefined);
  }

  dispose(): void {
    void this.stop().finally(() => this.changed.dispose());
  }

  private async launch(): Promise<RunningSandbox> {
    const { logger } = this.options;
    const { flowsDir, port, pace } = this.options.settings();
    const sandbox = await import('../sandbox');
    let handle: RunningSandbox;
    try {
      handle = await sandbox.startSandboxWithFlows({
        port,
        ...(flowsDir ? { flowsDir } : {}),
        ...(pace ? { pace } : {}),
        onRequest: (e) =>
          logger.debug(`[sandbox] ${e.operation} ${e.method} ${e.path} -> ${e.status === 0 ? 'dropped' : e.status}${e.errorType ? ` ${e.errorType}` : ''} ${e.ms.toFixed(1)} ms`),
        onRuntimeError: (m) => logger.warn(`[sandbox] flow runtime: ${m}`),
        onFlowFileSkipped: (e) => logger.warn(`[sandbox] skipped ${e.message}`),
      });
    } catch (e) {
      const message = sandboxStartError(e, flowsDir, port);
      logger.error(`[sandbox] ${message}`);
      throw new Error(message);
    }
    this.handle = handle;
    const flows = handle.instances.reduce((n, i) => n + i.flows.length, 0);
    logger.info(`[sandbox] Connect sandbox listening on ${handle.url} (${handle.instances.length} instances, ${flows} flows${flowsDir ? `, flows folder ${flowsDir}` : ''})`);
    this.changed.fire(handle);
    return handle;
  }
}

function sandboxStartError(e: unknown, flowsDir: string | undefined, port: number): string {
  const err = e as { code?: string; message?: string };
  if (err.code === 'EADDRINUSE') {
    return `The Connect sandbox could not listen on port ${port}: it is in use. Set "chatreq.sandbox.port" to 0 (any free port) or to a free port.`;
  }
  if (err.code === 'ENOENT' && flowsDir) {
    return `The sandbox flows folder "${flowsDir}" does not exist. Fix "chatreq.sandbox.flowsFolder" or clear it to use the demo instance only.`;
  }
  return `The Connect sandbox did not start: ${err.message ?? String(e)}`;
}
