import * as vscode from 'vscode';
import { presentItem } from '../../core/chat/present';
import { relativeTime, stateLabel } from '../../core/chat/relativeTime';
import type { ChatItem, ChatRecord, ChatState, FlowLogRecord } from '../../core/chat/types';
import { requestMemberNames } from '../../core/request';
import { Disposable } from '../disposable';
import { Commands, Views } from '../ids';
import type { ChatManager } from './chatManager';

/** What a node stands for; the tree rebuilds nodes from the record each time it is asked. */
export type ChatNodeKind =
  | 'chat'
  | 'contact'
  | 'participant'
  | 'flow'
  | 'connection'
  | 'attributes'
  | 'conversation'
  | 'trace'
  | 'contactAttributes'
  | 'error'
  | 'value'
  | 'item'
  | 'option'
  | 'block';

export class ChatTreeNode extends vscode.TreeItem {
  children?: ChatTreeNode[];
  constructor(
    readonly kind: ChatNodeKind,
    readonly chatId: string,
    label: string | vscode.TreeItemLabel,
    collapsible = vscode.TreeItemCollapsibleState.None,
  ) {
    super(label, collapsible);
  }
  /** Set on item and option nodes: the transcript item they belong to. */
  itemId?: string;
  /** Set on option nodes: the option's title. */
  optionTitle?: string;
  /** Set on block nodes: the flow-log record. */
  block?: FlowLogRecord;
}

const STATE_ICONS: Record<ChatState, [string, string?]> = {
  starting: ['loading~spin'],
  connected: ['comment-discussion', 'charts.green'],
  queued: ['watch', 'charts.yellow'],
  agent: ['person', 'charts.blue'],
  ended: ['pass'],
  failed: ['error', 'errorForeground'],
};

function icon(id: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

const ROLE_ICONS: Record<string, string> = {
  CUSTOMER: 'account',
  AGENT: 'person',
  SYSTEM: 'hubot',
  CUSTOM_BOT: 'hubot',
  SUPERVISOR: 'eye',
};

/** The request member an error message starts with ("ContactFlowId: …"), when it names one. */
export function memberOfError(message: string): string | undefined {
  const m = /(?:^|\): )([A-Z][A-Za-z]+)(?:\.[A-Za-z]+)*: /.exec(message);
  return m && requestMemberNames().includes(m[1]) ? m[1] : undefined;
}

export function chatLabel(r: ChatRecord): string {
  const name = r.origin.requestName ?? r.origin.contactFlowName ?? r.origin.contactFlowId;
  return `${name} · ${r.displayName}`;
}

function leaf(chatId: string, label: string, description?: string, tooltip?: string): ChatTreeNode {
  const n = new ChatTreeNode('value', chatId, label);
  if (description !== undefined) n.description = description;
  if (tooltip !== undefined) n.tooltip = tooltip;
  return n;
}

function group(kind: ChatNodeKind, chatId: string, label: string, children: ChatTreeNode[], description?: string, expanded = false): ChatTreeNode {
  const n = new ChatTreeNode(
    kind,
    chatId,
    label,
    children.length === 0
      ? vscode.TreeItemCollapsibleState.None
      : expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed,
  );
  n.children = children;
  n.id = `${chatId}/${kind}`;
  if (description !== undefined) n.description = description;
  return n;
}

function oneLine(text: string, max = 120): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function timeOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString();
}

