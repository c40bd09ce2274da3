/**
 * The conversation panel in the real extension host, on live sandbox chats: the webview loads and
 * asks for the chat (ready handshake), messages sent through the panel's protocol arrive in both
 * the panel's state and the ChatManager's record (the tree's model), and the serializer restores
 * a panel.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConversationState, MessageEntry } from '../../src/core/chat/conversationProtocol';
import type { ChatRecord } from '../../src/core/chat/types';
import type { ChatreqApi } from '../../src/extension/extension';
import { acceptItem, api, sandboxAdmin, shownQuickPick, until, withDemoHoursOpen } from './connectionSupport';

const DEMO_INSTANCE = '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58';
const HELP_MENU = '4c9e2b7a-5d13-4f86-a0b2-7e6d1c3f8a95';
const SUPPORT_BOT = '0c6a3f51-7d2e-4b8a-9f14-6e2d3c8b1a07';
const CONCIERGE = '7c1e5a3d-8b2f-4d96-a0e4-5f3b9c7d1e28';
const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';

async function sandboxApi(): Promise<ChatreqApi> {
  const a = await api();
  a.services.connections.useTransient({ kind: 'sandbox' });
  await a.services.sandbox.start();
  return a;
}

let counter = 0;
function requestFile(flowId = HELP_MENU): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests run with a workspace folder');
  const file = path.join(folder.uri.fsPath, `conversation-${process.pid}-${++counter}.chatreq.json`);
  const request = { InstanceId: DEMO_INSTANCE, ContactFlowId: flowId, ParticipantDetails: { DisplayName: 'Ada Tester' }, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] };
  fs.writeFileSync(file, `${JSON.stringify(request, null, 2)}\n`);
  return vscode.Uri.file(file);
}


/** The next state posted to the chat's panel that satisfies `ok` (subscribe before acting). */
function nextState(a: ChatreqApi, chatId: string, what: string, ok: (s: ConversationState) => boolean = () => true, timeoutMs = 20_000): Promise<ConversationState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the conversation panel was not sent ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = a.testChats.conversations.onDidPostMessage((p) => {
      if (p.chatId !== chatId || p.message.type !== 'state' || !ok((p.message).state)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve((p.message).state);
    });
  });
}

/** The panel's state now, or the next one that satisfies `ok`. */
function stateWhere(a: ChatreqApi, chatId: string, what: string, ok: (s: ConversationState) => boolean): Promise<ConversationState> {
  const now = a.testChats.conversations.stateOf(chatId);
  return now && ok(now) ? Promise.resolve(now) : nextState(a, chatId, what, ok);
}

const messages = (s: ConversationState): MessageEntry[] => s.entries.filter((e): e is MessageEntry => e.kind === 'message');
const said = (s: ConversationState, side: 'customer' | 'other', re: RegExp): boolean => messages(s).some((m) => m.side === side && m.body.kind === 'text' && re.test(m.body.text));

function recordWhere(a: ChatreqApi, id: string, what: string, ok: (r: ChatRecord) => boolean): Promise<ChatRecord> {
  return until(what, () => {
    const r = a.testChats.chats.get(id);
    return r && ok(r) ? r : undefined;
  });
}

/** Launches the Help Menu demo flow and opens its conversation; resolves with the first state the webview asked for. */
async function openHelpMenu(a: ChatreqApi, cleanup: vscode.Uri[], flowId = HELP_MENU): Promise<{ record: ChatRecord; first: ConversationState }> {
  const uri = requestFile(flowId);
  cleanup.push(uri);
  const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchTestChat', uri);
  assert.ok(record?.contactId, `launch returned ${JSON.stringify(record)}`);
  const first = nextState(a, record.id, 'its first state (the webview never sent "ready")');
  const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('chatreq.openConversation', record.id);
  assert.equal(panel.viewType, 'chatreq.conversation');
  return { record, first: await first };
}

