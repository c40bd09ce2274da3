/**
 * The instance explorer: the connection → its instances → their flows (chat flows first, the
 * other types in a folder). Data comes through services.account (shared with completion and the
 * form, hover and the pickers); this view keeps only which of its list entries it shows.
 */
import type { ContactFlowSummary, InstanceSummary } from '@aws-sdk/client-connect';
import * as vscode from 'vscode';
import { sortFlows, type AccountChange, type ErrorExplanation, type FlowListing, type PagedList, type SuggestedAction } from '../../core/connection';
import { explainForUser } from '../connections/errors';
import { Disposable } from '../disposable';
import { Commands } from '../ids';
import type { Services } from '../services';

export type ExplorerNode = ConnectionNode | InstanceNode | FlowNode | FolderNode | MessageNode;

export class ConnectionNode extends vscode.TreeItem {
  readonly type = 'connection';
  constructor(label: string, tooltip: string, sandbox: boolean) {
    super(label, vscode.TreeItemCollapsibleState.Expanded);
    this.id = 'connection';
    this.tooltip = tooltip;
    this.contextValue = 'chatreq.connection';
    this.iconPath = new vscode.ThemeIcon(sandbox ? 'beaker' : 'cloud');
    this.command = undefined;
  }
}

export class InstanceNode extends vscode.TreeItem {
  readonly type = 'instance';
  readonly instanceId: string;
  readonly alias: string;
  constructor(readonly instance: InstanceSummary) {
    const id = instance.Id ?? '';
    const alias = instance.InstanceAlias ?? id;
    super(alias, vscode.TreeItemCollapsibleState.Collapsed);
    this.instanceId = id;
    this.alias = alias;
    this.id = `instance/${id}`;
    const status = instance.InstanceStatus ?? 'unknown status';
    this.description = status === 'ACTIVE' ? id : `${status.toLowerCase()} · ${id}`;
    this.tooltip = `${alias}\nID: ${id}\nStatus: ${status}${instance.Arn ? `\nARN: ${instance.Arn}` : ''}`;
    this.contextValue = 'chatreq.instance';
    this.iconPath = new vscode.ThemeIcon(status === 'ACTIVE' ? 'server-environment' : 'warning');
  }
}

export class FlowNode extends vscode.TreeItem {
  readonly type = 'flow';
  readonly flowId: string;
  readonly flowName: string;
  readonly chat: boolean;
  constructor(
    readonly instance: InstanceNode,
    readonly flow: ContactFlowSummary,
  ) {
    const id = flow.Id ?? '';
    const name = flow.Name ?? id;
    super(name, vscode.TreeItemCollapsibleState.None);
    this.flowId = id;
    this.flowName = name;
    this.chat = flow.ContactFlowType === 'CONTACT_FLOW';
    this.id = `flow/${instance.instanceId}/${id}`;
    const type = flow.ContactFlowType ?? 'UNKNOWN';
    const state = flow.ContactFlowState && flow.ContactFlowState !== 'ACTIVE' ? ` · ${flow.ContactFlowState.toLowerCase()}` : '';
    const status = flow.ContactFlowStatus === 'SAVED' ? ' · saved, not published' : '';
    this.description = `${type}${state}${status}`;
    this.tooltip = `${name}\nType: ${type}\nID: ${id}${flow.ContactFlowStatus ? `\nStatus: ${flow.ContactFlowStatus}` : ''}`;
    this.contextValue = this.chat ? 'chatreq.flow.chat' : 'chatreq.flow.other';
    this.iconPath = new vscode.ThemeIcon(this.chat ? 'comment-discussion' : 'symbol-event');
    this.command = { command: Commands.showFlowContent, title: 'Show Flow Content', arguments: [this] };
  }
}

