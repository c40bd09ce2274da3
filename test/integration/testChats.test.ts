import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { StopContactCommand } from '@aws-sdk/client-connect';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatRecord } from '../../src/core/chat/types';
import { LiveChat } from '../../src/core/chat/liveChat';
import { ChatManager } from '../../src/extension/chats/chatManager';
import { chatChildren, chatNode, type ChatTreeNode } from '../../src/extension/chats/testChatsTree';
import type { ChatreqApi } from '../../src/extension/extension';
import { api, internals, readLog, sandboxAdmin, until, withDemoHoursOpen } from './connectionSupport';

const DEMO_INSTANCE = '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58';
const SUPPORT_BOT = '0c6a3f51-7d2e-4b8a-9f14-6e2d3c8b1a07';
const HELP_MENU = '4c9e2b7a-5d13-4f86-a0b2-7e6d1c3f8a95';
const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests run with a workspace folder');
  return folder.uri.fsPath;
}

let fileCounter = 0;
/** Writes a request file into the test workspace and returns its URI. */
function requestFile(request: Record<string, unknown>, name = `launch-${process.pid}-${++fileCounter}`): vscode.Uri {
  const file = path.join(workspaceDir(), `${name}.chatreq.json`);
  fs.writeFileSync(file, `${JSON.stringify(request, null, 2)}\n`);
  return vscode.Uri.file(file);
}

function supportRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { InstanceId: DEMO_INSTANCE, ContactFlowId: SUPPORT_BOT, ParticipantDetails: { DisplayName: 'Ada Tester' }, ...extra };
}

async function sandboxApi(): Promise<ChatreqApi> {
  const a = await api();
  a.services.connections.useTransient({ kind: 'sandbox' });
  await a.services.sandbox.start();
  return a;
}

/** How many contacts the sandbox has (ended ones included), through its admin API. */
async function contactsOf(a: ChatreqApi): Promise<number> {
  return (await (await sandboxAdmin(a)).contacts()).length;
}

/** A contact's state in the sandbox, through its admin API. */
async function sandboxContact(a: ChatreqApi, contactId: string) {
  return (await sandboxAdmin(a)).contact(contactId);
}

function texts(r: ChatRecord): string[] {
  return r.transcript.map((i) => i.Content ?? '').filter(Boolean);
}

/** Polls the manager's record until `ok` holds. */
function recordWhere(a: ChatreqApi, id: string, what: string, ok: (r: ChatRecord) => boolean, timeoutMs = 15_000): Promise<ChatRecord> {
  return until(what, () => {
    const r = a.testChats.chats.get(id);
    return r && ok(r) ? r : undefined;
  }, timeoutMs);
}

/** Resolves with `p`, or rejects naming `what` after `ms`. */
async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function labelOf(n: vscode.TreeItem): string {
  return typeof n.label === 'string' ? n.label : (n.label?.label ?? '');
}

function flatten(nodes: ChatTreeNode[]): ChatTreeNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
}

