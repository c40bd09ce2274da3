/**
 * Workspace Trust in VS Code: every feature asks this module (policy in src/core/trust.ts) before
 * it launches, talks, runs tests, reads the account or starts the sandbox, and reads the
 * restricted settings through it. It re-evaluates when trust is granted: {@link onDidGrantTrust}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import * as vscode from 'vscode';
import { decideTrust, effectiveSetting, isRestrictedSetting, RESTRICTED_SETTINGS, type RestrictedSetting, type TrustAction, type TrustDecision } from '../core/trust';
import type { Logger } from '../core/log';

export { refusalReason, type TrustAction, type TrustDecision } from '../core/trust';

export const MANAGE_TRUST = 'Manage Workspace Trust';

let logger: Logger | undefined;
const loggedIgnored = new Set<string>();

/** Gives the module the extension's logger (refusals and ignored workspace values are logged). */
export function useTrustLogger(l: Logger): void {
  logger = l;
}

/** Whether this window's folder is trusted. */
export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** What the policy says about `action` here and now. */
export function decide(action: TrustAction): TrustDecision {
  return decideTrust(action, vscode.workspace.isTrusted);
}

/** Whether `action` may run here and now (for enabling buttons and lenses). */
export function allows(action: TrustAction): boolean {
  return decide(action).allowed;
}

/**
 * Resolves true when `action` may run. Otherwise shows the reason with a Manage Workspace Trust
 * button (without waiting for the user: the command that asked ends at once), logs it and
 * resolves false.
 */
export function ensureAllowed(action: TrustAction): Promise<boolean> {
  const d = decide(action);
  if (d.allowed) return Promise.resolve(true);
  logger?.info(`[trust] refused in Restricted Mode: ${action}`);
  void vscode.window.showWarningMessage(d.reason ?? '', MANAGE_TRUST).then((chosen) => {
    if (chosen === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return Promise.resolve(false);
}

/** Fires once the user trusts the workspace (VS Code reloads the window when trust is taken away). */
export function onDidGrantTrust(listener: () => unknown): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    logger?.info('[trust] the workspace is now trusted: its settings apply and launching is on');
    listener();
  });
}

/**
 * A setting as the policy lets Chatreq use it: in Restricted Mode a restricted setting's workspace
 * value is ignored (and logged once) and the user value or the default applies.
 */
export function setting<T>(key: string, fallback: T): T {
  const config = vscode.workspace.getConfiguration();
  // VS Code's own resolution, unless Restricted Mode has a workspace value to leave out (VS Code
  // already hides those of the restrictedConfigurations; this covers any key it does not).
  if (vscode.workspace.isTrusted || !isRestrictedSetting(key)) return config.get<T>(key, fallback);
  const e = effectiveSetting<T>(key, config.inspect<T>(key), false);
  if (!e.ignored) return config.get<T>(key, fallback);
  if (!loggedIgnored.has(e.ignored)) {
    loggedIgnored.add(e.ignored);
    logger?.warn(`[trust] ${e.ignored}`);
  }
  return e.value === undefined ? fallback : e.value;
}

/** A `WorkspaceConfiguration.get` look-alike that reads through {@link setting}. */
export function trustedConfiguration(): { get<T>(key: string, fallback: T): T } {
  return { get: setting };
}

/**
 * Which of `keys` have a workspace or folder value (used or not): what granting trust changes.
 * In Restricted Mode VS Code hides the workspace values of restricted settings from `inspect()`,
 * so they are read from the settings files themselves (to tell the user what is left out).
 */
export function workspaceValuesSet(keys: readonly RestrictedSetting[] = Object.keys(RESTRICTED_SETTINGS) as RestrictedSetting[]): RestrictedSetting[] {
  const config = vscode.workspace.getConfiguration();
  const inFiles = vscode.workspace.isTrusted ? new Set<string>() : settingsFileKeys();
  return keys.filter((k) => {
    const i = config.inspect(k);
    return i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined || inFiles.has(k);
  });
}

/** The setting keys the workspace file and each folder's .vscode/settings.json set. */
function settingsFileKeys(): Set<string> {
  const keys = new Set<string>();
  const read = (file: string, pick: (json: unknown) => unknown): void => {
    try {
      const settings = pick(parseJsonc(fs.readFileSync(file, 'utf8')));
      if (settings && typeof settings === 'object') for (const k of Object.keys(settings)) keys.add(k);
    } catch {
      // No settings file (or an unreadable one): nothing set there.
    }
  };
  const wsFile = vscode.workspace.workspaceFile;
  if (wsFile?.scheme === 'file') read(wsFile.fsPath, (j) => (j as { settings?: unknown } | undefined)?.settings);
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme === 'file') read(path.join(f.uri.fsPath, '.vscode', 'settings.json'), (j) => j);
  }
  return keys;
}

/** The line the Chatreq views show in Restricted Mode (undefined when trusted). */
export function restrictedNotice(): string | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  const ignored = workspaceValuesSet();
  return `Restricted Mode: instances and flows are read with your user settings only${ignored.length ? ` (this workspace's ${ignored.join(', ')} ${ignored.length === 1 ? 'is' : 'are'} not used)` : ''}; launching test chats and running conversation tests need a trusted workspace.`;
}