describe('Conversation panel (extension host, sandbox)', function () {
  this.timeout(60_000);
  const cleanup: vscode.Uri[] = [];

  afterEach(async () => {
    const a = await api();
    await vscode.commands.executeCommand('chatreq.endAllChats');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const u of cleanup.splice(0)) fs.rmSync(u.fsPath, { force: true });
    assert.equal(a.testChats.conversations.has('none'), false);
  });

  it('opens beside the editor, shows the ListPicker, and an answer chosen in the panel reaches the record and the panel', async () => {
    const a = await sandboxApi();
    const { record, first } = await openHelpMenu(a, cleanup);
    assert.equal(first.chatId, record.id);
    assert.equal(first.contactId, record.contactId);
    assert.equal(first.canTalk, true);
    assert.ok(a.testChats.conversations.panelOf(record.id)?.visible, 'the panel is visible');
    const withMenu = await stateWhere(a, record.id, 'the interactive menu', (s) => messages(s).some((m) => m.interactive?.templateType === 'ListPicker'));
    const menu = messages(withMenu).find((m) => m.interactive)!;
    assert.equal(menu.side, 'other');
    assert.ok(menu.interactive!.options.some((o) => o.title === 'Track an order'), `options: ${menu.interactive!.options.map((o) => o.title).join(', ')}`);

    const answered = nextState(a, record.id, 'the bot’s answer to the choice', (s) => said(s, 'other', /track any order/));
    await a.testChats.conversations.receive(record.id, { type: 'choose', itemId: menu.interactive!.itemId, title: 'Track an order' });
    const s = await answered;
    assert.equal(messages(s).find((m) => m.key === menu.key)?.interactive?.answered, 'Track an order', 'the menu shows the answer');
    assert.ok(said(s, 'customer', /^Track an order$/), 'the choice shows as the customer’s message');
    // The same item is in the manager's record: the tree reads it.
    const r = await recordWhere(a, record.id, 'the choice in the record', (x) => x.transcript.some((i) => i.ParticipantRole === 'CUSTOMER' && i.Content === 'Track an order'));
    const node = (await a.testChats.tree.getChildren()).find((n) => n.chatId === record.id);
    assert.equal(node?.command?.command, 'chatreq.openConversation', 'clicking the chat node opens its conversation');
    assert.ok(r.transcript.length >= messages(s).length);
  });

  it('a text typed in the panel is sent as the customer and arrives in both the panel and the record', async () => {
    const a = await sandboxApi();
    const { record } = await openHelpMenu(a, cleanup);
    await stateWhere(a, record.id, 'the interactive menu', (st) => messages(st).some((m) => m.interactive !== undefined));
    const text = `Hello from the panel ${Date.now()}`;
    const arrived = nextState(a, record.id, 'the customer’s message', (st) => said(st, 'customer', new RegExp(text)));
    await a.testChats.conversations.receive(record.id, { type: 'send', text });
    const st = await arrived;
    const mine = messages(st).find((m) => m.body.kind === 'text' && m.body.text === text)!;
    assert.equal(mine.side, 'customer');
    assert.equal(mine.label, 'Ada Tester');
    assert.ok(mine.receipt, 'customer messages carry a receipt slot');
    await recordWhere(a, record.id, 'the message in the record', (r) => r.transcript.some((i) => i.Id === mine.key && i.Content === text));
    // Malformed and unsafe messages are ignored (nothing sent, nothing opened).
    const before = a.testChats.chats.get(record.id)!.transcript.length;
    await a.testChats.conversations.receive(record.id, { type: 'send', text: '' });
    await a.testChats.conversations.receive(record.id, { type: 'send', text: 42 });
    await a.testChats.conversations.receive(record.id, { type: 'openLink', href: 'javascript:alert(1)' });
    await a.testChats.conversations.receive(record.id, { type: 'action', action: 'format-disk' });
    assert.equal(a.testChats.chats.get(record.id)!.transcript.length, before);
  });

  it('shows the agent as the customer sees them: joined, typing, then their message on the left under their name', async () => {
    const a = await sandboxApi();
    // The agent path checks the demo's business hours: keep them open whenever the tests run.
    await withDemoHoursOpen(a, async () => {
      const { record } = await openHelpMenu(a, cleanup, SUPPORT_BOT);
      const sb = await sandboxAdmin(a);
      // The bot's own question: from then on it waits for the customer (a message before is not its input).
      await stateWhere(a, record.id, 'the bot’s question', (s) => said(s, 'other', /How can I help/));
      await a.testChats.conversations.receive(record.id, { type: 'send', text: 'I want to talk to an agent' });
      // The bot hands over to a queue; the sandbox's agent can join once the contact is there.
      await until('the contact to reach a queue', async () => {
        try {
          return await sb.agent(record.contactId!, { action: 'join', name: 'Sam' });
        } catch {
          return undefined;
        }
      });
      const typing = new Promise<{ label: string; role: string }>((resolve) => {
        const sub = a.testChats.conversations.onDidPostMessage((p) => {
          if (p.chatId === record.id && p.message.type === 'typing') {
            sub.dispose();
            resolve(p.message);
          }
        });
      });
      await sb.agent(record.contactId!, { action: 'typing' });
      assert.deepEqual(await typing, { type: 'typing', label: 'Sam', role: 'AGENT' });
      const arrived = nextState(a, record.id, 'the agent’s message', (s) => said(s, 'other', /Hi, Sam here/));
      await sb.agent(record.contactId!, { action: 'send', text: 'Hi, Sam here' });
      const s = await arrived;
      const sam = messages(s).find((m) => m.body.kind === 'text' && m.body.text === 'Hi, Sam here')!;
      assert.deepEqual([sam.side, sam.role, sam.label, sam.roleLabel], ['other', 'AGENT', 'Sam', 'Agent']);
      assert.ok(s.entries.some((e) => e.kind === 'event' && e.eventName === 'joined' && /Sam joined/.test(e.text)), 'the join shows as a quiet event');
      assert.ok(!s.entries.some((e) => e.kind === 'event' && e.eventName === 'typing'), 'typing is never in the transcript');
    });
  });

  it('End Chat from the header ends the chat; the panel then says why it takes no more messages', async () => {
    const a = await sandboxApi();
    const { record } = await openHelpMenu(a, cleanup);
    const ended = nextState(a, record.id, 'the ended state', (s) => s.state === 'ended');
    await a.testChats.conversations.receive(record.id, { type: 'action', action: 'end' });
    const s = await ended;
    assert.deepEqual([s.canTalk, s.canEnd, s.canRelaunch], [false, false, true]);
    assert.match(s.disabledReason ?? '', /ended/);
    assert.equal((await recordWhere(a, record.id, 'the record to end', (r) => r.state === 'ended')).state, 'ended');
  });

  it('the serializer restores a panel for its chat (the stored transcript of an ended chat included)', async () => {
    const a = await sandboxApi();
    const { record } = await openHelpMenu(a, cleanup);
    await stateWhere(a, record.id, 'the interactive menu', (st) => messages(st).some((m) => m.interactive !== undefined));
    await vscode.commands.executeCommand('chatreq.endChat', record.id);
    await recordWhere(a, record.id, 'the record to end', (r) => r.state === 'ended');
    a.testChats.conversations.panelOf(record.id)!.dispose();
    await until('the panel to close', () => !a.testChats.conversations.has(record.id) || undefined);
    // What VS Code does after a reload: a new panel of the view type, with the webview's state.
    const revived = vscode.window.createWebviewPanel('chatreq.conversation', 'Conversation', vscode.ViewColumn.One, {});
    const first = nextState(a, record.id, 'the restored panel’s first state');
    await a.testChats.conversations.deserializeWebviewPanel(revived, { chatId: record.id, scrollTop: 30, atEnd: false });
    const s = await first;
    assert.ok(a.testChats.conversations.has(record.id));
    assert.equal(s.state, 'ended');
    assert.ok(messages(s).some((m) => m.interactive?.templateType === 'ListPicker'), 'the stored transcript is shown');
    // A state naming no known chat is not restored.
    const stale = vscode.window.createWebviewPanel('chatreq.conversation', 'Conversation', vscode.ViewColumn.One, {});
    let disposed = false;
    stale.onDidDispose(() => (disposed = true));
    await a.testChats.conversations.deserializeWebviewPanel(stale, { chatId: 'no-such-chat' });
    assert.equal(disposed, true);
  });

  it('a Markdown link in the panel opens through VS Code’s opener only after the confirmation; refused, nothing opens', async () => {
    const a = await sandboxApi();
    const { record } = await openHelpMenu(a, cleanup, CONCIERGE);
    const menu = messages(await stateWhere(a, record.id, 'the concierge menu', (st) => messages(st).some((m) => m.interactive?.templateType === 'ListPicker'))).find((m) => m.interactive)!;
    await a.testChats.conversations.receive(record.id, { type: 'choose', itemId: menu.interactive!.itemId, title: 'Talk to an agent' });
    await recordWhere(a, record.id, 'agent Sam to join', (r) => r.state === 'agent');
    // The agent writes Markdown with a link (the sandbox's admin API, as a hand-driven agent would).
    // VS Code's opener asks once more before a website (link protection; a dialog, refused in
    // tests), so the link that is opened here is a mail link; the refused one is a website.
    const href = 'mailto:returns@example.com?subject=Return';
    const site = 'https://example.com/returns?from=chat';
    const sent = await fetch(`${await a.services.sandbox.endpoint()}/sandbox/contacts/${record.contactId!}/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'send', contentType: 'text/markdown', text: `See [our returns page](${site}), [write to us](${href}) or **reply** here.` }),
    });
    assert.equal(sent.status, 200, await sent.text());
    const withLink = await stateWhere(a, record.id, 'the Markdown message', (st) => messages(st).some((m) => m.body.kind === 'markdown'));
    const md = messages(withLink).find((m) => m.body.kind === 'markdown')!;
    for (const l of [site, href]) assert.ok(JSON.stringify(md.body).includes(`"t":"link","href":"${l}"`), `the link is a link in the panel's state: ${JSON.stringify(md.body)}`);

    const outcomes: string[] = [];
    const sub = a.testChats.conversations.onDidHandleLink((o) => outcomes.push(`${o.outcome} ${o.href}`));
    try {
      // Clicked (the message the panel's link button posts), then confirmed.
      const clicked = a.testChats.conversations.receive(record.id, { type: 'openLink', href });
      const ask = await shownQuickPick('the link confirmation', (qp) => qp.title === 'Open a link from the chat?');
      assert.ok(ask.items.some((i) => i.detail === href), 'the whole address is shown before opening');
      assert.deepEqual(outcomes, [], 'nothing is opened before the answer');
      await acceptItem(ask, ask.items.find((i) => /Open Link/.test(i.label))!);
      await clicked;
      assert.deepEqual(outcomes, [`opened ${href}`]);

      // The website link, refused (Escape): nothing is opened.
      const again = a.testChats.conversations.receive(record.id, { type: 'openLink', href: site });
      await shownQuickPick('the second confirmation', (qp) => qp.title === 'Open a link from the chat?' && qp.items.some((i) => i.detail === site));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await again;
      assert.deepEqual(outcomes, [`opened ${href}`, `refused ${site}`]);

      // A link with another scheme never reaches the prompt (the protocol refuses it).
      await a.testChats.conversations.receive(record.id, { type: 'openLink', href: 'javascript:alert(1)' });
      assert.equal(outcomes.length, 2);
    } finally {
      sub.dispose();
    }
  });
});
