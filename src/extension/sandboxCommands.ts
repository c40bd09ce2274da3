import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, Settings } from './ids';
import { SandboxHost } from './sandboxHost';
import type { Logger } from '../core/log';
import type { Services } from './services';

/** Reads the sandbox settings; a relative flows folder is taken from the first workspace folder. */
export function sandboxSettings(): { flowsDir?: string; port: number; pace?: 'instant' | 'realistic' } {
  const config = vscode.workspace.getConfiguration();
  const port = config.get<number>(Settings.sandboxPort, 0);
  const pace = config.get<string>(Settings.sandboxPace, 'instant') === 'realistic' ? ('realistic' as const) : undefined;
  const folder = config.get<string>(Settings.sandboxFlowsFolder, '').trim();
  if (!folder) return { port, ...(pace ? { pace } : {}) };
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return { port, ...(pace ? { pace } : {}), flowsDir: path.isAbsolute(folder) || !base ? folder : path.join(base, folder) };
}

export function createSandboxHost(logger: Logger): SandboxHost {
  return new SandboxHost({ logger, settings: sandboxSettings });
}

/** Start / Stop / Restart sandbox commands; a restart follows changes to the sandbox settings. */
export function registerSandboxCommands({ context, sandbox, logger }: Services): void {
  const start = async (): Promise<string | undefined> => {
    try {
      const h = await sandbox.start();
      const copy = 'Copy Endpoint';
      void vscode.window.showInformationMessage(`Connect sandbox running at ${h.url} (${h.instances.map((i) => i.alias).join(', ')}).`, copy).then((a) => {
        if (a === copy) void vscode.env.clipboard.writeText(h.url);
      });
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
    vscode.commands.registerCommand(Commands.startSandbox, start),
    vscode.commands.registerCommand(Commands.stopSandbox, async () => {
      await sandbox.stop();
    }),
    vscode.commands.registerCommand(Commands.restartSandbox, () => restart(start)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!sandbox.running) return;
      if (e.affectsConfiguration(Settings.sandboxFlowsFolder) || e.affectsConfiguration(Settings.sandboxPort) || e.affectsConfiguration(Settings.sandboxPace)) {
        logger.info('[sandbox] settings changed: restarting');
        restart(() => sandbox.start()).catch((err: unknown) => void vscode.window.showErrorMessage((err as Error).message));
      }
    }),
  );
}
