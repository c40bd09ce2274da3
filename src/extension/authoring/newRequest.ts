import * as vscode from 'vscode';
import { checkRequestName, newRequestText, REQUEST_FILE_SUFFIX, requestNameCandidates, requestTargets, slugForFileName } from '../../core/request';
import type { Logger } from '../../core/log';
import { Commands } from '../ids';
import { showInput } from '../pickers/showInput';
import { isRequestDocument } from './documents';

/**
 * What a caller can pass to "New Chat Request" (the explorer's "New Chat Request for this Flow",
 * tests): the instance and flow to fill in, and a file name to use without asking.
 */
export interface NewChatRequestArgs {
  instanceId?: string;
  flowId?: string;
  flowName?: string;
  /** The file name (with or without `.chatreq.json`); the command asks when it is left out. */
  name?: string;
  /** The folder to write into; otherwise the explorer's folder, else the workspace folder. */
  folder?: vscode.Uri;
}

/**
 * "New Chat Request": asks for a name, writes `<name>.chatreq.json` (a valid request, with the
 * instance and flow filled in when the caller or the active request file names them) and opens
 * it. It never overwrites: an existing name is refused with the next free one offered. Without a
 * folder to write into, the request opens as an untitled JSON document.
 * Called from the palette (no arguments), the explorer context menu (the folder's Uri) or with
 * {@link NewChatRequestArgs}. Returns the new document's Uri, or undefined when cancelled.
 */
export async function newChatRequest(logger: Logger, first?: unknown, second?: unknown): Promise<vscode.Uri | undefined> {
  const args: NewChatRequestArgs = { ...asArgs(first), ...asArgs(second) };
  if (first instanceof vscode.Uri) args.folder ??= first;
  const targets = currentTargets(args);
  const content = newRequestText({
    ...(targets.instanceId ? { instanceId: targets.instanceId } : {}),
    ...(targets.contactFlowId ? { contactFlowId: targets.contactFlowId } : {}),
  });

  const folder = await targetFolder(args.folder);
  if (!folder) {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
    await vscode.window.showTextDocument(doc);
    void vscode.window.showInformationMessage(`No folder is open, so the request opened as an untitled file. Save it with a name ending in "${REQUEST_FILE_SUFFIX}" to get its checks and completion.`);
    return doc.uri;
  }

  const exists = (name: string): Promise<boolean> => fileExists(vscode.Uri.joinPath(folder, `${name}${REQUEST_FILE_SUFFIX}`));
  let name: string;
  if (args.name !== undefined) {
    const checked = checkRequestName(args.name);
    if ('error' in checked) {
      void vscode.window.showErrorMessage(`New Chat Request: ${checked.error}`);
      return undefined;
    }
    if (await exists(checked.name)) {
      const fresh = await suggestName(checked.name, exists);
      const pick = `Use ${fresh}${REQUEST_FILE_SUFFIX}`;
      void vscode.window
        .showErrorMessage(`${checked.name}${REQUEST_FILE_SUFFIX} already exists in ${folder.path.split('/').pop() ?? 'the folder'}; it was left as it is.`, pick)
        .then((a) => (a === pick ? vscode.commands.executeCommand(Commands.newChatRequest, { ...args, name: fresh, folder }) : undefined));
      return undefined;
    }
    name = checked.name;
  } else {
    const suggestion = await suggestName(args.flowName ? slugForFileName(args.flowName) : 'chat-request', exists);
    const typed = await showInput({
      title: 'New Chat Request',
      prompt: `File name in ${vscode.workspace.asRelativePath(folder, true)} (${REQUEST_FILE_SUFFIX} is added)`,
      value: suggestion,
      valueSelection: [0, suggestion.length],
      validate: async (value) => {
        const checked = checkRequestName(value);
        if ('error' in checked) return checked.error;
        if (await exists(checked.name)) {
          return `${checked.name}${REQUEST_FILE_SUFFIX} already exists. Try ${await suggestName(checked.name, exists)}.`;
        }
        return undefined;
      },
    });
    if (typed === undefined) return undefined;
    const checked = checkRequestName(typed);
    if ('error' in checked) return undefined;
    name = checked.name;
    if (await exists(name)) return undefined;
  }

  const uri = vscode.Uri.joinPath(folder, `${name}${REQUEST_FILE_SUFFIX}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
  logger.info(`[authoring] new chat request ${vscode.workspace.asRelativePath(uri)}`);
  await vscode.window.showTextDocument(uri);
  return uri;
}

function asArgs(v: unknown): NewChatRequestArgs {
  if (v === null || typeof v !== 'object' || v instanceof vscode.Uri) return {};
  const o = v as Record<string, unknown>;
  const out: NewChatRequestArgs = {};
  if (typeof o.instanceId === 'string' && o.instanceId !== '') out.instanceId = o.instanceId;
  if (typeof o.flowId === 'string' && o.flowId !== '') out.flowId = o.flowId;
  if (typeof o.flowName === 'string' && o.flowName !== '') out.flowName = o.flowName;
  if (typeof o.name === 'string') out.name = o.name;
  if (o.folder instanceof vscode.Uri) out.folder = o.folder;
  return out;
}

/** The caller's instance and flow, else those of the request file in the active editor. */
function currentTargets(args: NewChatRequestArgs): { instanceId?: string; contactFlowId?: string } {
  if (args.instanceId) return { instanceId: args.instanceId, ...(args.flowId ? { contactFlowId: args.flowId } : {}) };
  const active = vscode.window.activeTextEditor?.document;
  return active && isRequestDocument(active) ? requestTargets(active.getText()) : {};
}

async function targetFolder(given: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (given) {
    try {
      const stat = await vscode.workspace.fs.stat(given);
      return stat.type & vscode.FileType.Directory ? given : vscode.Uri.joinPath(given, '..');
    } catch {
      // Gone meanwhile: fall back to the workspace folder.
    }
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri;
}

async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function suggestName(base: string, exists: (name: string) => Promise<boolean>): Promise<string> {
  let last = base;
  for (const name of requestNameCandidates(base)) {
    if (!(await exists(name))) return name;
    last = name;
  }
  return last;
}
