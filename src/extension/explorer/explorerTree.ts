/**
 * The instance explorer: the connection → its instances → their flows (chat flows first, the
 * other types in a folder). Data comes through services.account (shared with completion and the
 * form); this view keeps only what it shows while a load runs: the pages seen so far, or the
 * explained failure with its actions.
 */
import type { ContactFlowSummary, InstanceSummary } from '@aws-sdk/client-connect';
import * as vscode from 'vscode';
import { sortFlows, type ErrorExplanation, type FlowListing, type SuggestedAction } from '../../core/connection';
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

type Load<T> = { state: 'loading'; partial?: T } | { state: 'done'; value: T } | { state: 'error'; explanation: ErrorExplanation };

/** What an error node's action runs: {@link Commands.errorAction} with the action and the retry. */
export interface ErrorActionArgs {
  action: SuggestedAction;
  retry: () => void;
}

function actionCommand(action: SuggestedAction, retry: () => void): vscode.Command {
  const args: ErrorActionArgs = { action, retry };
  return { command: Commands.errorAction, title: action.label, arguments: [args] };
}

export class ExplorerTree extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = this.register(new vscode.EventEmitter<ExplorerNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private instances: Load<InstanceSummary[]> | undefined;
  private readonly flows = new Map<string, Load<FlowListing>>();
  private readonly instanceNodes = new Map<string, InstanceNode>();
  private generation = 0;
  /** Resolves when every load started so far has settled (tests and the bench wait on it). */
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly services: Services) {
    super();
    this.register(services.connections.onDidChange(() => this.clear()));
    this.register(services.connections.onDidChangeReason(() => this.changed.fire(undefined)));
  }

  /** Forgets what the view holds and shows it again (the data itself comes from the account cache). */
  clear(): void {
    this.generation++;
    this.instances = undefined;
    this.flows.clear();
    this.instanceNodes.clear();
    this.changed.fire(undefined);
  }

  /** The Refresh action: drops the cached lists for this connection and fetches them again. */
  async refresh(): Promise<void> {
    await this.services.account.refresh();
    this.clear();
  }

  /** Waits until no load started by the view is running. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    if (node instanceof FlowNode || node instanceof FolderNode) return node.instance;
    return undefined;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      await this.services.connections.ready;
      const c = this.services.connections;
      return [new ConnectionNode(c.label, `${c.label}\n${c.reason}`, c.current.kind === 'sandbox')];
    }
    if (node instanceof ConnectionNode) return this.instanceChildren();
    if (node instanceof InstanceNode) return this.flowChildren(node);
    if (node instanceof FolderNode) return node.flows.map((f) => new FlowNode(node.instance, f));
    if (node instanceof MessageNode) return node.children;
    return [];
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
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

  private instanceChildren(): ExplorerNode[] {
    const s = this.instances;
    if (!s) {
      this.loadInstances();
      return [loading('Loading instances…')];
    }
    if (s.state === 'loading') return [loading('Loading instances…')];
    if (s.state === 'error') {
      return [
        this.errorNode(s.explanation, () => {
          this.instances = undefined;
          this.changed.fire(undefined);
        }),
      ];
    }
    if (s.value.length === 0) {
      const c = this.services.connections.current;
      return [
        new MessageNode(c.kind === 'sandbox' ? 'The sandbox has no instances.' : `No Amazon Connect instances in ${c.region}.`, {
          kind: 'empty',
          icon: 'info',
          ...(c.kind === 'sandbox' ? {} : { command: { command: Commands.selectRegion, title: 'Select Region' }, description: 'Select Region' }),
        }),
      ];
    }
    return s.value.filter((i) => i.Id).map((i) => {
      const n = new InstanceNode(i);
      this.instanceNodes.set(n.instanceId, n);
      return n;
    });
  }

  private loadInstances(): void {
    const generation = this.generation;
    this.instances = { state: 'loading' };
    void this.track(
      this.services.account.loadInstances().then(
        (value) => {
          if (generation !== this.generation) return;
          this.instances = { state: 'done', value };
          this.changed.fire(undefined);
        },
        (error: unknown) => {
          if (generation !== this.generation) return;
          this.instances = { state: 'error', explanation: explainForUser(this.services, error, { operation: 'ListInstances' }) };
          this.changed.fire(undefined);
        },
      ),
    );
  }

  private flowChildren(node: InstanceNode): ExplorerNode[] {
    const s = this.flows.get(node.instanceId);
    if (!s) {
      this.loadFlows(node);
      return [loading('Loading flows…')];
    }
    if (s.state === 'error') {
      return [
        this.errorNode(s.explanation, () => {
          this.flows.delete(node.instanceId);
          this.changed.fire(node);
        }),
      ];
    }
    const listing = s.state === 'done' ? s.value : s.partial;
    const out: ExplorerNode[] = [];
    if (listing) {
      out.push(...listing.chat.filter((f) => f.Id).map((f) => new FlowNode(node, f)));
      if (listing.other.length) out.push(new FolderNode(node, listing.other.filter((f) => f.Id)));
    }
    if (s.state === 'loading') out.push(loading(listing ? `Loading more flows… (${listing.chat.length + listing.other.length} so far)` : 'Loading flows…'));
    else if (out.length === 0) out.push(new MessageNode('This instance has no flows.', { kind: 'empty', icon: 'info' }));
    return out;
  }

  private loadFlows(node: InstanceNode): void {
    const generation = this.generation;
    const id = node.instanceId;
    const seen: ContactFlowSummary[] = [];
    this.flows.set(id, { state: 'loading' });
    const fire = (): void => this.changed.fire(this.instanceNodes.get(id) ?? node);
    void this.track(
      this.services.account
        .loadFlows(id, {
          onPage: (items) => {
            if (generation !== this.generation) return;
            seen.push(...items);
            // The first page shows at once; later pages refresh the same node.
            this.flows.set(id, { state: 'loading', partial: sortFlows(seen) });
            fire();
          },
        })
        .then(
          (value) => {
            if (generation !== this.generation) return;
            this.flows.set(id, { state: 'done', value });
            fire();
          },
          (error: unknown) => {
            if (generation !== this.generation) return;
            this.flows.set(id, { state: 'error', explanation: explainForUser(this.services, error, { operation: 'ListContactFlows' }) });
            fire();
          },
        ),
    );
  }

  /** The instance node shown for an ID, once instances are listed. */
  instanceNode(instanceId: string): InstanceNode | undefined {
    return this.instanceNodes.get(instanceId);
  }
}

function loading(label: string): MessageNode {
  return new MessageNode(label, { kind: 'loading', icon: 'loading~spin' });
}