export class FolderNode extends vscode.TreeItem {
  readonly type = 'folder';
  constructor(
    readonly instance: InstanceNode,
    readonly flows: readonly ContactFlowSummary[],
  ) {
    super('Other flow types', vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `other/${instance.instanceId}`;
    this.description = `${flows.length}`;
    this.tooltip = 'Queue, whisper, hold, transfer and other flows. StartChatContact starts CONTACT_FLOW (inbound) flows only.';
    this.iconPath = new vscode.ThemeIcon('folder');
    this.contextValue = 'chatreq.otherFlows';
  }
}

export class MessageNode extends vscode.TreeItem {
  readonly type = 'message';
  constructor(
    label: string,
    options: { icon?: string; tooltip?: string; command?: vscode.Command; description?: string; children?: MessageNode[]; kind: 'loading' | 'error' | 'empty' | 'action' },
  ) {
    super(label, options.children?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.kind = options.kind;
    this.children = options.children ?? [];
    if (options.icon) this.iconPath = new vscode.ThemeIcon(options.icon);
    if (options.tooltip) this.tooltip = options.tooltip;
    if (options.description) this.description = options.description;
    if (options.command) this.command = options.command;
    this.contextValue = `chatreq.${options.kind}`;
  }
  readonly kind: 'loading' | 'error' | 'empty' | 'action';
  readonly children: MessageNode[];
}

/** What an error node's action runs: {@link Commands.errorAction} with the action and the retry. */
export interface ErrorActionArgs {
  action: SuggestedAction;
  retry: () => void;
}

function actionCommand(action: SuggestedAction, retry: () => void): vscode.Command {
  const args: ErrorActionArgs = { action, retry };
  return { command: Commands.errorAction, title: action.label, arguments: [args] };
}

/**
 * The tree. It keeps no account data: it shows the list entries of the account cache (the same
 * ones completion, hover, the pickers and the form read), and redraws a node when its entry gets a
 * page or completes. Data that is cached already is drawn in the same call that asks for it, so a
 * node never waits on an event VS Code might drop (it ignores a refresh of a node whose children it
 * is still fetching). What it does keep: which entries it shows, so a failed one stays on screen
 * with its actions until Retry.
 */
export class ExplorerTree extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = this.register(new vscode.EventEmitter<ExplorerNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private shownInstances: PagedList<InstanceSummary> | undefined;
  private readonly shownFlows = new Map<string, PagedList<ContactFlowSummary, FlowListing>>();
  private readonly instanceNodes = new Map<string, InstanceNode>();
  /** The connection node last shown (the parent of the instance nodes, for reveal). */
  private root: ConnectionNode | undefined;
  /** Why the session could not open, shown in place of the instances until Retry. */
  private sessionError: ErrorExplanation | undefined;

  constructor(private readonly services: Services) {
    super();
    this.register(services.connections.onDidChangeReason(() => this.changed.fire(undefined)));
    this.register(services.account.onDidChange((change) => this.onAccountChange(change)));
  }

  /** Forgets what the view shows and draws it again (the data itself stays in the account cache). */
  clear(): void {
    this.shownInstances = undefined;
    this.shownFlows.clear();
    this.instanceNodes.clear();
    this.root = undefined;
    this.sessionError = undefined;
    this.changed.fire(undefined);
  }

  /** The Refresh action: drops the cached lists for this connection and fetches them again. */
  async refresh(): Promise<void> {
    await this.services.account.refresh();
    this.clear();
  }

  /** Waits until no list the view shows is still loading. */
  async idle(): Promise<void> {
    for (;;) {
      const loading = [this.shownInstances, ...this.shownFlows.values()].filter((l) => l?.state === 'loading');
      if (!loading.length) return;
      await Promise.allSettled(loading.map((l) => l!.result));
    }
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    if (node instanceof FlowNode || node instanceof FolderNode) return node.instance;
    if (node instanceof InstanceNode) return this.root;
    return undefined;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      await this.services.connections.ready;
      const c = this.services.connections;
      this.root = new ConnectionNode(c.label, `${c.label}\n${c.reason}`, c.current.kind === 'sandbox');
      return [this.root];
    }
    if (node instanceof ConnectionNode) return this.instanceChildren();
    if (node instanceof InstanceNode) return this.flowChildren(node);
    if (node instanceof FolderNode) return node.flows.map((f) => new FlowNode(node.instance, f));
    if (node instanceof MessageNode) return node.children;
    return [];
  }

  private onAccountChange(change: AccountChange | undefined): void {
    if (change === undefined || (change.kind === 'invalidated' && change.instanceId === undefined)) {
      this.clear();
      return;
    }
    if (change.kind === 'invalidated' && change.instanceId !== undefined) {
      this.shownFlows.delete(change.instanceId);
      const n = this.instanceNodes.get(change.instanceId);
      this.changed.fire(n);
      return;
    }
    // Only the lists on screen are redrawn; others wait until the view asks for them.
    if (change.kind === 'instances' && this.shownInstances) this.changed.fire(this.root);
    if (change.kind === 'flows' && this.shownFlows.has(change.instanceId)) this.changed.fire(this.instanceNodes.get(change.instanceId));
  }

