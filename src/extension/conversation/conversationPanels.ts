import * as vscode from 'vscode';
import { type ConversationState, type FromConversation, parseFromConversation, parseWebviewState, type ToConversation, isSafeHref } from '../../core/chat/conversationProtocol';
import { buildConversation } from '../../core/chat/conversationView';
import type { ChatRecord } from '../../core/chat/types';
import type { TypingEvent } from '../../core/chat/liveChat';
import type { ChatManager, LiveChatHandle } from '../chats/chatManager';
import { Disposable } from '../disposable';
import { Commands, Panels } from '../ids';
import type { Services } from '../services';
import { showPick } from '../pickers/showPick';
import { allows, onDidGrantTrust } from '../trust';
import { conversationHtml, conversationResourceRoots } from './html';

export const CONVERSATION_VIEW_TYPE = Panels.conversation;

/** What an integration test sees of a message the host posted to a conversation. */
export interface PostedConversationMessage {
  readonly chatId: string;
  readonly message: ToConversation;
}

/** What became of a link the customer clicked in a panel (test hook). */
export interface LinkOutcome {
  readonly chatId: string;
  readonly href: string;
  /** 'opened': confirmed and handed to VS Code's opener (`result` is what it answered); 'refused': not confirmed. */
  readonly outcome: 'opened' | 'refused';
  readonly result?: boolean;
}

/** A live engine that also reports typing (the core's LiveChat does; the manager's handle type does not say so). */
type Typist = LiveChatHandle & { onTyping?: (listener: (e: TypingEvent) => void) => () => void };

/**
 * The conversation panels: one WebviewPanel per test chat, reading the one ChatManager (no
 * subscription of its own to the chat), and the serializer that brings them back after a reload.
 */
export class ConversationPanels extends Disposable implements vscode.WebviewPanelSerializer {
  private readonly sessions = new Map<string, ConversationSession>();
  private readonly posted = this.register(new vscode.EventEmitter<PostedConversationMessage>());
  /** Fires for every message posted to a conversation webview (test hook; no tokens: the record's words). */
  readonly onDidPostMessage = this.posted.event;
  private readonly links = this.register(new vscode.EventEmitter<LinkOutcome>());
  /** Fires once a link clicked in a panel was opened or refused (test hook). */
  readonly onDidHandleLink = this.links.event;

  constructor(
    private readonly services: Services,
    private readonly chats: ChatManager,
  ) {
    super();
    this.register({
      dispose: () => {
        for (const s of [...this.sessions.values()]) s.panel.dispose();
      },
    });
  }

  /** Opens (or reveals) the conversation of a chat beside the active editor. */
  open(chatId: string): vscode.WebviewPanel {
    const existing = this.sessions.get(chatId);
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing.panel;
    }
    const record = this.chats.get(chatId);
    const panel = vscode.window.createWebviewPanel(CONVERSATION_VIEW_TYPE, record ? titleOf(record) : 'Conversation', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      enableScripts: true,
      localResourceRoots: conversationResourceRoots(this.services.context.extensionUri),
    });
    this.attach(panel, chatId);
    return panel;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
    await this.chats.ready();
    const state = parseWebviewState(raw);
    if (!state || !this.chats.get(state.chatId) || this.sessions.has(state.chatId)) {
      // The chat was removed from the history meanwhile (or is open elsewhere): nothing to restore.
      panel.dispose();
      return;
    }
    panel.webview.options = { enableScripts: true, localResourceRoots: conversationResourceRoots(this.services.context.extensionUri) };
    this.attach(panel, state.chatId);
  }

  private attach(panel: vscode.WebviewPanel, chatId: string): void {
    const session = new ConversationSession(panel, chatId, this.services, this.chats, (m) => this.posted.fire({ chatId, message: m }), (id) => this.open(id), (o) => this.links.fire({ chatId, ...o }));
    this.sessions.set(chatId, session);
    panel.onDidDispose(() => {
      session.dispose();
      if (this.sessions.get(chatId) === session) this.sessions.delete(chatId);
    });
  }

  /** Whether a conversation panel is open on the chat. */
  has(chatId: string): boolean {
    return this.sessions.has(chatId);
  }

  /** The chat of the conversation panel that is active (focused in its editor group), if any. */
  activeChatId(): string | undefined {
    for (const [chatId, s] of this.sessions) if (s.panel.active) return chatId;
    return undefined;
  }

  panelOf(chatId: string): vscode.WebviewPanel | undefined {
    return this.sessions.get(chatId)?.panel;
  }

  /** The state last posted to the chat's panel (test hook). */
  stateOf(chatId: string): ConversationState | undefined {
    return this.sessions.get(chatId)?.lastState;
  }

  /**
   * Handles `message` as if the chat's panel had sent it (test hook: the path the webview's
   * messages take, validation included). Resolves when it was handled.
   */
  async receive(chatId: string, message: unknown): Promise<void> {
    const session = this.sessions.get(chatId);
    if (!session) throw new Error(`no conversation is open on chat ${chatId}`);
    await session.receive(message);
  }
}

function titleOf(r: ChatRecord): string {
  return `Chat: ${r.origin.requestName?.replace(/\.chatreq\.json$/, '') ?? r.origin.contactFlowName ?? r.displayName}`;
}

