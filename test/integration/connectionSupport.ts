/** Shared helpers for the connection, explorer and picker integration tests. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SandboxAdmin } from '../../src/core/sandboxAdmin';
import type { ChatreqApi } from '../../src/extension/extension';
import type { ExplorerTree } from '../../src/extension/explorer/explorerTree';

export const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export interface Internals {
  statusBar: vscode.StatusBarItem;
  explorer: ExplorerTree;
  explorerView: vscode.TreeView<unknown>;
  activeQuickPick: () => vscode.QuickPick<vscode.QuickPickItem> | undefined;
  activeMfaInputBox: () => vscode.InputBox | undefined;
}

export async function api(): Promise<ChatreqApi> {
  const ext = vscode.extensions.getExtension<ChatreqApi>('chatreq.chatreq');
  assert.ok(ext);
  return ext.activate();
}

export async function internals(): Promise<Internals> {
  await api();
  const i = await vscode.commands.executeCommand<Internals | undefined>('chatreq._connectionInternals');
  assert.ok(i?.statusBar && i.explorer, 'the connection internals command returned nothing');
  return i;
}

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs a command that shows a quick pick, waits for its items, makes the first item whose label
 * (codicons stripped) satisfies `choose` the active one and accepts it as a user would.
 */
export async function pickWith<T>(command: string, choose: (label: string, item: vscode.QuickPickItem) => boolean, args: unknown[] = []): Promise<{ result: T; items: vscode.QuickPickItem[] }> {
  const i = await internals();
  const running = vscode.commands.executeCommand<T>(command, ...args);
  const qp = await until('the quick pick to list its items', () => {
    const p = i.activeQuickPick();
    return p && !p.busy && p.items.length > 0 ? p : undefined;
  });
  const items = [...qp.items];
  const target = items.find((it) => it.kind !== vscode.QuickPickItemKind.Separator && choose(it.label.replace(/^\$\([^)]+\)\s*/, ''), it));
  assert.ok(target, `no item to choose among: ${items.map((x) => x.label).join(', ')}`);
  await acceptItem(qp, target);
  return { result: await running, items };
}

/** The active quick pick once it has finished loading items and `ready` (if given) holds for it. */
export async function shownQuickPick(what: string, ready: (qp: vscode.QuickPick<vscode.QuickPickItem>) => boolean = () => true): Promise<vscode.QuickPick<vscode.QuickPickItem>> {
  const i = await internals();
  return until(what, () => {
    const p = i.activeQuickPick();
    return p && !p.busy && p.items.length > 0 && ready(p) ? p : undefined;
  });
}

/** The first selectable (non-separator) item of a quick pick. */
export function firstItem(qp: vscode.QuickPick<vscode.QuickPickItem>): vscode.QuickPickItem {
  const item = qp.items.find((it) => it.kind !== vscode.QuickPickItemKind.Separator);
  assert.ok(item, 'the quick pick lists no selectable item');
  return item;
}

/**
 * Makes `item` the active one and accepts it as a user pressing Enter would. The extension host
 * sends the active items to the workbench later (on a timer), so accepting at once could accept
 * the previous active item: wait until the workbench confirms the change (it echoes programmatic
 * active-item changes as onDidChangeActive), then accept.
 */
export async function acceptItem(qp: vscode.QuickPick<vscode.QuickPickItem>, item: vscode.QuickPickItem, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let round = 0;
  for (;;) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`the workbench did not make "${item.label}" the active item within ${timeoutMs} ms`));
      }, Math.max(0, end - Date.now()));
      const sub = qp.onDidChangeActive((active) => {
        if (!active.includes(item)) return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
      qp.activeItems = [item];
    });
    // The workbench may still be reporting an active item it chose itself when the list first
    // rendered (the first row, or the one the command marked current). A round trip through the
    // workbench delivers every such report before it returns; if one of them moved the active item
    // away, the item is made active again.
    await vscode.commands.executeCommand('setContext', 'chatreq.itestQuickPickSync', ++round);
    if (qp.activeItems.length === 1 && qp.activeItems[0] === item) break;
    if (Date.now() > end) throw new Error(`the workbench kept moving the active item away from "${item.label}" (now "${qp.activeItems[0]?.label ?? 'none'}")`);
  }
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

