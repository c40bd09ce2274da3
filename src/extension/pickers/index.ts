/**
 * "Select Instance" and "Select Flow": quick picks over the current connection's account data
 * (shared with completion and the explorer through services.account). The pick functions are
 * exported for the request form; the commands write the choice into the active request editor.
 */
import type { ContactFlowSummary, InstanceSummary } from '@aws-sdk/client-connect';
import * as vscode from 'vscode';
import type { FlowListing } from '../../core/connection';
import { applyEdits, requestTargets } from '../../core/request';
import { setValueEdits } from '../../core/request/edits';
import { minimalEdit } from '../../core/request/form';
import { toWorkspaceEdit } from '../authoring/convert';
import { isRequestDocument } from '../authoring/documents';
import { showAwsError } from '../connections/errors';
import { Commands } from '../ids';
import type { Services } from '../services';
import { showPick } from './showPick';

export interface PickedInstance {
  id: string;
  alias: string;
}

export interface PickedFlow {
  id: string;
  name: string;
  type: string;
}

export interface InstanceItem extends vscode.QuickPickItem {
  instance?: PickedInstance;
}

export interface FlowItem extends vscode.QuickPickItem {
  flow?: PickedFlow;
}

/** Quick pick rows for instances: alias as label, status as description, ID as (searchable) detail. */
export function instanceItems(instances: readonly InstanceSummary[], currentId?: string): InstanceItem[] {
  return instances
    .filter((i) => i.Id)
    .map((i) => {
      const id = i.Id ?? '';
      const alias = i.InstanceAlias ?? id;
      const status = i.InstanceStatus ?? 'unknown status';
      return {
        label: alias,
        description: `${status}${id === currentId ? ' · in the request' : ''}`,
        detail: id,
        instance: { id, alias },
        ...(id === currentId ? { picked: true } : {}),
      };
    });
}

function flowItem(f: ContactFlowSummary, currentId: string | undefined): FlowItem {
  const id = f.Id ?? '';
  const type = f.ContactFlowType ?? 'UNKNOWN';
  const state = f.ContactFlowState && f.ContactFlowState !== 'ACTIVE' ? ` · ${f.ContactFlowState.toLowerCase()}` : '';
  return {
    label: f.Name ?? id,
    description: `${type}${state}${id === currentId ? ' · in the request' : ''}`,
    detail: id,
    flow: { id, name: f.Name ?? id, type },
  };
}

/** Quick pick rows for flows: chat-capable (CONTACT_FLOW) first, then the other types under a separator. */
export function flowItems(listing: FlowListing, currentId?: string): FlowItem[] {
  const items: FlowItem[] = [];
  if (listing.chat.length) {
    items.push({ label: 'Chat flows (CONTACT_FLOW)', kind: vscode.QuickPickItemKind.Separator });
    items.push(...listing.chat.filter((f) => f.Id).map((f) => flowItem(f, currentId)));
  }
  if (listing.other.length) {
    items.push({ label: 'Other flow types (StartChatContact needs a CONTACT_FLOW)', kind: vscode.QuickPickItemKind.Separator });
    items.push(...listing.other.filter((f) => f.Id).map((f) => flowItem(f, currentId)));
  }
  return items;
}

/**
 * A busy quick pick filled when `load` resolves; a failure closes it and is explained, and Retry
 * opens it again.
 */
async function pickFrom<T extends vscode.QuickPickItem>(
  services: Services,
  options: { title: string; placeholder: string; empty: string; operation: string; what: string },
  load: () => Promise<T[]>,
): Promise<T | undefined> {
  for (;;) {
    const outcome = await showPick<T>({ title: `${options.title} · ${services.connections.label}`, placeholder: options.placeholder, empty: options.empty }, load);
    if ('item' in outcome) return outcome.item;
    if ('dismissed' in outcome) return undefined;
    const retry = await showAwsError(services, outcome.error, { operation: options.operation, what: options.what });
    if (!retry) return undefined;
  }
}

