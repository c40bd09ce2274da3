/**
 * The instance explorer view and its flow actions: New Chat Request for this Flow, Show Flow
 * Content (a read-only JSON document on the `chatreq-flow:` scheme) and Open in Amazon Connect.
 */
import * as vscode from 'vscode';
import { flowDesignerUrl } from '../../core/connection';
import { runSuggestedAction, showAwsError } from '../connections/errors';
import { Commands, Views } from '../ids';
import type { Services } from '../services';
import { onDidGrantTrust, restrictedNotice } from '../trust';
import { ExplorerTree, FlowNode, type ErrorActionArgs } from './explorerTree';

export const FLOW_SCHEME = 'chatreq-flow';

/** A flow as the commands take it: a tree node, or plain IDs (from other features and tests). */
export interface FlowRef {
  instanceId: string;
  flowId: string;
  flowName?: string;
  /** The saved, unpublished version (`<id>:$SAVED`) rather than the published one. */
  saved?: boolean;
}

function flowRef(arg: unknown): FlowRef | undefined {
  if (arg instanceof FlowNode) {
    return { instanceId: arg.instance.instanceId, flowId: arg.flowId, flowName: arg.flowName, ...(arg.flow.ContactFlowStatus === 'SAVED' ? { saved: true } : {}) };
  }
  if (typeof arg === 'object' && arg !== null) {
    const a = arg as Partial<FlowRef>;
    if (typeof a.instanceId === 'string' && typeof a.flowId === 'string') {
      return {
        instanceId: a.instanceId,
        flowId: a.flowId,
        ...(typeof a.flowName === 'string' ? { flowName: a.flowName } : {}),
        ...(a.saved === true ? { saved: true } : {}),
      };
    }
  }
  return undefined;
}

/** DescribeContactFlow's answer for a flow that was saved but never published. */
function isNotPublished(e: unknown): boolean {
  return (e as { name?: unknown } | undefined)?.name === 'ContactFlowNotPublishedException';
}

function noFlow(): undefined {
  void vscode.window.showInformationMessage('Run this from a flow in the Chatreq instance explorer.');
  return undefined;
}

/** The read-only document URI for a flow's content; the name makes the editor tab readable. */
export function flowContentUri(ref: FlowRef): vscode.Uri {
  const name = (ref.flowName ?? ref.flowId).replace(/[\\/:*?"<>|]+/g, '_');
  return vscode.Uri.from({
    scheme: FLOW_SCHEME,
    path: `/${name}${ref.saved ? ' (saved)' : ''}.json`,
    query: new URLSearchParams({ instance: ref.instanceId, flow: ref.flowId, ...(ref.saved ? { saved: '1' } : {}) }).toString(),
  });
}

/** The flow's Content pretty-printed (as is when it is not JSON). */
export function prettyFlowContent(content: string): string {
  try {
    return `${JSON.stringify(JSON.parse(content), null, 2)}\n`;
  } catch {
    return content;
  }
}

class FlowContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly services: Services) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const instanceId = q.get('instance') ?? '';
    const flowId = q.get('flow') ?? '';
    return prettyFlowContent(await loadContent(this.services, { instanceId, flowId, saved: q.get('saved') === '1' }));
  }
}

async function loadContent(services: Services, ref: FlowRef): Promise<string> {
  if (!ref.saved) return services.account.loadFlowContent(ref.instanceId, ref.flowId);
  const access = await services.connections.access();
  return (await access.describeFlow(ref.instanceId, ref.flowId, { saved: true })).Content ?? '';
}

async function showFlowContent(services: Services, arg: unknown): Promise<vscode.TextEditor | undefined> {
  let ref = flowRef(arg);
  if (!ref) return noFlow();
  // A flow the cached listing knows as saved-only has no published content: open its saved version.
  if (!ref.saved && services.account.cachedFlows(ref.instanceId)?.find((f) => f.Id === ref!.flowId)?.ContactFlowStatus === 'SAVED') ref = { ...ref, saved: true };
  for (;;) {
    try {
      await loadContent(services, ref);
      break;
    } catch (e) {
      const what = `Could not read flow "${ref.flowName ?? ref.flowId}"`;
      if (!ref.saved && isNotPublished(e)) {
        const open = 'Open Saved Version';
        const chosen = await vscode.window.showErrorMessage(`${what}: it has been saved but never published, so only its saved ($SAVED) version has content.`, open);
        if (chosen !== open) return undefined;
        ref = { ...ref, saved: true };
        continue;
      }
      if (!(await showAwsError(services, e, { operation: 'DescribeContactFlow', what }))) return undefined;
    }
  }
  const doc = await vscode.workspace.openTextDocument(flowContentUri(ref));
  if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
  return vscode.window.showTextDocument(doc, { preview: true });
}

