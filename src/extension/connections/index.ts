/**
 * The connection UI: the status bar item, "Select Connection" / "Select Region", the startup
 * choice with its warnings and first-run notice, and the resets that follow trust and settings.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  connectionChoices,
  connectionProblem,
  connectionRegion,
  listProfiles,
  regionChoices,
  sharedConfigPaths,
  withRegion,
  type Connection,
  type ConnectionChoice,
  type DefaultConnection,
  type SharedConfigSummary,
} from '../../core/connection';
import { Commands, Settings } from '../ids';
import { registerExplorer } from '../explorer';
import { registerPickers } from '../pickers';
import { activeInputBox } from '../pickers/showInput';
import { activeQuickPick, showPick } from '../pickers/showPick';
import type { Services } from '../services';
import { onDidGrantTrust } from '../trust';
import type { ConnectionService } from './connectionService';
import { activeMfaInputBox } from './endpointSettings';

const FIRST_RUN_KEY = 'chatreq.firstRunNoticeShown';

/** Status bar text and tooltip for a connection (codicon, name, region). */
export function statusBarText(c: Connection): string {
  switch (c.kind) {
    case 'sandbox':
      return '$(beaker) Sandbox (offline)';
    case 'env':
      return `$(key) Environment · ${c.region}`;
    case 'profile':
      return `$(cloud) ${c.profile} · ${c.region}`;
  }
}

export function statusBarTooltip(connections: ConnectionService, problem = connectionProblem(connections.current)): string {
  const c = connections.current;
  const region = c.kind === 'sandbox' ? 'its single local region (us-east-1)' : c.region;
  const warning = problem ? `\n\n⚠ This connection cannot work: ${problem}` : '';
  return `Chatreq connection: ${connections.label}\nRegion: ${region}\n${connections.reason}${warning}\n\nClick to select another connection.`;
}

export interface ConnectionItem extends vscode.QuickPickItem {
  choice: ConnectionChoice;
}

/** The Select Connection rows: profiles (with how they get credentials), environment, sandbox. */
export function connectionItems(summary: SharedConfigSummary, current: Connection, env: Partial<Record<string, string>> = process.env): ConnectionItem[] {
  const items: ConnectionItem[] = [];
  const choices = connectionChoices(summary, { current, env });
  let separatorDone = false;
  for (const choice of choices) {
    if (choice.connection.kind !== 'profile' && !separatorDone) {
      separatorDone = true;
      if (items.length) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, choice });
    }
    items.push({
      label: `${choice.current ? '$(check) ' : ''}${choice.label}`,
      description: choice.description,
      ...(choice.detail ? { detail: choice.detail } : {}),
      ...(choice.current ? { picked: true } : {}),
      choice,
    });
  }
  return items;
}

export interface RegionItem extends vscode.QuickPickItem {
  region: string;
}

export function regionItems(current: string): RegionItem[] {
  return regionChoices(current).map((r) => ({
    label: `${r.current ? '$(check) ' : ''}${r.label}`,
    description: r.description,
    region: r.id,
    ...(r.current ? { picked: true } : {}),
  }));
}

/** Switches to a chosen connection, persisting it for the workspace, and mentions its problems. */
export async function applyConnectionChoice(services: Services, choice: ConnectionChoice): Promise<void> {
  // A connection that cannot work (environment credentials without the keys) is not switched to.
  const problem = connectionProblem(choice.connection);
  if (problem) {
    const text = `${choice.label} not selected: ${problem} Set them and restart VS Code, or select an AWS profile or the sandbox. The connection stays ${services.connections.label}.`;
    services.logger.warn(`[aws] ${text}`);
    void vscode.window.showErrorMessage(text, 'Select Connection').then((a) => a && vscode.commands.executeCommand(Commands.selectConnection));
    return;
  }
  await services.connections.use(choice.connection);
  if (choice.problems.length) {
    const text = `${choice.label}: ${choice.problems.join(' ')}`;
    services.logger.warn(`[aws] ${text}`);
    void vscode.window.showWarningMessage(text);
  }
}

async function selectConnection(services: Services): Promise<void> {
  const outcome = await showPick<ConnectionItem>(
    { title: 'Chatreq: Select Connection', placeholder: 'AWS profile, environment credentials, or the offline sandbox' },
    async () => connectionItems(await listProfiles(process.env), services.connections.current),
  );
  if ('error' in outcome) {
    const message = `Could not read your AWS config files: ${(outcome.error as Error).message ?? String(outcome.error)}`;
    services.logger.warn(`[aws] ${message}`);
    void vscode.window.showErrorMessage(message);
    return;
  }
  if ('item' in outcome) await applyConnectionChoice(services, outcome.item.choice);
}

async function selectRegion(services: Services): Promise<void> {
  const current = services.connections.current;
  if (current.kind === 'sandbox') {
    const choose = 'Select Connection';
    const answer = await vscode.window.showInformationMessage(
      `The sandbox has a single region (${connectionRegion(current)}). To work in another region, select an AWS profile or environment credentials first.`,
      choose,
    );
    if (answer === choose) await vscode.commands.executeCommand(Commands.selectConnection);
    return;
  }
  const outcome = await showPick<RegionItem>(
    { title: `Chatreq: Select Region · ${services.connections.label}`, placeholder: 'Region where your Amazon Connect instance is' },
    () => regionItems(current.region),
  );
  if ('item' in outcome) await services.connections.use(withRegion(current, outcome.item.region));
}