describe('Test Chats: launch and follow a chat', function () {
  this.timeout(60_000);
  const cleanup: vscode.Uri[] = [];

  /** Writes a request, launches it with the command, and waits until the record satisfies `ready`. */
  async function launched(a: ChatreqApi, request: Record<string, unknown>, what: string, ready: (r: ChatRecord) => boolean): Promise<{ uri: vscode.Uri; record: ChatRecord }> {
    const uri = requestFile(request);
    cleanup.push(uri);
    const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchTestChat', uri);
    assert.ok(record, 'the launch returned a record');
    await recordWhere(a, record.id, what, ready);
    return { uri, record };
  }

  /** A support-bot chat that was launched, then ended with End Chat. */
  async function endedChat(a: ChatreqApi): Promise<ChatRecord> {
    const { record } = await launched(a, supportRequest(), 'connected', (x) => x.state === 'connected');
    await vscode.commands.executeCommand('chatreq.endChat', record.id);
    await recordWhere(a, record.id, 'the chat to end', (x) => x.state === 'ended');
    return record;
  }

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const u of cleanup.splice(0)) fs.rmSync(u.fsPath, { force: true });
  });

  it('launches from the command, and the flow’s messages stream into the tree', async () => {
    const a = await sandboxApi();
    const uri = requestFile(supportRequest());
    cleanup.push(uri);
    await vscode.window.showTextDocument(uri);
    const before = await contactsOf(a);
    const record = await vscode.commands.executeCommand<ChatRecord | undefined>('chatreq.launchTestChat', uri);
    assert.ok(record?.contactId, `launch returned ${JSON.stringify(record)}`);
    assert.equal(await contactsOf(a), before + 1);
    const r = await recordWhere(a, record.id, 'the greeting to arrive', (x) => texts(x).some((t) => /virtual assistant/.test(t)));
    assert.equal(r.state, 'connected');
    // The tree shows the chat (label from the file name and display name) and its conversation.
    const roots = await a.testChats.tree.getChildren();
    const node = roots.find((n) => n.chatId === record.id);
    assert.ok(node, 'the chat has a node in the Test Chats view');
    assert.match(labelOf(node), new RegExp(`${path.basename(uri.fsPath, '.chatreq.json')} · Ada Tester`));
    assert.match(String(node.description), /^connected · /);
    const children = chatChildren(r);
    const conv = children.find((c) => c.kind === 'conversation');
    assert.ok(conv?.children?.some((c) => /virtual assistant/.test(labelOf(c))), 'the conversation node lists the greeting');
    assert.ok(children.find((c) => c.kind === 'contact')?.description === r.contactId);
  });

  it('launches from the CodeLens, which names the connection', async () => {
    const a = await sandboxApi();
    const uri = requestFile(supportRequest());
    cleanup.push(uri);
    await vscode.workspace.openTextDocument(uri);
    const lenses = await until('the launch CodeLens', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return l?.find((x) => x.command?.command === 'chatreq.launchTestChat');
    });
    assert.equal(lenses.command?.title, '▶ Launch test chat · Sandbox (offline)');
    const before = await contactsOf(a);
    const args: unknown[] = lenses.command.arguments ?? [];
    const record = await vscode.commands.executeCommand<ChatRecord>(lenses.command.command, ...args);
    assert.ok(record?.contactId);
    assert.equal(await contactsOf(a), before + 1);
    assert.equal((await sandboxContact(a, record.contactId))?.contactFlowId, SUPPORT_BOT);
  });

  it('Reply reaches the waiting Lex bot and its answer arrives', async () => {
    const a = await sandboxApi();
    const { record } = await launched(a, supportRequest(), 'the bot’s question', (x) => texts(x).some((t) => /How can I help you today/.test(t)));
    const count = (await recordWhere(a, record.id, 'a record', () => true)).transcript.length;
    await vscode.commands.executeCommand('chatreq.replyToChat', record.id, 'I want to talk to an agent');
    const r = await recordWhere(a, record.id, 'the customer message and a flow answer after it', (x) => {
      const i = x.transcript.findIndex((t) => t.ParticipantRole === 'CUSTOMER' && t.Content === 'I want to talk to an agent');
      return i >= 0 && x.transcript.slice(i + 1).some((t) => t.Type === 'MESSAGE' && t.ParticipantRole !== 'CUSTOMER');
    });
    assert.ok(r.transcript.length > count);
    assert.equal(new Set(r.transcript.map((i) => i.Id)).size, r.transcript.length, 'no item twice');
  });

  it('a message in one chat refreshes that chat’s node in place, never the whole tree (row handles stay valid)', async () => {
    const a = await sandboxApi();
    const { record } = await launched(a, supportRequest(), 'the bot’s question', (x) => texts(x).some((t) => /How can I help you today/.test(t)));
    const tree = a.testChats.tree;
    await tree.getChildren();
    const node = tree.nodeOf(record.id);
    assert.ok(node, 'the chat has a node');
    const fired: (ChatTreeNode | undefined | null | void | ChatTreeNode[])[] = [];
    const sub = tree.onDidChangeTreeData((e) => fired.push(e));
    try {
      await vscode.commands.executeCommand('chatreq.replyToChat', record.id, 'Where is my order?');
      await recordWhere(a, record.id, 'the answer after the reply', (x) => {
        const i = x.transcript.findIndex((t) => t.ParticipantRole === 'CUSTOMER' && t.Content === 'Where is my order?');
        return i >= 0 && x.transcript.slice(i + 1).some((t) => t.Type === 'MESSAGE' && t.ParticipantRole !== 'CUSTOMER');
      });
      assert.ok(fired.length > 0, 'the tree heard the change');
      assert.deepEqual(fired.filter((e) => e !== node).map(String), [], 'every change names the chat’s own node');
      assert.equal(tree.nodeOf(record.id), node, 'the same node object (VS Code keeps its handle)');
      const fresh = (await tree.getChildren()).find((n) => n.chatId === record.id);
      assert.equal(fresh?.description, node.description, 'the node in place says what a rebuilt one says');
    } finally {
      sub.dispose();
    }
  });

  it('End Chat ends it; Relaunch starts a new chat from the same file', async () => {
    const a = await sandboxApi();
    const record = await endedChat(a);
    assert.equal((await sandboxContact(a, record.contactId!))?.status, 'ENDED');
    const before = await contactsOf(a);
    const again = await vscode.commands.executeCommand<ChatRecord>('chatreq.relaunchChat', record.id);
    assert.ok(again?.contactId && again.contactId !== record.contactId);
    assert.notEqual(again.id, record.id);
    assert.notEqual(again.clientToken, record.clientToken, 'each launch has its own ClientToken');
    assert.equal(await contactsOf(a), before + 1);
    assert.equal(again.origin.requestFile, record.origin.requestFile);
  });

  it('Relaunch of a chat without a request file rebuilds the request with its initial message and content types', async () => {
    const a = await sandboxApi();
    const initial = { ContentType: 'text/plain', Content: 'where is my order' };
    const contentTypes = ['text/plain', INTERACTIVE];
    // A past chat whose request was not a file (or whose file is gone): only its record is left.
    const { record } = await launched(a, supportRequest({ InitialMessage: initial, SupportedMessagingContentTypes: contentTypes, Attributes: { tier: 'gold' } }), 'connected', (x) => x.state === 'connected');
    await vscode.commands.executeCommand('chatreq.endChat', record.id);
    const ended = await recordWhere(a, record.id, 'the chat to end', (x) => x.state === 'ended');
    const { requestFile: _file, requestName: _name, ...origin } = ended.origin;
    const past: ChatRecord = { ...ended, id: `${ended.id}-nofile`, origin };
    a.testChats.chats.put(past);
    const again = await vscode.commands.executeCommand<ChatRecord>('chatreq.relaunchChat', past.id);
    assert.ok(again?.contactId, again?.error?.message);
    assert.deepEqual(again.contentTypes, contentTypes, 'StartChatContact listed the same content types');
    assert.deepEqual(again.initialMessage, initial);
    const sent = await sandboxContact(a, again.contactId);
    assert.ok(sent, 'the sandbox has the contact');
    assert.ok(sent.transcript.some((i) => i.ParticipantRole === 'CUSTOMER' && i.Content === initial.Content), 'the initial message reached the chat');
    assert.equal(sent.attributes.tier, 'gold', 'the attributes sent (the flow adds its own)');
    assert.ok(sent.participants.some((p) => p.role === 'CUSTOMER' && p.displayName === 'Ada Tester'));
    await vscode.commands.executeCommand('chatreq.endChat', again.id);
    await a.testChats.chats.remove(past.id);
  });

  it('Continue as Persistent Chat starts a chat whose node says what it continues', async () => {
    const a = await sandboxApi();
    const record = await endedChat(a);
    const next = await vscode.commands.executeCommand<ChatRecord>('chatreq.continuePersistentChat', record.id, 'ENTIRE_PAST_SESSION');
    assert.ok(next?.contactId);
    assert.equal(next.continuedFrom, record.contactId);
    const state = await sandboxContact(a, next.contactId);
    assert.equal(state?.previousContactId, record.contactId, 'the sandbox continued the ended chat');
    const contact = chatChildren(next).find((c) => c.kind === 'contact');
    assert.ok(contact?.children?.some((c) => labelOf(c) === 'Continued from' && c.description === record.contactId));
  });

  it('refresh reads the flow trace (flow logs) and the contact attributes through the public APIs', async () => {
    const a = await sandboxApi();
    const { record } = await launched(a, supportRequest({ Attributes: { customerTier: 'gold' } }), 'the bot’s question', (x) => texts(x).some((t) => /How can I help/.test(t)));
    await vscode.commands.executeCommand('chatreq.refreshChat', record.id);
    const r = await recordWhere(a, record.id, 'trace and attributes', (x) => (x.trace?.length ?? 0) > 0 && x.contactAttributes !== undefined);
    assert.equal(r.traceStatus?.kind, 'ok');
    assert.ok(r.trace!.some((b) => b.ContactFlowModuleType && b.Identifier), JSON.stringify(r.trace?.[0]));
    assert.equal(r.contactAttributes?.customerTier, 'gold');
    const sandboxAttrs = (await sandboxContact(a, r.contactId!))?.attributes;
    assert.deepEqual(r.contactAttributes, sandboxAttrs);
    const traceNode = chatChildren(r).find((c) => c.kind === 'trace');
    assert.equal(traceNode?.children?.length, r.trace!.length);
    // Go to Block opens the flow content at the block's Identifier.
    const block = traceNode.children.find((b) => b.block?.Identifier);
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('chatreq.goToBlock', block);
    assert.ok(editor);
    assert.ok(editor.document.getText(editor.selection).includes(block!.block!.Identifier!));
  });

  it('a dropped WebSocket mid-conversation loses and duplicates nothing', async () => {
    const a = await sandboxApi();
    const { record } = await launched(a, supportRequest(), 'the bot’s question', (x) => texts(x).some((t) => /How can I help/.test(t)));
    const sandbox = await sandboxAdmin(a);
    assert.ok((await sandbox.dropSockets(record.contactId!)) >= 1, 'the sandbox dropped the chat’s socket');
    await vscode.commands.executeCommand('chatreq.replyToChat', record.id, 'I want to talk to an agent');
    const expected = async () => (await sandbox.contact(record.contactId!))!.transcript.filter((i) => !/typing/.test(i.ContentType)).map((i) => i.Id);
    await recordWhere(a, record.id, 'the customer message in the record', (x) => x.transcript.some((i) => i.ParticipantRole === 'CUSTOMER' && i.Content === 'I want to talk to an agent'));
    const r = await until('every sandbox item in the record', async () => {
      const x = a.testChats.chats.get(record.id);
      if (!x) return undefined;
      const ids = new Set(x.transcript.map((i) => i.Id));
      return (await expected()).every((id) => ids.has(id)) ? x : undefined;
    });
    assert.equal(new Set(r.transcript.map((i) => i.Id)).size, r.transcript.length, 'no item twice');
  });

  it('a 429/500/dropped-response storm still starts exactly one chat per launch', async () => {
    const a = await sandboxApi();
    const sandbox = await sandboxAdmin(a);
    const uri = requestFile(supportRequest());
    cleanup.push(uri);
    const storms = [
      // The answer to the first try is lost after the chat started; the retry is throttled; the third gets the same contact.
      [
        { operation: 'StartChatContact' as const, kind: 'drop' as const, afterHandling: true, count: 1 },
        { operation: 'StartChatContact' as const, kind: 'error' as const, status: 429, errorType: 'TooManyRequestsException', count: 1 },
      ],
      // Two server errors in a row, then the chat starts.
      [{ operation: 'StartChatContact' as const, kind: 'error' as const, status: 500, count: 2 }],
    ];
    try {
      for (const faults of storms) {
        await sandbox.setFaults(faults);
        const before = await contactsOf(a);
        const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchTestChat', uri);
        assert.ok(record?.contactId, JSON.stringify(record?.error));
        assert.equal(await contactsOf(a), before + 1, `one contact for ${JSON.stringify(faults)}`);
        assert.ok((await sandbox.faults()).every((f) => f.applied >= 1), 'every fault was hit');
      }
    } finally {
      await sandbox.setFaults([]);
    }
  });

  it('Choose an Option answers an interactive ListPicker and the flow branches on it', async () => {
    const a = await sandboxApi();
    const uri = requestFile({
      InstanceId: DEMO_INSTANCE,
      ContactFlowId: HELP_MENU,
      ParticipantDetails: { DisplayName: 'Ada Tester' },
      SupportedMessagingContentTypes: ['text/plain', INTERACTIVE],
    });
    cleanup.push(uri);
    const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchTestChat', uri);
    const r = await recordWhere(a, record.id, 'the interactive menu', (x) => x.transcript.some((i) => i.ContentType === INTERACTIVE));
    const menu = r.transcript.find((i) => i.ContentType === INTERACTIVE)!;
    // The tree shows the message by its title with its options as children.
    const item = chatChildren(r).find((c) => c.kind === 'conversation')!.children!.find((c) => c.itemId === menu.Id)!;
    const options = item.children ?? [];
    assert.ok(options.map(labelOf).includes('Track an order'), `options: ${options.map(labelOf).join(', ')}`);
    const option = options.find((o) => labelOf(o) === 'Track an order')!;
    await vscode.commands.executeCommand('chatreq.chooseOption', option);
    const answered = await recordWhere(a, record.id, 'the flow’s answer to the choice', (x) => texts(x).some((t) => /track any order/.test(t)));
    assert.ok(answered.transcript.some((i) => i.ParticipantRole === 'CUSTOMER' && /Track an order/.test(i.Content ?? '')), 'the choice was sent as the customer');
  });

  it('asks for a missing instance and flow with the pickers and can save them into the file', async () => {
    const a = await sandboxApi();
    const uri = requestFile({ ParticipantDetails: { DisplayName: 'Ada Tester' } });
    cleanup.push(uri);
    await vscode.window.showTextDocument(uri);
    const i = await internals();
    const before = await contactsOf(a);
    const running = vscode.commands.executeCommand<ChatRecord | undefined>('chatreq.launchTestChat', uri);
    const accept = async (what: string, choose: (label: string) => boolean): Promise<void> => {
      const qp = await until(what, () => {
        const p = i.activeQuickPick();
        return p && !p.busy && p.items.some((x) => choose(x.label.replace(/^\$\([^)]+\)\s*/, ''))) ? p : undefined;
      });
      const target = qp.items.find((x) => choose(x.label.replace(/^\$\([^)]+\)\s*/, '')))!;
      // The workbench reports the active item back once it applied the change: accept after that.
      const applied = new Promise<void>((resolve) => {
        const sub = qp.onDidChangeActive((items) => {
          if (items[0] === target) {
            sub.dispose();
            resolve();
          }
        });
      });
      qp.activeItems = [target];
      await withDeadline(applied, 10_000, `${what}: the workbench to show the choice`);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    };
    await accept('the instance picker', (l) => l === 'chatreq-demo');
    await accept('the flow picker', (l) => l.startsWith('Support Bot'));
    // The save offer is a plain quick pick: the workbench's own quick open accepts it.
    const docText = (): string => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath)?.getText() ?? '';
    await until('the save offer to write the IDs into the document', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return docText().includes(SUPPORT_BOT) || undefined;
    });
    const record = await running;
    assert.ok(record?.contactId, 'the chat launched');
    assert.equal(await contactsOf(a), before + 1);
    const text = docText();
    assert.ok(text.includes(DEMO_INSTANCE) && text.includes(SUPPORT_BOT), `the file got the chosen IDs: ${text}`);
  });

  it('"Launch Test Chat with this Flow" in the Instances view uses a minimal request when no file names the flow', async () => {
    const a = await sandboxApi();
    const before = await contactsOf(a);
    const afterHours = '2d8c6e41-9a3b-4f07-8e5c-b14a7d0f6c92';
    const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchFlow', { instanceId: DEMO_INSTANCE, flowId: afterHours, flowName: 'After Hours' });
    assert.ok(record?.contactId, JSON.stringify(record?.error));
    assert.equal(await contactsOf(a), before + 1);
    assert.equal(record.origin.requestFile, undefined);
    assert.equal(record.origin.contactFlowId, afterHours);
    assert.equal(record.displayName, 'Test customer');
    assert.equal((await sandboxContact(a, record.contactId))?.contactFlowId, afterHours);
  });

  it('a launch the service rejects keeps its node with the error and a Fix in File action', async () => {
    const a = await sandboxApi();
    const queueWait = 'e5a1c7d3-0f8b-4a29-b6e4-1c9d3a7f5b80'; // a CUSTOMER_QUEUE flow: StartChatContact refuses it
    const uri = requestFile(supportRequest({ ContactFlowId: queueWait }));
    cleanup.push(uri);
    const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchTestChat', uri);
    assert.equal(record?.state, 'failed');
    assert.match(record.error?.message ?? '', /CONTACT_FLOW/);
    const stored = a.testChats.chats.get(record.id);
    assert.equal(stored?.state, 'failed', 'the failed launch has its node');
    const error = chatChildren(stored).find((c) => c.kind === 'error');
    assert.equal(error?.contextValue, 'chatreq.chatError.fixable');
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('chatreq.fixInFile', record.id);
    assert.ok(editor);
    assert.equal(editor.document.getText(editor.selection), '"ContactFlowId"');
  });

  it('the request form’s Launch button launches the file it shows', async () => {
    const a = await sandboxApi();
    const uri = requestFile(supportRequest());
    cleanup.push(uri);
    const ready = new Promise<void>((resolve) => {
      const sub = a.requestForm.onDidPostMessage((p) => {
        if (p.uri.toString() === uri.toString() && (p.message as { type?: string }).type === 'state') {
          sub.dispose();
          resolve();
        }
      });
    });
    await vscode.commands.executeCommand('chatreq.openRequestForm', uri);
    await withDeadline(ready, 45_000, 'the form’s first state'); // a loaded machine can take a while to start a webview
    const before = await contactsOf(a);
    const known = new Set(a.testChats.chats.list().map((r) => r.id));
    await a.requestForm.receive(uri, { type: 'launch' });
    const r = await until('the chat the form launched', () => a.testChats.chats.list().find((x) => !known.has(x.id) && x.contactId));
    assert.equal(await contactsOf(a), before + 1);
    assert.equal(vscode.Uri.parse(r.origin.requestFile!).fsPath, uri.fsPath);
  });

  it('Copy as AWS CLI Command gives a command the AWS CLI runs as is, and Open Transcript a Markdown document', async () => {
    const a = await sandboxApi();
    const uri = requestFile({ $schema: 'https://example.invalid/schema.json', ...supportRequest({ Attributes: { tier: '${env:CHATREQ_IT_TIER}' } }) });
    cleanup.push(uri);
    process.env.CHATREQ_IT_TIER = 'gold';
    try {
      const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchTestChat', uri);
      assert.equal(record.attributes.tier, 'gold', 'env values are resolved before the call');
      assert.equal((await sandboxContact(a, record.contactId!))?.attributes.tier, 'gold');
      const command = await vscode.commands.executeCommand<string>('chatreq.copyAsAwsCli', record.id, 'resolved');
      assert.equal(await vscode.env.clipboard.readText(), command);
      assert.ok(!command.includes('$schema'), 'no $schema member');
      assert.ok(!command.includes('ClientToken'), 'a copied command starts a new chat');
      const before = await contactsOf(a);
      const out = await new Promise<string>((resolve, reject) =>
        execFile('bash', ['-c', command], { env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDSANDBOX', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } }, (e, stdout, stderr) =>
          e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      assert.match(out, /"ContactId"/);
      assert.equal(await contactsOf(a), before + 1, 'the AWS CLI started a chat with the copied command');
      const refs = await vscode.commands.executeCommand<string>('chatreq.copyAsAwsCli', record.id, 'references');
      assert.match(refs, /"\$CHATREQ_IT_TIER"/);
      assert.ok(!refs.includes('gold'), 'the value stays in the shell');

      const doc = await vscode.commands.executeCommand<vscode.TextDocument>('chatreq.openTranscript', record.id);
      assert.equal(doc.languageId, 'markdown');
      assert.match(doc.getText(), new RegExp(record.contactId!));
    } finally {
      delete process.env.CHATREQ_IT_TIER;
    }
  });

  it('a corrupt history file is moved aside and a new history starts', async () => {
    const a = await sandboxApi();
    await a.testChats.chats.ready();
    const file = a.testChats.chats.store.file.fsPath;
    await a.testChats.chats.store.flush();
    const saved = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    fs.writeFileSync(file, '{"version": 1, "chats": [ {"id": "x", ');
    const fresh = new ChatManager(a.services);
    try {
      await fresh.ready();
      assert.deepEqual(fresh.list(), []);
      const aside = fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith('test-chats.corrupt-'));
      assert.ok(aside.length >= 1, 'the unreadable file was kept aside');
      for (const n of aside) fs.rmSync(path.join(path.dirname(file), n));
    } finally {
      fresh.dispose();
      if (saved) fs.writeFileSync(file, saved);
    }
  });

  it('a chat that ended while VS Code was closed shows as ended after one refresh', async () => {
    const a = await sandboxApi();
    const { record } = await launched(a, supportRequest(), 'connected', (x) => x.state === 'connected');
    await a.testChats.chats.store.flush();
    // "Closed": the live engine goes away; meanwhile the contact ends on the service.
    a.testChats.chats.liveChat(record.id)?.dispose();
    const fresh = new ChatManager(a.services);
    try {
      await fresh.ready();
      assert.equal(fresh.get(record.id)?.state, 'connected', 'the history still says connected');
      const access = await a.services.connections.access();
      await access.session.clients.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE, ContactId: record.contactId! }));
      await fresh.resumeLive(async (r, sec) => LiveChat.resume({ session: access.session, logger: a.services.logger }, r, sec));
      await until('the restored chat to show ended', () => (fresh.get(record.id)?.state === 'ended' ? true : undefined));
    } finally {
      fresh.dispose();
    }
  });

  it('a chat’s new state is written to the history at once, without waiting for the save delay (a reload right after keeps it)', async () => {
    const a = await sandboxApi();
    const { record } = await launched(a, supportRequest(), 'connected', (x) => x.state === 'connected');
    // A second manager that follows the same chat live, keeps its history in a folder of its own
    // and waits ten minutes before a save: only a write made at once can reach its file in time.
    const folder = vscode.Uri.file(fs.mkdtempSync(path.join(os.tmpdir(), 'chatreq-itest-history-')));
    const watcher = new ChatManager(a.services, { historyFolder: folder, saveDelayMs: 600_000 });
    const file = path.join(folder.fsPath, 'test-chats.json');
    const stateOnDisk = (): string | undefined => {
      try {
        return (JSON.parse(fs.readFileSync(file, 'utf8')) as { chats: ChatRecord[] }).chats.find((c) => c.id === record.id)?.state;
      } catch {
        return undefined;
      }
    };
    try {
      await watcher.ready();
      const access = await a.services.connections.access();
      // Its own engine on the same chat, reattached with the tokens the extension keeps.
      watcher.put(structuredClone(a.testChats.chats.get(record.id)!));
      await watcher.resumeLive(async (r, sec) => LiveChat.resume({ session: access.session, logger: a.services.logger }, r, sec));
      assert.ok(watcher.liveChat(record.id), 'the second manager follows the chat live');
      await access.session.clients.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE, ContactId: record.contactId! }));
      await until('the ended state in the history file', () => (stateOnDisk() === 'ended' ? true : undefined), 10_000);
    } finally {
      watcher.dispose();
      fs.rmSync(folder.fsPath, { recursive: true, force: true });
    }
  });

  it('Answer as Agent (sandbox): an agent joins the queued chat and the customer sees the agent’s message', async () => {
    const a = await sandboxApi();
    // The agent path checks the demo's business hours: keep them open whenever the tests run.
    await withDemoHoursOpen(a, async () => {
      const { record } = await launched(a, supportRequest(), 'the bot’s question', (x) => texts(x).some((t) => /How can I help/.test(t)));
      await vscode.commands.executeCommand('chatreq.replyToChat', record.id, 'I want to talk to an agent');
      await until('the chat to reach a queue', async () => ((await sandboxContact(a, record.contactId!))?.trace as { status?: string } | undefined)?.status === 'queued' || undefined);
      const joined = await vscode.commands.executeCommand<{ participantId?: string }>('chatreq.answerAsAgent', record.id, 'join');
      assert.ok(joined?.participantId, 'the agent joined');
      await vscode.commands.executeCommand('chatreq.answerAsAgent', record.id, 'send', 'Hi Ada, this is your agent.');
      const r = await recordWhere(a, record.id, 'the agent’s message and state', (x) => x.state === 'agent' && x.transcript.some((i) => i.ParticipantRole === 'AGENT' && i.Content === 'Hi Ada, this is your agent.'));
      const conv = chatChildren(r).find((c) => c.kind === 'conversation')!;
      assert.ok(conv.children!.some((c) => /this is your agent/.test(labelOf(c))));
      assert.match(String(chatNode(r).description), /^with agent · /);
    });
  });

  it('error diagnostics block the launch and nothing is sent', async () => {
    const a = await sandboxApi();
    const uri = requestFile(supportRequest({ ChatDurationInMinutes: 5 }));
    cleanup.push(uri);
    const before = await contactsOf(a);
    const result = await vscode.commands.executeCommand<ChatRecord | undefined>('chatreq.launchTestChat', uri);
    assert.equal(result, undefined);
    assert.equal(await contactsOf(a), before);
  });

  it('history survives a restart: a fresh manager shows the chat and can still reply; no token is persisted or shown', async () => {
    const a = await sandboxApi();
    const { record } = await launched(a, supportRequest(), 'the bot’s question', (x) => texts(x).some((t) => /How can I help/.test(t)));
    const secrets = await a.testChats.chats.store.secrets(record.id);
    assert.ok(secrets?.participantToken, 'the tokens are in SecretStorage');
    await a.testChats.chats.store.flush();

    // What a reload does: a new manager over the same storage.
    const fresh = new ChatManager(a.services);
    try {
      await fresh.ready();
      const restored = fresh.get(record.id);
      assert.ok(restored, 'the chat is in the restored history');
      assert.equal(restored.contactId, record.contactId);
      assert.ok(restored.transcript.length > 0);
      a.testChats.chats.liveChat(record.id)?.dispose();
      const access = await a.services.connections.access();
      await fresh.resumeLive(async (r, s) => LiveChat.resume({ session: access.session, logger: a.services.logger }, r, s));
      const chat = fresh.liveChat(record.id);
      assert.ok(chat, 'the live chat was reattached');
      await chat.reply('I want to talk to an agent');
      await until('the reply after the restart', () => fresh.get(record.id)?.transcript.some((i) => i.Content === 'I want to talk to an agent') || undefined);
    } finally {
      fresh.dispose();
    }

    // No token anywhere Chatreq persists or shows.
    const tokens = [secrets.participantToken, secrets.connectionToken].filter((t): t is string => Boolean(t));
    const storage = (a.services.context.storageUri ?? a.services.context.globalStorageUri).fsPath;
    const files: string[] = [];
    const walk = (d: string): void => {
      if (!fs.existsSync(d)) return;
      for (const n of fs.readdirSync(d)) {
        const p = path.join(d, n);
        if (fs.statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(storage);
    walk(a.services.context.globalStorageUri.fsPath);
    assert.ok(files.some((f) => f.endsWith('test-chats.json')), `history file in ${storage}`);
    const haystacks = [...files.map((f) => fs.readFileSync(f, 'utf8')), readLog(a)];
    const r = a.testChats.chats.get(record.id)!;
    const nodes = flatten([chatNode(r), ...chatChildren(r)]);
    haystacks.push(...nodes.map((n) => `${labelOf(n)} ${String(n.description ?? '')} ${typeof n.tooltip === 'string' ? n.tooltip : (n.tooltip?.value ?? '')}`));
    for (const t of tokens) for (const h of haystacks) assert.ok(!h.includes(t), 'a token leaked into storage, the log or the tree');
  });
});
