import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, Settings } from './ids';
import { SandboxHost, type SandboxInfo, type SandboxSettings } from './sandboxHost';
import type { Logger } from '../core/log';
import type { Services } from './services';
import { allows, ensureAllowed, isTrusted, onDidGrantTrust, trustedConfiguration, workspaceValuesSet } from './trust';

const SANDBOX_SETTINGS = [Settings.sandboxPort, Settings.sandboxFlowsFolder, Settings.sandboxPace] as const;

/** Reads the sandbox settings; a relative flows folder is taken from the first workspace folder. */
export function sandboxSettings(): SandboxSettings {
  // Through the trust policy: in Restricted Mode the workspace's sandbox settings are not used.
  const config = trustedConfiguration();
  const port = config.get<number>(Settings.sandboxPort, 0);
  const pace = config.get<string>(Settings.sandboxPace, 'instant') === 'realistic' ? ('realistic' as const) : undefined;
  const folder = config.get<string>(Settings.sandboxFlowsFolder, '').trim();
  if (!folder) return { port, ...(pace ? { pace } : {}) };
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return { port, ...(pace ? { pace } : {}), flowsDir: path.isAbsolute(folder) || !base ? folder : path.join(base, folder) };
}

/** The sandbox host; the sandbox runs as the packaged CLI (dist/cli.js) in a child process. */
export function createSandboxHost(logger: Logger, extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? path.join(__dirname, '..')): SandboxHost {
  return new SandboxHost({ logger, settings: sandboxSettings, cliPath: path.join(extensionPath, 'dist', 'cli.js') });
}

/** Not contributed: the "running at" notice links to it. */
const COPY_ENDPOINT = 'chatreq._copySandboxEndpoint';

/**
 * Start / Stop / Restart sandbox commands; a restart follows changes to the sandbox settings.
 * The "running at" notice is a notification that closes itself when the sandbox stops or
 * restarts (a plain message would stay up showing the old port).
 */
export function registerSandboxCommands({ context, sandbox, logger, connections }: Services): void {
  let closeNotice: (() => void) | undefined;
  const showRunning = (h: SandboxInfo) => {
    closeNotice?.();
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Connect sandbox running at ${h.url} (${h.aliases.join(', ')}). [Copy Endpoint](command:${COPY_ENDPOINT})` },
      (progress) =>
        new Promise<void>((resolve) => {
          progress.report({ increment: 100 });
          const timer = setTimeout(close, 15_000);
          const sub = sandbox.onDidChange(() => close());
          function close() {
            clearTimeout(timer);
            sub.dispose();
            if (closeNotice === close) closeNotice = undefined;
            resolve();
          }
          closeNotice = close;
        }),
    );
  };
  const start = async (): Promise<string | undefined> => {
    if (!allows('startSandbox')) return void ensureAllowed('startSandbox');
    try {
      const h = await sandbox.start();
      showRunning(h);
      const unused = isTrusted() ? [] : workspaceValuesSet(SANDBOX_SETTINGS);
      if (unused.length) void vscode.window.showInformationMessage(`Restricted Mode: this workspace's ${unused.join(', ')} ${unused.length === 1 ? 'is' : 'are'} not used by the Connect sandbox.`);
      return h.url;
    } catch (e) {
      void vscode.window.showErrorMessage((e as Error).message);
      return undefined;
    }
  };
  // Restarts run one after another: a settings change and the Restart command at the same moment
  // must not stop the sandbox the other one has just started.
  let restarting: Promise<unknown> = Promise.resolve();
  const restart = <T>(then: () => Promise<T>): Promise<T> => {
    const run = restarting.then(() => sandbox.stop()).then(then);
    restarting = run.catch(() => undefined);
    return run;
  };
  context.subscriptions.push(
    { dispose: () => closeNotice?.() },
    vscode.commands.registerCommand(Commands.startSandbox, start),
    vscode.commands.registerCommand(Commands.stopSandbox, async () => {
      const wasRunning = sandbox.current !== undefined;
      await sandbox.stop({ stayStopped: true });
      closeNotice?.();
      const startAgain = 'Start Sandbox';
      const what = wasRunning ? 'Connect sandbox stopped.' : 'The Connect sandbox was not running; it stays stopped.';
      const message =
        connections.current.kind === 'sandbox'
          ? `${what} The sandbox connection has no endpoint until you start it again ("Chatreq: Start Connect Sandbox"), or select another connection.`
          : `${what} It stays stopped until you start it again ("Chatreq: Start Connect Sandbox").`;
      void vscode.window.showInformationMessage(message, startAgain).then((a) => {
        if (a === startAgain) void vscode.commands.executeCommand(Commands.startSandbox);
      });
    }),
    vscode.commands.registerCommand(Commands.restartSandbox, () => restart(start)),
    vscode.commands.registerCommand(COPY_ENDPOINT, async () => {
      const url = sandbox.current?.url;
      if (!url) return void vscode.window.showInformationMessage('The Connect sandbox is not running.');
      await vscode.env.clipboard.writeText(url);
      void vscode.window.setStatusBarMessage(`Copied ${url}`, 3000);
    }),
    // Trusting the workspace brings in its sandbox settings: a running sandbox restarts with them.
    onDidGrantTrust(() => {
      if (!sandbox.current || workspaceValuesSet(SANDBOX_SETTINGS).length === 0) return;
      logger.info('[sandbox] the workspace is now trusted: restarting with its sandbox settings');
      restart(() => sandbox.start()).catch((err: unknown) => void vscode.window.showErrorMessage((err as Error).message));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // A start under way reads the old settings: restart that one too.
      if (!sandbox.active) return;
      if (e.affectsConfiguration(Settings.sandboxFlowsFolder) || e.affectsConfiguration(Settings.sandboxPort) || e.affectsConfiguration(Settings.sandboxPace)) {
        logger.info('[sandbox] settings changed: restarting');
        restart(() => sandbox.start()).catch((err: unknown) => void vscode.window.showErrorMessage((err as Error).message));
      }
    }),
  );
}
