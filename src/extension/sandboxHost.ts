import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { SandboxAdmin } from '../core/sandboxAdmin';
import { parseListeningLine, parsePortInUse, parseRequestLogLine, portInUseMessage, STDERR_PREFIX } from '../sandbox/protocol';

/** The running sandbox as the extension knows it: where it listens, nothing that reaches inside it. */
export interface SandboxInfo {
  /** `http://127.0.0.1:PORT`: the endpoint for the Connect and Participant clients and the admin API. */
  readonly url: string;
  readonly port: number;
  /** The child process's id. */
  readonly pid: number | undefined;
  /** The instances' aliases (the demo instance, then the flows folder's). */
  readonly aliases: readonly string[];
}

export interface SandboxSettings {
  flowsDir?: string;
  port: number;
  pace?: 'instant' | 'realistic';
}

export interface SandboxHostOptions {
  logger: Logger;
  /** dist/cli.js: the sandbox runs as `chatreq sandbox` in a child process. */
  cliPath: string;
  /** Read when the sandbox starts: a flows folder (absolute) and a port (0 = any free port). */
  settings: () => SandboxSettings;
  /** Restarts after unexpected exits: at most `count` within `windowMs`, then it gives up. Default 3 in 60 s. */
  restarts?: { count: number; windowMs: number };
  /** Where messages to the user go (default: VS Code notifications). */
  notify?: (kind: 'warning' | 'error', message: string) => void;
  /** How long a start may take before it is abandoned (default 60 s). */
  startTimeoutMs?: number;
}

/** What {@link SandboxHost.endpoint} rejects with while the sandbox is stopped on purpose. */
export class SandboxStoppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxStoppedError';
  }
}

export const SANDBOX_STOPPED_MESSAGE =
  'The Connect sandbox is stopped, so the sandbox connection has no endpoint. Run "Chatreq: Start Connect Sandbox" to start it again, or select another connection.';

const STDERR_KEPT = 20;

/**
 * The Connect sandbox, run on first use as a child process: the CLI's `chatreq sandbox`, started
 * with the extension host's own Node (`process.execPath` with ELECTRON_RUN_AS_NODE=1). A runaway
 * flow or a large flows folder therefore never blocks the extension host. The extension drives
 * it only over HTTP (the AWS APIs and the admin API, see {@link SandboxAdmin}). The child's
 * request log goes to the Chatreq output channel; a child that dies is restarted a few times;
 * it stops with the window (and on its own when the extension host dies: its stdin closes).
 */
export class SandboxHost implements vscode.Disposable {
  private pending: Promise<SandboxInfo> | undefined;
  private info: SandboxInfo | undefined;
  private child: ChildProcess | undefined;
  /** Set by {@link stop} and after giving up restarting: {@link endpoint} then does not start it. */
  private halted: string | undefined;
  private readonly exits: number[] = [];
  /** A stop under way: a new start waits for the old process to be gone. */
  private stopping: Promise<void> | undefined;
  private disposed = false;
  private readonly changed = new vscode.EventEmitter<SandboxInfo | undefined>();
  /** Fires with the sandbox's endpoint when it starts and with undefined when it stops. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: SandboxHostOptions) {}

  /** Where the sandbox listens, if it is running now. */
  get current(): SandboxInfo | undefined {
    return this.info;
  }

  /** Whether the sandbox is running or starting. */
  get active(): boolean {
    return this.pending !== undefined;
  }

  /** The admin API client of the running sandbox, if it is running now. */
  get admin(): SandboxAdmin | undefined {
    return this.info ? new SandboxAdmin(this.info.url) : undefined;
  }

  /** Starts the sandbox unless it is running (concurrent calls share one start). */
  start(): Promise<SandboxInfo> {
    // Asked for by name: whatever stopped it (the Stop command, too many crashes) is over.
    this.halted = undefined;
    this.exits.length = 0;
    return this.startShared();
  }