  /**
   * The session of the current connection, opened before anything is drawn: opening one is local
   * (or an MFA prompt), and once it is open the cache answers synchronously.
   */
  private async session(): Promise<boolean> {
    if (this.sessionError) return false;
    try {
      await this.services.account.access();
      return true;
    } catch (error) {
      this.sessionError = explainForUser(this.services, error, { operation: 'ListInstances' });
      return false;
    }
  }

  private errorNode(explanation: ErrorExplanation, retry: () => void): MessageNode {
    const actions = explanation.actions.map(
      (a) => new MessageNode(a.label, { kind: 'action', icon: a.kind === 'retry' ? 'refresh' : 'arrow-right', command: actionCommand(a, retry) }),
    );
    const tooltip = `${explanation.message}${explanation.requestId ? `\nRequest ID: ${explanation.requestId}` : ''}`;
    return new MessageNode(explanation.message, {
      kind: 'error',
      icon: 'error',
      tooltip,
      children: actions,
      command: actionCommand({ kind: 'retry', label: 'Retry' }, retry),
    });
  }

  private async instanceChildren(): Promise<ExplorerNode[]> {
    const retry = (): void => {
      this.shownInstances = undefined;
      this.sessionError = undefined;
      this.changed.fire(undefined);
    };
    if (!(await this.session())) return [this.errorNode(this.sessionError!, retry)];
    const list = (this.shownInstances ??= this.services.account.instanceList());
    if (!list || list.state === 'loading') return [loading('Loading instances…')];
    if (list.state === 'error') return [this.errorNode(explainForUser(this.services, list.error, { operation: 'ListInstances' }), retry)];
    const instances = list.value ?? [];
    if (instances.length === 0) {
      const c = this.services.connections.current;
      return [
        new MessageNode(c.kind === 'sandbox' ? 'The sandbox has no instances.' : `No Amazon Connect instances in ${c.region}.`, {
          kind: 'empty',
          icon: 'info',
          ...(c.kind === 'sandbox' ? {} : { command: { command: Commands.selectRegion, title: 'Select Region' }, description: 'Select Region' }),
        }),
      ];
    }
    return instances.filter((i) => i.Id).map((i) => {
      const n = new InstanceNode(i);
      this.instanceNodes.set(n.instanceId, n);
      return n;
    });
  }

  private async flowChildren(node: InstanceNode): Promise<ExplorerNode[]> {
    const id = node.instanceId;
    const retry = (): void => {
      this.shownFlows.delete(id);
      this.sessionError = undefined;
      this.changed.fire(this.instanceNodes.get(id) ?? node);
    };
    if (!(await this.session())) return [this.errorNode(this.sessionError!, retry)];
    let list = this.shownFlows.get(id);
    if (!list) {
      list = this.services.account.flowList(id);
      if (!list) return [loading('Loading flows…')];
      this.shownFlows.set(id, list);
    }
    if (list.state === 'error') return [this.errorNode(explainForUser(this.services, list.error, { operation: 'ListContactFlows' }), retry)];
    // Complete: the sorted result. Still loading: the pages so far (the first one shows early).
    const listing = list.value ?? (list.pageCount > 0 ? sortFlows(list.items) : undefined);
    const out: ExplorerNode[] = [];
    if (listing) {
      out.push(...listing.chat.filter((f) => f.Id).map((f) => new FlowNode(node, f)));
      if (listing.other.length) out.push(new FolderNode(node, listing.other.filter((f) => f.Id)));
    }
    if (list.state === 'loading') out.push(loading(listing ? `Loading more flows… (${listing.chat.length + listing.other.length} so far)` : 'Loading flows…'));
    else if (out.length === 0) out.push(new MessageNode('This instance has no flows.', { kind: 'empty', icon: 'info' }));
    return out;
  }

  /** The instance node shown for an ID, once instances are listed. */
  instanceNode(instanceId: string): InstanceNode | undefined {
    return this.instanceNodes.get(instanceId);
  }
}

function loading(label: string): MessageNode {
  return new MessageNode(label, { kind: 'loading', icon: 'loading~spin' });
}