function itemNode(r: ChatRecord, item: ChatItem, index: number): ChatTreeNode {
  const v = presentItem(item);
  const time = timeOf(item.AbsoluteTime);
  const options = v.interactive?.options ?? [];
  const n = new ChatTreeNode(
    'item',
    r.id,
    v.kind === 'event' ? oneLine(v.text || v.eventName || item.ContentType) : `${v.label}: ${oneLine(v.text || v.interactive?.title || '')}`,
    options.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
  );
  n.id = `${r.id}/item/${item.Id}`;
  n.itemId = item.Id;
  n.description = time;
  n.tooltip = new vscode.MarkdownString().appendText(`${v.label || item.ParticipantRole || ''} · ${time}\n\n${v.text || v.interactive?.title || item.ContentType}`);
  n.iconPath =
    v.kind === 'event'
      ? icon('info')
      : v.kind === 'interactive'
        ? icon('list-selection')
        : v.kind === 'attachment'
          ? icon('file')
          : icon(ROLE_ICONS[item.ParticipantRole ?? ''] ?? 'comment');
  n.contextValue = v.kind === 'interactive' && isLive(r) ? 'chatreq.chatItem.interactive' : 'chatreq.chatItem';
  n.children = options.map((o, i) => {
    const on = new ChatTreeNode('option', r.id, o.title);
    on.id = `${r.id}/item/${item.Id}/option/${i}`;
    on.itemId = item.Id;
    on.optionTitle = o.title;
    if (o.subtitle) on.description = o.subtitle;
    on.iconPath = icon('circle-outline');
    on.contextValue = isLive(r) ? 'chatreq.chatOption' : 'chatreq.chatOption.ended';
    if (isLive(r)) on.command = { command: Commands.chooseOption, title: 'Choose this Option', arguments: [on] };
    return on;
  });
  void index;
  return n;
}

function isLive(r: ChatRecord): boolean {
  return r.state === 'connected' || r.state === 'queued' || r.state === 'agent' || r.state === 'starting';
}