  /**
   * The base URL Connect and Participant clients use (`http://127.0.0.1:PORT`), starting the
   * sandbox on first use, unless it was stopped on purpose: then it rejects with a
   * {@link SandboxStoppedError} that says how to start it again.
   */
  async endpoint(): Promise<string> {
    if (this.halted !== undefined && !this.pending) throw new SandboxStoppedError(this.halted);
    return (await this.startShared()).url;
  }

  /**
   * Stops the sandbox. With `stayStopped` (the Stop command) it stays stopped: nothing starts it
   * again until {@link start} is called.
   */
  async stop(options: { stayStopped?: boolean } = {}): Promise<void> {
    if (options.stayStopped) this.halted = SANDBOX_STOPPED_MESSAGE;
    const pending = this.pending;
    if (!pending) return this.stopping;
    this.pending = undefined;
    const run = (async () => {
      await pending.catch(() => undefined);
      const child = this.child;
      this.child = undefined;
      const was = this.info;
      this.info = undefined;
      // Said first, so sessions on the old port close now; a start asked for meanwhile waits for
      // the old process to be gone (see startShared).
      if (was) this.changed.fire(undefined);
      if (child) await terminate(child);
      if (was) this.options.logger.info('[sandbox] stopped');
    })();
    const stopping = run.finally(() => {
      if (this.stopping === stopping) this.stopping = undefined;
    });
    this.stopping = stopping;
    await stopping;
  }

  dispose(): void {
    this.disposed = true;
    const child = this.child;
    this.child = undefined;
    this.pending = undefined;
    this.info = undefined;
    if (child) {
      child.stdin?.end();
      child.kill();
    }
    this.changed.dispose();
  }

  private startShared(): Promise<SandboxInfo> {
    this.pending ??= (this.stopping ?? Promise.resolve()).then(() => this.launch()).catch((e: unknown) => {
      this.pending = undefined;
      throw e;
    });
    return this.pending;
  }