/**
 * Edits to the AWS config or credentials file (aws configure, a changed role) apply without a
 * reload: the sessions close and the next call resolves credentials afresh.
 */
function watchAwsFiles(services: Services): void {
  const paths = sharedConfigPaths(process.env);
  for (const file of new Set([paths.config, paths.credentials])) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    const reset = (): void => {
      if (services.connections.current.kind !== 'sandbox') services.connections.reset(`${file} changed`);
    };
    services.context.subscriptions.push(watcher, watcher.onDidChange(reset), watcher.onDidCreate(reset), watcher.onDidDelete(reset));
  }
}

/** Shows what startup decided: a warning to fix, or the one-time first-run notice. */
export async function announceStartup(services: Services, d: DefaultConnection): Promise<void> {
  const choose = 'Select Connection';
  if (d.warning) {
    const answer = await vscode.window.showWarningMessage(`Chatreq: ${d.warning} Using ${services.connections.label}.`, choose);
    if (answer === choose) await vscode.commands.executeCommand(Commands.selectConnection);
    return;
  }
  if (!d.firstRun || services.context.globalState.get<boolean>(FIRST_RUN_KEY)) return;
  await services.context.globalState.update(FIRST_RUN_KEY, true);
  services.logger.info('[aws] first run: no AWS configuration, the sandbox is in use');
  const answer = await vscode.window.showInformationMessage(
    'Chatreq is using its offline Connect sandbox because no AWS configuration was found. To use your Amazon Connect account, set up a profile (aws configure or aws configure sso), then run "Chatreq: Select Connection" or click the connection in the status bar.',
    choose,
  );
  if (answer === choose) await vscode.commands.executeCommand(Commands.selectConnection);
}

/**
 * Registers the connection UI, the instance explorer and the pickers. Internals (status bar item,
 * explorer tree, open quick pick) are reachable through Commands.connectionInternals for tests.
 */
export function registerConnections(services: Services): { watchView: (view: vscode.TreeView<unknown>) => void; engage: (why: string) => void } {
  const internals: Record<string, unknown> = {};
  const { connections, context } = services;
  const item = vscode.window.createStatusBarItem('chatreq.connection', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Chatreq Connection';
  item.command = Commands.selectConnection;
  const update = (): void => {
    // A connection remembered from a session that had what it needs may lack it now: show that.
    const problem = connectionProblem(connections.current);
    item.text = problem ? statusBarText(connections.current).replace(/^\$\([^)]+\)/, '$(error)') : statusBarText(connections.current);
    item.tooltip = statusBarTooltip(connections, problem);
    item.backgroundColor = problem ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.accessibilityInformation = { label: `Chatreq connection: ${connections.label}. Select to change.`, role: 'button' };
  };
  update();
  internals.statusBar = item;
  internals.activeQuickPick = activeQuickPick;
  internals.activeMfaInputBox = activeMfaInputBox;
  internals.activeInputBox = activeInputBox;
  registerExplorer(services, internals);
  registerPickers(services);

  context.subscriptions.push(
    item,
    connections.onDidChange(update),
    connections.onDidChangeReason(update),
    vscode.commands.registerCommand(Commands.selectConnection, () => {
      engage('Select Connection ran');
      return selectConnection(services);
    }),
    vscode.commands.registerCommand(Commands.selectRegion, () => {
      engage('Select Region ran');
      return selectRegion(services);
    }),
    // Test handle: registered only when VS Code runs the extension for its tests.
    ...(context.extensionMode === vscode.ExtensionMode.Test ? [vscode.commands.registerCommand(Commands.connectionInternals, () => internals)] : []),
    onDidGrantTrust(() => connections.reset('the workspace is now trusted (endpoint settings from it apply)')),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(Settings.endpointConnect) || e.affectsConfiguration(Settings.endpointParticipant)) {
        connections.reset('endpoint override settings changed');
      }
    }),
  );

  // The features load for a Chatreq command or view too, not only in a workspace that uses
  // Chatreq. Until it shows that it does (a request file, a Chatreq view, Select Connection),
  // there is no status bar item, no watcher on the AWS files, no AWS config read (which loads the
  // SDK's config loader) and no first-run notice.
  let engaged = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const engage = (why: string): void => {
    if (engaged) return;
    engaged = true;
    services.logger.debug(`[aws] Chatreq in use here: ${why}`);
    item.show();
    watchAwsFiles(services);
    // After activation, not during it.
    timer = setTimeout(() => {
      void connections.resolveStartup().then(
        (d) => announceStartup(services, d),
        (e: unknown) => services.logger.error(`[aws] could not choose a startup connection: ${(e as Error).message ?? String(e)}`),
      );
    }, 0);
  };
  context.subscriptions.push({ dispose: () => timer !== undefined && clearTimeout(timer) });
  const watchView = (view: vscode.TreeView<unknown>): void => {
    if (view.visible) engage('a Chatreq view is open');
    context.subscriptions.push(view.onDidChangeVisibility((e) => e.visible && engage('a Chatreq view is open')));
  };
  watchView(internals.explorerView as vscode.TreeView<unknown>);
  // The activation shell watches for request files (it loads this module when it sees one).
  return { watchView, engage };
}
