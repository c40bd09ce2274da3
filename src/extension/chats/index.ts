/**
 * The Test Chats feature: launch (palette, CodeLens, editor title, form, Instances view,
 * Relaunch), the Test Chats tree, and the actions on a chat. State lives in one ChatManager.
 */
import * as vscode from 'vscode';
import { awsCliCommand, awsCliCommandWithEnvReferences, presentItem, transcriptMarkdown } from '../../core/chat/present';
import { prepareLaunch } from '../../core/chat/launch';
import { loadJsonEngine } from '../../core/json';
import { LiveChat } from '../../core/chat/liveChat';
import { isLiveState } from '../../core/chat/history';
import type { ChatRecord, ChatSecrets } from '../../core/chat/types';
import { idFromArn } from '../../core/request';
import { flowContentUri } from '../explorer';
import { FlowNode } from '../explorer/explorerTree';
import { registerConversations, type ConversationPanels } from '../conversation';
import { Commands } from '../ids';
import type { Services } from '../services';
import { ChatManager, type LiveChatHandle } from './chatManager';
import { activeRequestUri, launchChat, minimalRequestText, requestFileForFlow, sourceForRecord } from './launch';
import { allows, ensureAllowed, onDidGrantTrust, refusalReason } from '../trust';
import { ChatTreeNode, TestChatsTree, chatLabel, memberOfError } from './testChatsTree';

export interface TestChats {
  readonly chats: ChatManager;
  readonly tree: TestChatsTree;
  /** The conversation panels (they read `chats`). */
  readonly conversations: ConversationPanels;
}

/**
 * A tree node passed to a command. Checked by shape, not by class: menus pass this module's nodes,
 * but tests and other callers may build them from another copy of the module.
 */
function asNode(arg: unknown): ChatTreeNode | undefined {
  if (arg instanceof ChatTreeNode) return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as ChatTreeNode).chatId === 'string' && typeof (arg as ChatTreeNode).kind === 'string') return arg as ChatTreeNode;
  return undefined;
}

/** A chat command's argument: a tree node, a record ID, or nothing (then a quick pick asks). */
async function chatArg(chats: ChatManager, arg: unknown, filter: (r: ChatRecord) => boolean = () => true, what = 'Which test chat?'): Promise<ChatRecord | undefined> {
  await chats.ready();
  const node = asNode(arg);
  if (node) return chats.get(node.chatId);
  if (typeof arg === 'string') return chats.get(arg);
  const candidates = chats.list().filter(filter);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('No test chat fits. Launch one with "Chatreq: Launch Test Chat".');
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((r) => ({ label: chatLabel(r), description: `${r.state}${r.contactId ? ` · ${r.contactId}` : ''}`, r })),
    { title: what },
  );
  return picked?.r;
}

function resumeWith(services: Services): (record: ChatRecord, secrets: ChatSecrets) => Promise<LiveChatHandle> {
  return async (record, secrets) => {
    const access = await services.connections.access();
    return LiveChat.resume({ session: access.session, logger: services.logger }, record, secrets);
  };
}

/** The live engine of a chat, reattaching it first when it was live before a reload. */
async function liveFor(services: Services, chats: ChatManager, r: ChatRecord): Promise<LiveChatHandle | undefined> {
  let chat = chats.liveChat(r.id);
  if (!chat && isLiveState(r.state)) {
    await chats.resumeLive(resumeWith(services));
    chat = chats.liveChat(r.id);
  }
  if (!chat) {
    const current = services.connections.label;
    const why =
      !isLiveState(r.state)
        ? 'the chat has ended'
        : r.origin.connectionLabel !== current
          ? `it was launched on ${r.origin.connectionLabel}; switch to that connection to reach it`
          : 'it can no longer be reached';
    void vscode.window.showInformationMessage(`This test chat cannot take actions: ${why}.`);
  }
  return chat;
}

async function act(services: Services, what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    services.logger.warn(`[chats] ${what} failed: ${message}`);
    void vscode.window.showErrorMessage(`${what} failed: ${message}`);
  }
}

class LaunchCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  constructor(private readonly services: Services) {}
  fire(): void {
    this.changed.fire();
  }
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const range = new vscode.Range(0, 0, 0, 0);
    if (!allows('launchChat')) {
      return [new vscode.CodeLens(range, { title: '$(lock) Launch disabled in Restricted Mode', tooltip: refusalReason('launchChat'), command: Commands.launchTestChat, arguments: [document.uri] })];
    }
    return [
      new vscode.CodeLens(range, {
        title: `▶ Launch test chat · ${this.services.connections.label}`,
        tooltip: `StartChatContact with this request on ${this.services.connections.label}`,
        command: Commands.launchTestChat,
        arguments: [document.uri],
      }),
    ];
  }
}

export function registerTestChats(services: Services): TestChats {
  const { context } = services;
  const chats = new ChatManager(services);
  const tree = new TestChatsTree(chats);
  const lens = new LaunchCodeLens(services);
  context.subscriptions.push(chats, tree, lens as unknown as vscode.Disposable);

  const refreshAll = async (): Promise<void> => {
    await chats.resumeLive(resumeWith(services));
    await Promise.all(
      chats
        .list()
        .map((r) => chats.liveChat(r.id))
        .filter((c): c is LiveChatHandle => c !== undefined)
        .map((c) => c.refresh().catch((e: unknown) => services.logger.warn(`[chats] refresh failed: ${(e as Error).message}`))),
    );
    tree.refresh();
  };

  const launchUri = async (arg?: unknown): Promise<ChatRecord | undefined> => {
    const uri = arg instanceof vscode.Uri ? arg : activeRequestUri();
    if (!uri) {
      void vscode.window.showInformationMessage('Open a *.chatreq.json request first (or use "Chatreq: New Chat Request"), then launch it.');
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const record = await launchChat(services, chats, { text: document.getText(), document });
    if (record) await revealChat(record.id);
    return record;
  };

  const revealChat = async (id: string): Promise<void> => {
    await vscode.commands.executeCommand('chatreq.testChats.focus');
    await tree.getChildren();
    const node = tree.nodeOf(id);
    if (node) await tree.treeView.reveal(node, { select: true, focus: false, expand: true }).then(undefined, () => undefined);
  };

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider({ pattern: '**/*.chatreq.json' }, lens),
    services.connections.onDidChange(() => lens.fire()),
    onDidGrantTrust(() => lens.fire()),
    vscode.commands.registerCommand(Commands.refreshTestChats, refreshAll),
    vscode.commands.registerCommand(Commands.launchTestChat, launchUri),
    vscode.commands.registerCommand(Commands.launchFlow, async (arg: unknown) => {
      const ref =
        arg instanceof FlowNode
          ? { instanceId: arg.instance.instanceId, flowId: arg.flowId, flowName: arg.flowName }
          : (arg as { instanceId?: string; flowId?: string; flowName?: string } | undefined);
      if (!ref?.instanceId || !ref.flowId) {
        void vscode.window.showInformationMessage('Run this from a chat flow in the Chatreq Instances view.');
        return undefined;
      }
      const doc = await requestFileForFlow(ref.instanceId, ref.flowId);
      const record = await launchChat(
        services,
        chats,
        doc
          ? { text: doc.getText(), document: doc, instanceId: ref.instanceId }
          : { text: minimalRequestText(ref.instanceId, ref.flowId), ...(ref.flowName ? { contactFlowName: ref.flowName } : {}) },
      );
      if (record) await revealChat(record.id);
      return record;
    }),
    vscode.commands.registerCommand(Commands.relaunchChat, async (arg: unknown) => {
      if (!(await ensureAllowed('launchChat'))) return undefined;
      const r = await chatArg(chats, arg, () => true, 'Relaunch which test chat?');
      if (!r) return undefined;
      const record = await launchChat(services, chats, await sourceForRecord(r));
      if (record) await revealChat(record.id);
      return record;
    }),
    vscode.commands.registerCommand(Commands.continuePersistentChat, async (arg: unknown, rehydration?: string) => {
      if (!(await ensureAllowed('launchChat'))) return undefined;
      const r = await chatArg(chats, arg, (c) => c.contactId !== undefined, 'Continue which test chat?');
      if (!r?.contactId) return undefined;
      if (isLiveState(r.state)) {
        const end = 'End It and Continue';
        const answer = await vscode.window.showWarningMessage('A persistent chat continues a chat that has ended. End this chat first?', end);
        if (answer !== end) return undefined;
        const live = chats.liveChat(r.id);
        if (live) await live.end();
      }
      const type =
        rehydration ??
        (
          await vscode.window.showQuickPick(
            [
              { label: 'ENTIRE_PAST_SESSION', description: 'The whole past chat session, from its first contact', detail: `SourceContactId = the initial contact ${r.initialContactId ?? r.contactId}` },
              { label: 'FROM_SEGMENT', description: 'From this contact (segment) on', detail: `SourceContactId = ${r.contactId}` },
            ],
            { title: 'Continue as Persistent Chat: RehydrationType' },
          )
        )?.label;
      if (!type) return undefined;
      const source = await sourceForRecord(r);
      const sourceContactId = type === 'ENTIRE_PAST_SESSION' ? (r.initialContactId ?? r.contactId) : r.contactId;
      const record = await launchChat(services, chats, { ...source, persistent: { sourceContactId, rehydrationType: type, continuedFrom: r.contactId } });
      if (record) await revealChat(record.id);
      return record;
    }),
    vscode.commands.registerCommand(Commands.replyToChat, async (arg: unknown, text?: string) => {
      if (!(await ensureAllowed('talkInChat'))) return;
      const r = await chatArg(chats, arg, (c) => isLiveState(c.state), 'Reply in which test chat?');
      if (!r) return;
      const chat = await liveFor(services, chats, r);
      if (!chat) return;
      const reply = text ?? (await vscode.window.showInputBox({ title: `Reply as ${r.displayName}`, prompt: 'Sent as the customer (text/plain)', validateInput: (v) => (v.trim() ? undefined : 'Type a message (1 to 16,384 characters).') }));
      if (!reply) return;
      await act(services, 'Reply', () => chat.reply(reply));
    }),
    vscode.commands.registerCommand(Commands.chooseOption, async (arg: unknown, title?: string) => {
      if (!(await ensureAllowed('talkInChat'))) return;
      const r = await chatArg(chats, arg, (c) => isLiveState(c.state), 'Answer which test chat?');
      if (!r) return;
      const chat = await liveFor(services, chats, r);
      if (!chat) return;
      let itemId = asNode(arg)?.itemId;
      let option = title ?? asNode(arg)?.optionTitle;
      if (!itemId) {
        const last = [...r.transcript].reverse().find((i) => presentItem(i).kind === 'interactive');
        if (!last) {
          void vscode.window.showInformationMessage('This chat has no interactive message to answer.');
          return;
        }
        itemId = last.Id;
      }
      if (!option) {
        const item = r.transcript.find((i) => i.Id === itemId);
        const view = item ? presentItem(item) : undefined;
        const picked = await vscode.window.showQuickPick(
          (view?.interactive?.options ?? []).map((o) => ({ label: o.title, ...(o.subtitle ? { description: o.subtitle } : {}) })),
          { title: view?.interactive?.title ?? 'Choose an option' },
        );
        option = picked?.label;
      }
      if (!option) return;
      const chosen = option;
      const id = itemId;
      await act(services, 'Choose an option', () => chat.choose(id, chosen));
    }),
    vscode.commands.registerCommand(Commands.endChat, async (arg: unknown) => {
      const r = await chatArg(chats, arg, (c) => isLiveState(c.state), 'End which test chat?');
      if (!r) return;
      const chat = await liveFor(services, chats, r);
      if (!chat) return;
      await act(services, 'End Chat', () => chat.end());
    }),
    vscode.commands.registerCommand(Commands.endAllChats, async () => {
      await chats.resumeLive(resumeWith(services));
      const live = chats.list().filter((r) => isLiveState(r.state));
      await Promise.all(
        live.map(async (r) => {
          try {
            await chats.liveChat(r.id)?.end();
          } catch (e) {
            services.logger.warn(`[chats] End failed: ${(e as Error).message}`);
          }
        }),
      );
      return live.length;
    }),
    vscode.commands.registerCommand(Commands.refreshChat, async (arg: unknown) => {
      const r = await chatArg(chats, arg);
      if (!r) return;
      const chat = await (isLiveState(r.state) ? liveFor(services, chats, r) : Promise.resolve(undefined));
      if (chat) await act(services, 'Refresh', () => chat.refresh());
      tree.refresh();
    }),
    vscode.commands.registerCommand(Commands.copyContactId, async (arg: unknown) => {
      const r = await chatArg(chats, arg, (c) => c.contactId !== undefined);
      if (!r?.contactId) return;
      await vscode.env.clipboard.writeText(r.contactId);
      void vscode.window.setStatusBarMessage(`Copied contact ID ${r.contactId}`, 3000);
    }),
    vscode.commands.registerCommand(Commands.copyAsAwsCli, async (arg: unknown, mode?: 'resolved' | 'references') => {
      const r = await chatArg(chats, arg);
      if (!r) return undefined;
      const source = await sourceForRecord(r);
      const endpointUrl = r.origin.connectionKey === 'sandbox' ? services.sandbox.current?.url : undefined;
      const cli = { region: r.origin.region, ...(endpointUrl ? { endpointUrl } : {}), ...(r.origin.connectionKey.startsWith('profile:') ? { profile: r.origin.connectionKey.slice('profile:'.length).replace(/@[^@]*$/, '') } : {}) };
      let command: string;
      let note = '';
      const usesEnv = /\$\{env:[A-Za-z_][A-Za-z0-9_]*\}/.test(source.text);
      const choice =
        mode ??
        (usesEnv
          ? (
              await vscode.window.showQuickPick(
                [
                  { label: 'Leave ${env:NAME} as shell variables', description: 'share the command without the values', mode: 'references' as const },
                  { label: 'Resolve the values now', description: 'the command holds the values from this environment', mode: 'resolved' as const },
                ],
                { title: 'Copy as AWS CLI Command: the request uses environment variables' },
              )
            )?.mode
          : 'resolved');
      if (!choice) return undefined;
      if (choice === 'references') {
        let request: Record<string, unknown>;
        try {
          request = JSON.parse(source.text) as Record<string, unknown>;
        } catch {
          void vscode.window.showErrorMessage('Cannot build the AWS CLI command: the request file is not valid JSON.');
          return undefined;
        }
        const out = awsCliCommandWithEnvReferences(request, { ...cli, instanceId: r.origin.instanceId, contactFlowId: r.origin.contactFlowId });
        command = out.command;
        note = out.note;
      } else {
        await loadJsonEngine();
        const prepared = prepareLaunch({ text: source.text, env: process.env, instanceId: r.origin.instanceId, contactFlowId: r.origin.contactFlowId });
        if (!prepared.ok) {
          void vscode.window.showErrorMessage(`Cannot build the AWS CLI command: ${prepared.message}`);
          return undefined;
        }
        command = awsCliCommand(prepared.input, cli);
      }
      await vscode.env.clipboard.writeText(command);
      void vscode.window.showInformationMessage(`Copied the aws connect start-chat-contact command.${note ? ` ${note}` : ''}`);
      return command;
    }),
    vscode.commands.registerCommand(Commands.openRequestFile, async (arg: unknown) => {
      const r = await chatArg(chats, arg, (c) => c.origin.requestFile !== undefined);
      if (!r?.origin.requestFile) {
        if (r) void vscode.window.showInformationMessage('This chat was launched without a request file (a minimal request from the Instances view).');
        return;
      }
      await vscode.window.showTextDocument(vscode.Uri.parse(r.origin.requestFile));
    }),
    vscode.commands.registerCommand(Commands.openTranscript, async (arg: unknown) => {
      const r = await chatArg(chats, arg);
      if (!r) return undefined;
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: transcriptMarkdown(r) });
      await vscode.window.showTextDocument(doc, { preview: true });
      return doc;
    }),
    vscode.commands.registerCommand(Commands.removeChat, async (arg: unknown) => {
      const r = await chatArg(chats, arg);
      if (!r) return;
      const live = chats.liveChat(r.id);
      if (live && isLiveState(r.state)) await live.end().catch(() => undefined);
      await chats.remove(r.id);
    }),
    vscode.commands.registerCommand(Commands.clearChatHistory, async (confirm?: boolean) => {
      await chats.ready();
      if (confirm !== true) {
        const clear = 'Clear History';
        const answer = await vscode.window.showWarningMessage(`Remove all ${chats.list().length} test chats from the history? Live chats are left running on the service.`, { modal: true }, clear);
        if (answer !== clear) return;
      }
      await chats.clear();
    }),
    vscode.commands.registerCommand(Commands.answerAsAgent, async (arg: unknown, action?: 'join' | 'send' | 'typing' | 'read' | 'leave', text?: string) => {
      if (!(await ensureAllowed('answerAsAgent'))) return undefined;
      const r = await chatArg(chats, arg, (c) => isLiveState(c.state) && c.origin.connectionKey === 'sandbox', 'Answer which sandbox chat as the agent?');
      if (!r?.contactId) return undefined;
      const sandbox = services.sandbox.admin;
      if (r.origin.connectionKey !== 'sandbox' || !sandbox) {
        void vscode.window.showInformationMessage('Answer as Agent works for chats on the built-in sandbox while it runs; on Amazon Connect an agent answers from the agent workspace.');
        return undefined;
      }
      const contactId = r.contactId;
      let joined: boolean;
      try {
        joined = (await sandbox.contact(contactId))?.participants.some((p) => p.role === 'AGENT' && !p.left) ?? false;
      } catch (e) {
        void vscode.window.showErrorMessage(`Answer as Agent: the sandbox did not answer: ${(e as Error).message}`);
        return undefined;
      }
      const chosen =
        action ??
        (
          await vscode.window.showQuickPick<vscode.QuickPickItem & { a: 'join' | 'send' | 'typing' | 'read' | 'leave' }>(
            joined
              ? [
                  { label: 'Send a message as the agent', a: 'send' as const },
                  { label: 'Show the agent typing', a: 'typing' as const },
                  { label: 'Read the customer’s messages', description: 'sends READ receipts', a: 'read' as const },
                  { label: 'Leave (the agent ends the chat)', a: 'leave' as const },
                ]
              : [{ label: 'Join as the agent', description: 'the chat must have reached a queue', a: 'join' as const }],
            { title: `Answer as Agent (sandbox) · ${chatLabel(r)}` },
          )
        )?.a;
      if (!chosen) return undefined;
      try {
        if (chosen !== 'send') return await sandbox.agent(contactId, { action: chosen });
        const message = text ?? (await vscode.window.showInputBox({ title: 'Send as the agent', prompt: 'The customer sees it as the agent’s message', validateInput: (v) => (v.trim() ? undefined : 'Type a message.') }));
        if (!message) return undefined;
        return await sandbox.agent(contactId, { action: 'send', text: message });
      } catch (e) {
        void vscode.window.showErrorMessage(`Answer as Agent: ${(e as Error).message}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(Commands.goToBlock, async (arg: unknown) => {
      const node = asNode(arg);
      const block = node?.block;
      if (!node || !block) return undefined;
      const r = chats.get(node.chatId);
      if (!r) return undefined;
      const flowId = idFromArn(block.ContactFlowId, 'flow') ?? block.ContactFlowId;
      const uri = flowContentUri({ instanceId: r.origin.instanceId, flowId, ...(block.ContactFlowName ? { flowName: block.ContactFlowName } : {}) });
      const doc = await vscode.workspace.openTextDocument(uri);
      if (doc.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(doc, 'json');
      const editor = await vscode.window.showTextDocument(doc, { preview: true });
      const id = block.Identifier;
      const at = id ? doc.getText().indexOf(`"Identifier": ${JSON.stringify(id)}`) : -1;
      if (at >= 0) {
        const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + `"Identifier": ${JSON.stringify(id)}`.length));
        editor.selection = new vscode.Selection(range.start, range.end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
      } else if (id) {
        void vscode.window.showInformationMessage(`Block "${id}" is not in the flow's current content (the flow may have changed since the chat).`);
      }
      return editor;
    }),
    vscode.commands.registerCommand(Commands.fixInFile, async (arg: unknown) => {
      const r = await chatArg(chats, arg, (c) => c.state === 'failed');
      if (!r?.origin.requestFile) return;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(r.origin.requestFile));
      const editor = await vscode.window.showTextDocument(doc);
      const member = r.error ? memberOfError(r.error.message) : undefined;
      const at = member ? doc.getText().indexOf(`"${member}"`) : -1;
      if (at >= 0) {
        const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + member!.length + 2));
        editor.selection = new vscode.Selection(range.start, range.end);
        editor.revealRange(range);
      }
      return editor;
    }),
  );

  const conversations = registerConversations(services, chats, (arg) => chatArg(chats, arg, () => true, 'Open the conversation of which test chat?'));

  // Chats live when the window closed show their state after the first look at the view.
  const once = tree.treeView.onDidChangeVisibility((e) => {
    if (!e.visible) return;
    once.dispose();
    void refreshAll();
  });
  context.subscriptions.push(once);
  if (tree.treeView.visible) void refreshAll();
  return { chats, tree, conversations };
}