  private async launch(): Promise<SandboxInfo> {
    const { logger } = this.options;
    const { flowsDir, port, pace } = this.options.settings();
    if (flowsDir) {
      const isDir = await fs.stat(flowsDir).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isDir) return this.fail(`The sandbox flows folder "${flowsDir}" does not exist. Fix "chatreq.sandbox.flowsFolder" or clear it to use the demo instance only.`);
    }
    const args = [this.options.cliPath, 'sandbox', '--port', String(port), '--log', '--exit-with-stdin', ...(flowsDir ? ['--flows', flowsDir] : []), ...(pace ? ['--pace', pace] : [])];
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    // The extension host's own Node options (an inspector port, a preload) are not the child's.
    delete env.NODE_OPTIONS;
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    child.stdin.on('error', () => undefined);
    const stderrTail: string[] = [];
    onLines(child.stderr, (line) => {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_KEPT) stderrTail.shift();
      const request = parseRequestLogLine(line);
      if (request !== undefined) logger.info(`[sandbox] ${request}`);
      else logger.warn(`[sandbox] ${line.startsWith(STDERR_PREFIX) ? line.slice(STDERR_PREFIX.length) : line}`);
    });
    let url: { url: string; port: number };
    try {
      url = await new Promise<{ url: string; port: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`it did not report "listening" within ${Math.round((this.options.startTimeoutMs ?? 60_000) / 1000)} s`)), this.options.startTimeoutMs ?? 60_000);
        const done = (f: () => void) => {
          clearTimeout(timer);
          f();
        };
        onLines(child.stdout, (line) => {
          const parsed = parseListeningLine(line);
          if (parsed) done(() => resolve(parsed));
          else logger.info(`[sandbox] ${line}`);
        });
        child.once('error', (e) => done(() => reject(e)));
        child.once('exit', (code, signal) =>
          done(() => {
            const text = stderrTail.join('\n');
            const busy = parsePortInUse(text);
            if (busy !== undefined) return reject(new Error(portInUseMessage(busy, 'Set "chatreq.sandbox.port" to 0 (any free port) or to a free port.')));
            const last = stderrTail
              .filter((l) => parseRequestLogLine(l) === undefined)
              .map((l) => (l.startsWith(STDERR_PREFIX) ? l.slice(STDERR_PREFIX.length) : l))
              .slice(-3)
              .join(' ');
            reject(new Error(last || `the process exited with ${signal ? `signal ${signal}` : `code ${code}`} before it listened`));
          }),
        );
      });
    } catch (e) {
      child.kill('SIGKILL');
      const message = (e as Error).message;
      return this.fail(/^The Connect sandbox /.test(message) || /^The sandbox flows folder/.test(message) ? message : `The Connect sandbox did not start: ${message}`);
    }
    const ms = performance.now() - started;
    if (this.disposed) {
      child.kill();
      throw new Error('The extension is shutting down.');
    }
    this.child = child;
    let aliases: string[] = [];
    let flows = 0;
    try {
      const instances = await new SandboxAdmin(url.url).instances();
      aliases = instances.map((i) => i.alias);
      flows = instances.reduce((n, i) => n + i.flows.length, 0);
    } catch (e) {
      logger.warn(`[sandbox] could not list the sandbox's instances: ${(e as Error).message}`);
    }
    const info: SandboxInfo = { url: url.url, port: url.port, pid: child.pid, aliases };
    this.info = info;
    child.once('exit', (code, signal) => this.exited(child, code, signal, stderrTail));
    logger.info(
      `[sandbox] Connect sandbox listening on ${info.url} (process ${child.pid ?? '?'}, started in ${ms.toFixed(0)} ms; ${aliases.length} instances, ${flows} flows${flowsDir ? `, flows folder ${flowsDir}` : ''})`,
    );
    this.changed.fire(info);
    return info;
  }

  private fail(message: string): never {
    this.options.logger.error(`[sandbox] ${message}`);
    throw new Error(message);
  }

  /** The child ended without being asked: say so, restart it a few times, then give up. */
  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, stderrTail: string[]): void {
    if (this.child !== child || this.disposed) return;
    this.child = undefined;
    this.pending = undefined;
    this.info = undefined;
    this.changed.fire(undefined);
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const last = stderrTail.filter((l) => parseRequestLogLine(l) === undefined).slice(-3);
    this.options.logger.error(`[sandbox] the sandbox process stopped unexpectedly (${how})${last.length ? `: ${last.join(' ')}` : ''}`);
    const { count, windowMs } = this.options.restarts ?? { count: 3, windowMs: 60_000 };
    const now = Date.now();
    this.exits.push(now);
    while (this.exits.length > 0 && this.exits[0] < now - windowMs) this.exits.shift();
    const notify = this.options.notify ?? defaultNotify;
    if (this.exits.length > count) {
      const message = `The Connect sandbox stopped unexpectedly ${this.exits.length} times within ${Math.round(windowMs / 1000)} s, so Chatreq stopped restarting it. See "Chatreq: Show Log" for why, then run "Chatreq: Start Connect Sandbox" to start it again.`;
      this.halted = message;
      this.options.logger.error(`[sandbox] gave up restarting: ${message}`);
      notify('error', message);
      return;
    }
    notify('warning', `The Connect sandbox stopped unexpectedly (${how}); Chatreq is restarting it. Chats that were running in it are gone.`);
    this.startShared().then(
      (info) => this.options.logger.info(`[sandbox] restarted at ${info.url}`),
      (e: unknown) => notify('error', (e as Error).message),
    );
  }
}

function defaultNotify(kind: 'warning' | 'error', message: string): void {
  if (kind === 'warning') void vscode.window.showWarningMessage(message);
  else void vscode.window.showErrorMessage(message);
}

/** Calls `each` with every complete line the stream produces. */
function onLines(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).replace(/\r$/, '');
      buffered = buffered.slice(nl + 1);
      if (line) each(line);
    }
  });
}

/** Asks the child to stop (SIGTERM, stdin closed) and waits for it; kills it if it lingers. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 3000)));
  if ((await Promise.race([exited, late])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}