class ConversationSession extends Disposable {
  private ready = false;
  private pending = false;
  lastState: ConversationState | undefined;
  private typingOf: Typist | undefined;
  private offTyping: (() => void) | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly chatId: string,
    private readonly services: Services,
    private readonly chats: ChatManager,
    private readonly onPost: (m: ToConversation) => void,
    private readonly openChat: (id: string) => void,
    private readonly onLink: (o: Omit<LinkOutcome, 'chatId'>) => void,
  ) {
    super();
    const extensionUri = services.context.extensionUri;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'chatreq.svg');
    panel.webview.html = conversationHtml(panel.webview, extensionUri, panel.title);
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.register(
      chats.onDidChange((r) => {
        if (r === undefined || r.id === chatId) this.schedulePush();
      }),
    );
    this.register(onDidGrantTrust(() => this.schedulePush()));
    this.register({ dispose: () => this.offTyping?.() });
    this.followTyping();
  }

  /** Typing is not in the record (never stored): it comes from the live engine the manager holds. */
  private followTyping(): void {
    const live: Typist | undefined = this.chats.liveChat(this.chatId);
    if (live === this.typingOf) return;
    this.offTyping?.();
    this.offTyping = undefined;
    this.typingOf = live;
    if (live?.onTyping) {
      this.offTyping = live.onTyping((e) => {
        if (e.role === 'CUSTOMER' || !this.ready) return;
        this.post({ type: 'typing', label: e.displayName ?? (e.role === 'AGENT' ? 'Agent' : 'Bot'), role: e.role ?? '' });
      });
    }
  }

  private schedulePush(): void {
    if (this.pending || !this.ready) return;
    this.pending = true;
    // Changes that come together are drawn once; each push reads the whole current record, so
    // none is lost.
    queueMicrotask(() => {
      this.pending = false;
      this.push();
    });
  }

  private push(): void {
    const record = this.chats.get(this.chatId);
    this.followTyping();
    if (!record) {
      this.post({ type: 'error', message: 'This chat is no longer in the Test Chats history.' });
      return;
    }
    const state = buildConversation(record, { trusted: allows('talkInChat'), utcOffsetMinutes: -new Date().getTimezoneOffset() });
    this.lastState = state;
    this.panel.title = titleOf(record);
    this.post({ type: 'state', state });
  }

  private post(m: ToConversation): void {
    this.onPost(m);
    void this.panel.webview.postMessage(m);
  }

  /**
   * A link from the chat opens only after the user confirms it (a quick pick naming the whole
   * address), and then through VS Code's opener (vscode.env.openExternal), which applies the
   * user's trusted-domain and external-opener settings.
   */
  private async confirmAndOpen(href: string): Promise<void> {
    const uri = vscode.Uri.parse(href, true);
    type Choice = vscode.QuickPickItem & { open: boolean };
    const picked = await showPick<Choice>({ title: 'Open a link from the chat?', placeholder: `The chat sent this link: ${href}` }, () => [
      { label: '$(link-external) Open Link', description: uri.scheme === 'mailto' ? 'in your mail program' : `in your browser (${uri.authority})`, detail: href, open: true },
      { label: '$(close) Do Not Open', open: false },
    ]);
    if (!('item' in picked) || !picked.item.open) {
      this.services.logger.info('[conversation] a link from the chat was not opened (not confirmed)');
      this.onLink({ href, outcome: 'refused' });
      return;
    }
    let result = false;
    try {
      result = await vscode.env.openExternal(uri);
    } catch (e) {
      void vscode.window.showErrorMessage(`Chatreq could not open ${href}: ${(e as Error).message}`);
    }
    this.onLink({ href, outcome: 'opened', result });
  }

  async receive(raw: unknown): Promise<void> {
    const message = parseFromConversation(raw);
    if (!message) {
      this.services.logger.warn('[conversation] ignored a malformed message from the conversation webview');
      return;
    }
    await this.handle(message);
  }

  private async handle(m: FromConversation): Promise<void> {
    const id = this.chatId;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.push();
        return;
      case 'send':
        await vscode.commands.executeCommand(Commands.replyToChat, id, m.text);
        return;
      case 'typing':
        // Throttled by the engine; a chat that is not live (or not trusted) sends nothing.
        if (allows('talkInChat')) await this.chats.liveChat(id)?.sendTyping?.();
        return;
      case 'choose':
        // The same path as the tree's option nodes (a node-shaped argument: chat, item, option).
        await vscode.commands.executeCommand(Commands.chooseOption, { kind: 'option', chatId: id, itemId: m.itemId, optionTitle: m.title }, m.title);
        return;
      case 'action':
        switch (m.action) {
          case 'end':
            await vscode.commands.executeCommand(Commands.endChat, id);
            return;
          case 'copyContactId':
            await vscode.commands.executeCommand(Commands.copyContactId, id);
            return;
          case 'relaunch':
          case 'continue': {
            const next = await vscode.commands.executeCommand<ChatRecord | undefined>(m.action === 'relaunch' ? Commands.relaunchChat : Commands.continuePersistentChat, id);
            if (next) this.openChat(next.id);
            return;
          }
        }
        return;
      case 'openLink': {
        if (!isSafeHref(m.href)) return;
        await this.confirmAndOpen(m.href);
        return;
      }
    }
  }
}