/** A temp AWS config + credentials file, named through AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE. */
export function useAwsFiles(): { dir: () => string; write: (config: string, credentials?: string) => void } {
  let dir = '';
  const saved: Record<string, string | undefined> = {};
  const names = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_SSO', 'HOME', 'USERPROFILE'];
  beforeEach(() => {
    for (const n of names) saved[n] = process.env[n];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatreq-itest-aws-'));
    process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
    fs.writeFileSync(process.env.AWS_CONFIG_FILE, '');
    fs.writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, '');
  });
  afterEach(() => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    write: (config, credentials = '') => {
      fs.writeFileSync(path.join(dir, 'config'), config);
      fs.writeFileSync(path.join(dir, 'credentials'), credentials);
    },
  };
}

/**
 * The admin API of the extension's sandbox (a child process), started if it is not running: how
 * the tests inspect and drive the sandbox besides the AWS APIs.
 */
export async function sandboxAdmin(a: ChatreqApi): Promise<SandboxAdmin> {
  return new SandboxAdmin((await a.services.sandbox.start()).url);
}

/** Points the connect endpoint override (user settings) at the running sandbox. */
export async function endpointToSandbox(a: ChatreqApi): Promise<string> {
  const url = await a.services.sandbox.endpoint();
  await vscode.workspace.getConfiguration().update('chatreq.endpoint.connect', url, vscode.ConfigurationTarget.Global);
  return url;
}

export async function clearEndpointSettings(): Promise<void> {
  const config = vscode.workspace.getConfiguration();
  for (const key of ['chatreq.endpoint.connect', 'chatreq.endpoint.participant']) {
    await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
  }
}

/** The text of the Chatreq log file (the LogOutputChannel writes it under the extension's log folder). */
export function readLog(a: ChatreqApi): string {
  const dir = a.services.context.logUri.fsPath;
  const candidates = [dir, path.dirname(dir)];
  let text = '';
  for (const d of candidates) {
    if (!fs.existsSync(d)) continue;
    for (const name of fs.readdirSync(d)) {
      if (/chatreq/i.test(name) && name.endsWith('.log')) text += fs.readFileSync(path.join(d, name), 'utf8');
    }
  }
  return text;
}

/** Waits until the log file shows `pattern` (the channel writes asynchronously). */
export function logShows(a: ChatreqApi, pattern: RegExp): Promise<string> {
  return until(`the Chatreq log to show ${pattern}`, () => {
    const t = readLog(a);
    return pattern.test(t) ? t : undefined;
  });
}

/**
 * Runs `fn` against a sandbox restarted on a flows folder whose hours-of-operation.json keeps the
 * demo's "Business Hours" (8:00-18:00 New York, weekdays) open every day, all day. A flow that
 * checks those hours (the support bot's agent path goes through After Hours) then takes its
 * in-hours branch whenever the tests run, at night and at weekends too. The sandbox goes back to
 * the demo's own hours afterwards.
 */
export async function withDemoHoursOpen<T>(a: ChatreqApi, fn: () => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatreq-itest-hours-'));
  const days = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
  const allDay = { Hours: 0, Minutes: 0 };
  fs.writeFileSync(
    path.join(dir, 'hours-of-operation.json'),
    JSON.stringify({ hoursOfOperation: [{ HoursOfOperationId: 'b3f9a1d7-4e2c-4c86-a5d0-9e7b3f1a6c24', Name: 'Business Hours', TimeZone: 'America/New_York', Config: days.map((Day) => ({ Day, StartTime: allDay, EndTime: allDay })) }] }),
  );
  // A flows folder needs a flow; this one is never launched.
  const only = '4b1d0c2e-7a3f-4e58-9c61-0d2e8f4a7b93';
  fs.writeFileSync(path.join(dir, 'placeholder.flow.json'), JSON.stringify({ Version: '2019-10-30', StartAction: only, Actions: [{ Identifier: only, Type: 'DisconnectParticipant', Transitions: {}, Parameters: {} }] }));
  const config = vscode.workspace.getConfiguration();
  const restartOn = async (folder: string | undefined) => {
    // Kept stopped while the setting changes, so nothing starts it on the old folder meanwhile.
    await a.services.sandbox.stop({ stayStopped: true });
    await config.update('chatreq.sandbox.flowsFolder', folder, vscode.ConfigurationTarget.Global);
    await a.services.sandbox.start();
  };
  try {
    await restartOn(dir);
    return await fn();
  } finally {
    await restartOn(undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
