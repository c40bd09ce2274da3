/**
 * Launching a test chat from VS Code: which request, which target, the checks that block it, the
 * cancellable progress, and the record it leaves in the Test Chats view. The work itself (prepare,
 * StartChatContact with one ClientToken, the live conversation) is the core's LiveChat.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { prepareLaunch, requestFromRecord } from '../../core/chat/launch';
import { loadJsonEngine } from '../../core/json';
import { LiveChat } from '../../core/chat/liveChat';
import type { ChatOrigin, ChatRecord } from '../../core/chat/types';
import { connectionKey } from '../../core/connection';
import { requestTargets } from '../../core/request';
import { isRequestDocument } from '../authoring/documents';
import { Commands } from '../ids';
import { pickFlow, pickInstance, setRequestMembers } from '../pickers';
import type { Services } from '../services';
import { ensureAllowed } from '../trust';
import type { ChatManager, LiveChatHandle } from './chatManager';

/** Where a launch's request comes from. */
export interface LaunchSource {
  /** The request text (the document's, unsaved edits included). */
  text: string;
  /** The request document, when there is one (missing targets can be saved into it). */
  document?: vscode.TextDocument;
  /** Overrides for the target (a flow chosen in the Instances view). */
  instanceId?: string;
  contactFlowId?: string;
  contactFlowName?: string;
  /** Persistent chat: continue this contact. */
  persistent?: { sourceContactId: string; rehydrationType: string; continuedFrom: string };
}

/** The request document a command without arguments means: the active text editor's or request form's. */
export function activeRequestUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor && isRequestDocument(editor.document)) return editor.document.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) {
    if (input.uri.path.endsWith('.chatreq.json')) return input.uri;
  }
  return undefined;
}

async function targetNames(services: Services, instanceId: string, flowId: string): Promise<{ alias?: string; flowName?: string }> {
  const [instances, flows] = await Promise.all([
    services.account.loadInstances().catch(() => undefined),
    services.account.loadFlows(instanceId).catch(() => undefined),
  ]);
  const alias = instances?.find((i) => i.Id === instanceId)?.InstanceAlias;
  const flow = flows ? [...flows.chat, ...flows.other].find((f) => f.Id === flowId) : undefined;
  return { ...(alias ? { alias } : {}), ...(flow?.Name ? { flowName: flow.Name } : {}) };
}

/**
 * Asks for what the request leaves out (instance, then flow) with the pickers, and offers to save
 * the answers into the file. Resolves undefined when the user backs out.
 */
async function askTargets(services: Services, source: LaunchSource, missing: readonly string[]): Promise<{ instanceId?: string; contactFlowId?: string } | undefined> {
  const targets = requestTargets(source.text);
  let instanceId = source.instanceId ?? targets.instanceId;
  let contactFlowId = source.contactFlowId ?? targets.contactFlowId;
  const chosen: Record<string, string> = {};
  if (missing.includes('InstanceId') || !instanceId) {
    const i = await pickInstance(services);
    if (!i) return undefined;
    instanceId = chosen.InstanceId = i.id;
  }
  if (missing.includes('ContactFlowId') || !contactFlowId) {
    const f = await pickFlow(services, instanceId);
    if (!f) return undefined;
    contactFlowId = chosen.ContactFlowId = f.id;
  }
  if (source.document && Object.keys(chosen).length > 0) {
    const names = Object.keys(chosen).join(' and ');
    const file = path.basename(source.document.uri.fsPath);
    const answer = await vscode.window.showQuickPick(
      [
        { label: `Save ${names} into ${file}`, description: 'one undoable edit; the next launch asks nothing', save: true },
        { label: 'Use for this launch only', description: 'the file is not changed', save: false },
      ],
      { title: `Launch: save the chosen ${names}?`, ignoreFocusOut: true },
    );
    if (!answer) return undefined;
    if (answer.save) await setRequestMembers(source.document, chosen);
  }
  return { instanceId, contactFlowId };
}

function origin(services: Services, source: LaunchSource, instanceId: string, contactFlowId: string, names: { alias?: string; flowName?: string }): ChatOrigin {
  const c = services.connections.current;
  const region = c.kind === 'sandbox' ? 'us-east-1' : c.region;
  const doc = source.document;
  return {
    ...(doc ? { requestFile: doc.uri.toString(), requestName: path.basename(doc.uri.path).replace(/\.chatreq\.json$/, '') } : {}),
    connectionKey: connectionKey(c),
    connectionLabel: services.connections.label,
    region,
    instanceId,
    ...(names.alias ? { instanceAlias: names.alias } : {}),
    contactFlowId,
    ...(source.contactFlowName || names.flowName ? { contactFlowName: source.contactFlowName ?? names.flowName } : {}),
  };
}

/**
 * Launches one chat from `source`: checks, asks for missing targets, starts it with progress,
 * and hands the live chat to the manager. Resolves the record (undefined when nothing launched).
 */