function traceNodes(r: ChatRecord): { children: ChatTreeNode[]; description: string } {
  const s = r.traceStatus;
  if (!s) return { children: [leaf(r.id, 'Not read yet', 'refresh the chat to read the flow logs')], description: '' };
  if (s.kind === 'no-log-group') {
    return {
      children: [
        leaf(r.id, 'No flow logs for this instance', s.logGroup, `Chatreq reads the CloudWatch Logs group ${s.logGroup}. Turn on flow logs for the instance (Amazon Connect console → your instance → Flows → Enable flow logs) and add a "Set logging behavior" block to the flow.`),
      ],
      description: 'flow logs off',
    };
  }
  if (s.kind === 'access-denied' || s.kind === 'error') {
    return { children: [leaf(r.id, s.message)], description: s.kind === 'access-denied' ? 'access denied' : 'error' };
  }
  const records = r.trace ?? [];
  if (records.length === 0) return { children: [leaf(r.id, 'No blocks logged yet', 'flow logs can take a few seconds')], description: '0 blocks' };
  const children = records.map((b, i) => {
    const n = new ChatTreeNode('block', r.id, b.ContactFlowModuleType);
    n.id = `${r.id}/block/${i}`;
    n.block = b;
    const result = b.Results ?? (b.ExternalResults ? 'returned' : undefined);
    n.description = [result, b.ContactFlowName, timeOf(b.Timestamp)].filter(Boolean).join(' · ');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${b.ContactFlowModuleType}**`).appendText(b.Identifier ? ` (${b.Identifier})` : '');
    md.appendMarkdown('\n\n').appendCodeblock(JSON.stringify({ Parameters: b.Parameters, Results: b.Results, ExternalResults: b.ExternalResults }, null, 2), 'json');
    n.tooltip = md;
    n.iconPath = icon(/error|fail|timeout/i.test(b.Results ?? '') ? 'warning' : 'debug-stackframe-dot');
    n.contextValue = 'chatreq.traceBlock';
    n.command = { command: Commands.goToBlock, title: 'Go to Block', arguments: [n] };
    return n;
  });
  return { children, description: `${records.length} block${records.length === 1 ? '' : 's'}` };
}

export function chatChildren(r: ChatRecord): ChatTreeNode[] {
  const out: ChatTreeNode[] = [];
  if (r.state === 'failed' && r.error) {
    const e = group('error', r.id, 'Launch failed', [], undefined);
    e.description = oneLine(r.error.message, 80);
    e.tooltip = `${r.error.message}${r.error.fix ? `\n\nHow to fix: ${r.error.fix}` : ''}`;
    e.iconPath = icon('error', 'errorForeground');
    e.contextValue = memberOfError(r.error.message) && r.origin.requestFile ? 'chatreq.chatError.fixable' : 'chatreq.chatError';
    out.push(e);
    if (r.error.fix) out.push(leaf(r.id, `How to fix: ${r.error.fix}`));
  } else if (r.error) {
    out.push(leaf(r.id, r.error.message));
  }
  if (r.contactId) {
    const c = r.contact;
    const contact = [
      leaf(r.id, 'ContactId', r.contactId),
      ...(r.initialContactId ? [leaf(r.id, 'InitialContactId', r.initialContactId)] : []),
      ...(r.continuedFrom ? [leaf(r.id, 'Continued from', r.continuedFrom, r.rehydrationType ? `RehydrationType ${r.rehydrationType}` : undefined)] : []),
      ...(c?.initiationMethod ? [leaf(r.id, 'Initiation', `${c.channel ?? ''} ${c.initiationMethod}`.trim())] : []),
      ...(c?.queue?.id ? [leaf(r.id, 'Queue', c.queue.id, c.queue.enqueueTimestamp ? `Enqueued ${c.queue.enqueueTimestamp}` : undefined)] : []),
      ...(c?.agent?.id ? [leaf(r.id, 'Agent', c.agent.id)] : []),
      ...(c?.disconnectReason ? [leaf(r.id, 'Disconnect reason', c.disconnectReason)] : []),
      ...(c?.initiationTimestamp ? [leaf(r.id, 'Started', c.initiationTimestamp)] : []),
      ...(c?.disconnectTimestamp ? [leaf(r.id, 'Ended', c.disconnectTimestamp)] : []),
    ];
    const node = group('contact', r.id, 'Contact', contact, r.contactId);
    node.iconPath = icon('symbol-key');
    node.contextValue = 'chatreq.chatContact';
    out.push(node);
  }
  const participant = leaf(r.id, `Participant: ${r.displayName}`, r.participantId ?? '');
  participant.iconPath = icon('account');
  out.push(participant);
  const flow = leaf(r.id, `Flow: ${r.origin.contactFlowName ?? r.origin.contactFlowId}`, r.origin.contactFlowId);
  flow.iconPath = icon('type-hierarchy');
  flow.command = {
    command: Commands.showFlowContent,
    title: 'Show Flow Content',
    arguments: [{ instanceId: r.origin.instanceId, flowId: r.origin.contactFlowId, ...(r.origin.contactFlowName ? { flowName: r.origin.contactFlowName } : {}) }],
  };
  out.push(flow);
  const conn = leaf(r.id, `Connection: ${r.origin.connectionLabel}`, `${r.origin.region} · ${r.origin.instanceAlias ?? r.origin.instanceId}`);
  conn.iconPath = icon('plug');
  out.push(conn);
  const attrs = Object.entries(r.attributes);
  const sent = group('attributes', r.id, 'Attributes sent', attrs.map(([k, v]) => leaf(r.id, k, v)), attrs.length ? String(attrs.length) : 'none');
  sent.iconPath = icon('symbol-property');
  out.push(sent);
  if (r.state !== 'failed' || r.transcript.length) {
    const items = r.transcript.filter((i) => presentItem(i).kind !== 'receipt');
    const conv = group('conversation', r.id, 'Conversation', items.map((i, n) => itemNode(r, i, n)), `${items.length} item${items.length === 1 ? '' : 's'}`, true);
    conv.iconPath = icon('comment-discussion');
    conv.contextValue = 'chatreq.chatConversation';
    out.push(conv);
  }
  if (r.contactId) {
    const t = traceNodes(r);
    const trace = group('trace', r.id, 'Flow trace', t.children, t.description);
    trace.iconPath = icon('debug-alt');
    out.push(trace);
    const now = Object.entries(r.contactAttributes ?? {});
    const ca = group(
      'contactAttributes',
      r.id,
      'Contact attributes now',
      r.contactAttributes ? now.map(([k, v]) => leaf(r.id, k, v)) : [leaf(r.id, 'Not read yet', 'refresh the chat')],
      r.contactAttributes ? String(now.length) : '',
    );
    ca.iconPath = icon('symbol-variable');
    out.push(ca);
  }
  return out;
}

export function chatNode(r: ChatRecord, now = new Date()): ChatTreeNode {
  const n = new ChatTreeNode('chat', r.id, chatLabel(r), vscode.TreeItemCollapsibleState.Collapsed);
  n.id = r.id;
  n.description = `${stateLabel(r.state)} · ${relativeTime(r.startedAt, now)}${r.origin.testName !== undefined ? ` · test "${r.origin.testName}"` : ''}`;
  const [id, color] = STATE_ICONS[r.state];
  n.iconPath = icon(id, color);
  const md = new vscode.MarkdownString();
  md.appendText(`${chatLabel(r)}\nState: ${stateLabel(r.state)}\nConnection: ${r.origin.connectionLabel}\nRegion: ${r.origin.region}\nInstance: ${r.origin.instanceAlias ?? r.origin.instanceId}\nFlow: ${r.origin.contactFlowName ?? r.origin.contactFlowId}${r.origin.testName !== undefined ? `\nConversation test: ${r.origin.testName}` : ''}${r.contactId ? `\nContact: ${r.contactId}` : ''}${r.continuedFrom ? `\nContinued from: ${r.continuedFrom}` : ''}${r.error ? `\n\n${r.error.message}` : ''}`);
  n.tooltip = md;
  const flags = [isLive(r) ? 'live' : r.state, r.origin.requestFile ? 'file' : undefined, r.contactId ? 'contact' : undefined, r.origin.connectionKey === 'sandbox' ? 'sandbox' : undefined]
    .filter(Boolean)
    .join('.');
  n.contextValue = `chatreq.chat.${flags}`;
  n.accessibilityInformation = { label: `Test chat ${chatLabel(r)}, ${stateLabel(r.state)}` };
  n.command = { command: Commands.openConversation, title: 'Open Conversation', arguments: [n] };
  return n;
}

/** The Test Chats tree: one node per chat, newest first, built from the ChatManager's records. */
export class TestChatsTree extends Disposable implements vscode.TreeDataProvider<ChatTreeNode> {
  private readonly changed = this.register(new vscode.EventEmitter<ChatTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly treeView: vscode.TreeView<ChatTreeNode>;
  private readonly nodes = new Map<string, ChatTreeNode>();

  constructor(private readonly chats: ChatManager) {
    super();
    this.treeView = this.register(vscode.window.createTreeView(Views.testChats, { treeDataProvider: this, showCollapseAll: true }));
    this.updateMessage();
    this.register(
      chats.onDidChange((r) => {
        // One chat changed (a message, a state): refresh its node alone. Refreshing the root makes
        // VS Code forget every node's handle until it has fetched the tree again, and a click on a
        // row's inline button in that window reaches the command without its node.
        this.changed.fire((r && this.updateInPlace(r)) || undefined);
        this.updateMessage();
      }),
    );
  }

  /**
   * Brings the node VS Code already holds for `r` up to date (same object, so its handle stays) and
   * returns it; undefined when the tree has no node for it yet (then the whole tree refreshes).
   * A change to a record never moves it in the list, which is ordered by launch.
   */
  private updateInPlace(r: ChatRecord): ChatTreeNode | undefined {
    const node = this.nodes.get(r.id);
    if (!node) return undefined;
    const fresh = chatNode(r);
    node.label = fresh.label;
    node.description = fresh.description;
    node.iconPath = fresh.iconPath;
    node.tooltip = fresh.tooltip;
    node.contextValue = fresh.contextValue;
    node.accessibilityInformation = fresh.accessibilityInformation;
    return node;
  }

  private updateMessage(): void {
    const live = this.chats.list().filter(isLive).length;
    this.treeView.badge = live ? { value: live, tooltip: `${live} live test chat${live === 1 ? '' : 's'}` } : undefined;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(element: ChatTreeNode): vscode.TreeItem {
    return element;
  }

  getParent(element: ChatTreeNode): ChatTreeNode | undefined {
    return element.kind === 'chat' ? undefined : this.nodes.get(element.chatId);
  }

  async getChildren(element?: ChatTreeNode): Promise<ChatTreeNode[]> {
    if (!element) {
      await this.chats.ready();
      const now = new Date();
      const list = this.chats.list().map((r) => chatNode(r, now));
      this.nodes.clear();
      for (const n of list) this.nodes.set(n.chatId, n);
      return list;
    }
    if (element.kind === 'chat') {
      const r = this.chats.get(element.chatId);
      return r ? chatChildren(r) : [];
    }
    return element.children ?? [];
  }

  /** The node of a chat as the tree last built it (tests and reveal use it). */
  nodeOf(chatId: string): ChatTreeNode | undefined {
    return this.nodes.get(chatId);
  }
}