async function openFlowInConnect(services: Services, arg: unknown): Promise<string | undefined> {
  const ref = flowRef(arg);
  if (!ref) return noFlow();
  if (services.connections.current.kind === 'sandbox') {
    void vscode.window.showInformationMessage(
      'The sandbox has no Amazon Connect console. Use "Show Flow Content" to read the flow, or select a connection to your AWS account.',
    );
    return undefined;
  }
  try {
    const instances = await services.account.loadInstances();
    const instance = instances.find((i) => i.Id === ref.instanceId);
    const access = await services.connections.access();
    const accessUrl = instance?.InstanceAccessUrl ?? (await access.describeInstance(ref.instanceId)).InstanceAccessUrl;
    if (!accessUrl) {
      void vscode.window.showWarningMessage(`Amazon Connect did not return the access URL of instance ${ref.instanceId}, so its flow designer cannot be opened.`);
      return undefined;
    }
    const listing = await services.account.loadFlows(ref.instanceId);
    const arn = [...listing.chat, ...listing.other].find((f) => f.Id === ref.flowId)?.Arn ?? (await access.describeFlow(ref.instanceId, ref.flowId)).Arn;
    if (!arn) {
      void vscode.window.showWarningMessage(`Amazon Connect returned no ARN for flow ${ref.flowId}.`);
      return undefined;
    }
    const url = flowDesignerUrl(accessUrl, arn);
    services.logger.info(`[explorer] opening the flow designer for ${ref.flowId}`);
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  } catch (e) {
    await showAwsError(services, e, { what: 'Could not open the flow in Amazon Connect' });
    return undefined;
  }
}

async function newChatRequestForFlow(arg: unknown): Promise<unknown> {
  const ref = flowRef(arg);
  if (!ref) return noFlow();
  // Callers other than the tree may also name the file (and folder) so no input box is needed.
  const passOn = arg instanceof FlowNode ? {} : pickKeys(arg as Record<string, unknown>, ['name', 'folder']);
  return vscode.commands.executeCommand(Commands.newChatRequest, { instanceId: ref.instanceId, flowId: ref.flowId, flowName: ref.flowName ?? ref.flowId, ...passOn });
}

function pickKeys(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function registerExplorer(services: Services, internals: Record<string, unknown> = {}): ExplorerTree {
  const tree = new ExplorerTree(services);
  const view = vscode.window.createTreeView(Views.explorer, { treeDataProvider: tree, showCollapseAll: true });
  const updateMessage = (): void => {
    view.description = services.connections.current.kind === 'sandbox' ? 'sandbox' : services.connections.label;
    view.message = restrictedNotice();
  };
  updateMessage();
  internals.explorer = tree;
  internals.explorerView = view;
  services.context.subscriptions.push(
    tree,
    view,
    services.connections.onDidChange(updateMessage),
    onDidGrantTrust(updateMessage),
    vscode.workspace.registerTextDocumentContentProvider(FLOW_SCHEME, new FlowContentProvider(services)),
    vscode.commands.registerCommand(Commands.refreshExplorer, () => tree.refresh()),
    vscode.commands.registerCommand(Commands.showFlowContent, (arg: unknown) => showFlowContent(services, arg)),
    vscode.commands.registerCommand(Commands.openFlowInConnect, (arg: unknown) => openFlowInConnect(services, arg)),
    vscode.commands.registerCommand(Commands.newChatRequestForFlow, (arg: unknown) => newChatRequestForFlow(arg)),
    vscode.commands.registerCommand(Commands.errorAction, async (arg: ErrorActionArgs | undefined) => {
      if (!arg) return;
      if (await runSuggestedAction(arg.action)) arg.retry();
    }),
  );
  return tree;
}