export async function launchChat(services: Services, chats: ChatManager, source: LaunchSource): Promise<ChatRecord | undefined> {
  if (!(await ensureAllowed('launchChat'))) return undefined;
  const env = process.env;
  await loadJsonEngine();
  let prepared = prepareLaunch({
    text: source.text,
    env,
    ...(source.document ? { fileName: source.document.uri.fsPath } : {}),
    ...(source.instanceId ? { instanceId: source.instanceId } : {}),
    ...(source.contactFlowId ? { contactFlowId: source.contactFlowId } : {}),
  });
  if (!prepared.ok && prepared.reason === 'missing-target') {
    const t = await askTargets(services, source, prepared.missing ?? []);
    if (!t) return undefined;
    prepared = prepareLaunch({
      text: source.text,
      env,
      ...(source.document ? { fileName: source.document.uri.fsPath } : {}),
      ...(t.instanceId ? { instanceId: t.instanceId } : {}),
      ...(t.contactFlowId ? { contactFlowId: t.contactFlowId } : {}),
    });
  }
  if (!prepared.ok) {
    const show = 'Show Problems';
    void vscode.window.showErrorMessage(`Cannot launch: ${prepared.message}`, show).then((a) => {
      if (a === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return undefined;
  }
  const input = { ...prepared.input };
  if (source.persistent) {
    input.PersistentChat = { SourceContactId: source.persistent.sourceContactId, RehydrationType: source.persistent.rehydrationType as 'ENTIRE_PAST_SESSION' };
  }
  const instanceId = input.InstanceId!;
  const contactFlowId = input.ContactFlowId!;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Chatreq: launching test chat', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        progress.report({ message: `on ${services.connections.label}…` });
        const access = await services.connections.access();
        const names = await targetNames(services, instanceId, contactFlowId);
        const chat = (await LiveChat.launch(
          { session: access.session, logger: services.logger },
          {
            input,
            clientToken: prepared.clientToken,
            origin: origin(services, source, instanceId, contactFlowId, names),
            ...(source.persistent ? { continuedFrom: source.persistent.continuedFrom, rehydrationType: source.persistent.rehydrationType } : {}),
            signal: abort.signal,
          },
        )) as LiveChatHandle;
        if (abort.signal.aborted && chat.record.state === 'failed') {
          chat.dispose();
          return undefined;
        }
        chats.attach(chat);
        const r = chat.record;
        if (r.state === 'failed' && r.error) {
          const fix = r.origin.requestFile ? 'Fix in File' : undefined;
          void vscode.window.showErrorMessage(`Test chat launch failed: ${r.error.message}${r.error.fix ? ` ${r.error.fix}` : ''}`, ...(fix ? [fix] : [])).then((a) => {
            if (a === fix) void vscode.commands.executeCommand(Commands.fixInFile, r.id);
          });
        }
        return r;
      } finally {
        sub.dispose();
      }
    },
  );
}

/** The minimal request a flow item launches when no request file names that flow. */
export function minimalRequestText(instanceId: string, contactFlowId: string): string {
  return `${JSON.stringify({ InstanceId: instanceId, ContactFlowId: contactFlowId, ParticipantDetails: { DisplayName: 'Test customer' } }, null, 2)}\n`;
}

/**
 * The request file nearest to a flow: one that names this flow (in the active editor's folder
 * first), else undefined.
 */
export async function requestFileForFlow(instanceId: string, flowId: string): Promise<vscode.TextDocument | undefined> {
  const files = await vscode.workspace.findFiles('**/*.chatreq.json', '**/node_modules/**', 200);
  const activeDir = vscode.window.activeTextEditor ? path.dirname(vscode.window.activeTextEditor.document.uri.fsPath) : undefined;
  const matches: vscode.TextDocument[] = [];
  for (const uri of files) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const t = requestTargets(doc.getText());
    if (t.contactFlowId === flowId && (t.instanceId === undefined || t.instanceId === instanceId)) matches.push(doc);
  }
  matches.sort((a, b) => Number(path.dirname(b.uri.fsPath) === activeDir) - Number(path.dirname(a.uri.fsPath) === activeDir) || a.uri.fsPath.localeCompare(b.uri.fsPath));
  return matches[0];
}

/** The request a past chat was launched with: its file when it still exists, else rebuilt from the record. */
export async function sourceForRecord(record: ChatRecord): Promise<LaunchSource> {
  if (record.origin.requestFile) {
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(record.origin.requestFile));
      const t = requestTargets(doc.getText());
      return {
        text: doc.getText(),
        document: doc,
        ...(t.instanceId ? {} : { instanceId: record.origin.instanceId }),
        ...(t.contactFlowId ? {} : { contactFlowId: record.origin.contactFlowId }),
      };
    } catch {
      // The file is gone: rebuild the request from what the record kept.
    }
  }
  return { text: JSON.stringify(requestFromRecord(record), null, 2), ...(record.origin.contactFlowName ? { contactFlowName: record.origin.contactFlowName } : {}) };
}