/** Lets the user choose an instance of the current connection. */
export async function pickInstance(services: Services, options: { currentId?: string } = {}): Promise<PickedInstance | undefined> {
  const item = await pickFrom<InstanceItem>(
    services,
    {
      title: 'Select Instance',
      placeholder: 'Amazon Connect instance (type an alias or ID)',
      empty: 'This connection has no Amazon Connect instances in this region. Try Chatreq: Select Region.',
      operation: 'ListInstances',
      what: 'Could not list instances',
    },
    async () => instanceItems(await services.account.loadInstances(), options.currentId),
  );
  return item?.instance;
}

/** Lets the user choose a flow of `instanceId` (chat flows first). */
export async function pickFlow(services: Services, instanceId: string, options: { currentId?: string } = {}): Promise<PickedFlow | undefined> {
  const item = await pickFrom<FlowItem>(
    services,
    {
      title: 'Select Flow',
      placeholder: 'Contact flow (type a name or ID)',
      empty: 'This instance has no flows.',
      operation: 'ListContactFlows',
      what: 'Could not list flows',
    },
    async () => flowItems(await services.account.loadFlows(instanceId), options.currentId),
  );
  return item?.flow;
}

/** The request file a picker writes into: the active text editor's, when it is a `*.chatreq.json`. */
export function activeRequestEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor && isRequestDocument(editor.document) ? editor : undefined;
}

/**
 * Sets top-level members of a request document with one WorkspaceEdit covering only the changed
 * span (so one undo reverts it and the cursor outside stays put), keeping the file's formatting.
 * Resolves whether the edit was applied.
 */
export async function setRequestMembers(doc: vscode.TextDocument, values: Record<string, string>): Promise<boolean> {
  const before = doc.getText();
  let next = before.trim() === '' ? '{}' : before;
  for (const [name, value] of Object.entries(values)) next = applyEdits(next, setValueEdits(next, [name], value));
  if (next === before) return true;
  return vscode.workspace.applyEdit(toWorkspaceEdit(doc, [minimalEdit(before, next)]));
}

/** The active request document, or undefined after telling the user to open one (`why` says what for). */
function requestEditorFor(why: string): vscode.TextDocument | undefined {
  const editor = activeRequestEditor();
  if (!editor) void vscode.window.showInformationMessage(`Open a *.chatreq.json request in the editor first: ${why}`);
  return editor?.document;
}

async function selectInstanceCommand(services: Services): Promise<void> {
  const doc = requestEditorFor('Select Instance writes the InstanceId into it.');
  if (!doc) return;
  const picked = await pickInstance(services, { currentId: requestTargets(doc.getText()).instanceId });
  if (!picked) return;
  await setRequestMembers(doc, { InstanceId: picked.id });
}

async function selectFlowCommand(services: Services): Promise<void> {
  const doc = requestEditorFor('Select Flow writes the ContactFlowId into it.');
  if (!doc) return;
  const text = doc.getText();
  const targets = requestTargets(text);
  let instanceId = targets.instanceId;
  const known = instanceId ? (await services.account.loadInstances().catch(() => undefined))?.some((i) => i.Id === instanceId) : false;
  const values: Record<string, string> = {};
  if (!instanceId || known === false) {
    // No instance yet (or one this connection does not have): choose it first.
    const instance = await pickInstance(services, instanceId ? { currentId: instanceId } : {});
    if (!instance) return;
    instanceId = instance.id;
    values.InstanceId = instance.id;
  }
  const current = targets.contactFlowId;
  const flow = await pickFlow(services, instanceId, current ? { currentId: current } : {});
  if (!flow) return;
  values.ContactFlowId = flow.id;
  await setRequestMembers(doc, values);
}

export function registerPickers(services: Services): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(Commands.selectInstance, () => selectInstanceCommand(services)),
    vscode.commands.registerCommand(Commands.selectFlow, () => selectFlowCommand(services)),
  );
}
