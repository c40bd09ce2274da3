/**
 * LiveChat against the real sandbox with the flow runtime and the demo flows, over HTTP and the
 * participant WebSocket: a conversation with the Lex support bot, a dropped socket, resume, end,
 * persistent chat, interactive messages, details/attributes/trace, and failed launches.
 */
import { ConnectParticipantClient, SendEventCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import type { AwsSession } from '../../../src/core/aws/session';
import { prepareLaunch } from '../../../src/core/chat/launch';
import { LiveChat, type LiveChatDeps } from '../../../src/core/chat/liveChat';
import { presentItem } from '../../../src/core/chat/present';
import type { ChatItem, ChatRecord } from '../../../src/core/chat/types';
import { ManualClock, startSandboxWithFlows } from '../../../src/sandbox';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, demoOrigin, memoryLogger, requestText, sandboxSession, waitFor, type FlowSandbox } from './support';

const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
const GREETING = 'How can I help you today? You can ask about an order, or ask for an agent.';

function ids(items: readonly ChatItem[]): string[] {
  return items.map((i) => i.Id);
}

function noDuplicates(r: ChatRecord): void {
  assert.equal(new Set(ids(r.transcript)).size, r.transcript.length, 'no item twice');
}

function hasText(r: ChatRecord, text: string): boolean {
  return r.transcript.some((i) => i.Content === text);
}

describe('chat core: LiveChat on the sandbox', function () {
  this.timeout(20_000);
  let sb: FlowSandbox;
  let session: AwsSession;
  let logger: ReturnType<typeof memoryLogger>;
  let deps: LiveChatDeps;
  const chats: LiveChat[] = [];

  before(async () => {
    sb = await startSandboxWithFlows();
    session = await sandboxSession(sb);
  });
  beforeEach(() => {
    logger = memoryLogger();
    deps = { session, logger };
  });
  afterEach(() => {
    sb.clearFaults();
    for (const c of chats.splice(0)) c.dispose();
  });
  after(async () => {
    session.dispose();
    await sb.close();
  });

  async function launch(members: Record<string, unknown> = {}, flow: string = DEMO_FLOWS.supportBot, extra: { continuedFrom?: string; rehydrationType?: string } = {}): Promise<LiveChat> {
    const p = prepareLaunch({ text: requestText({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: flow, ParticipantDetails: { DisplayName: 'Ana' }, ...members }), env: {} });
    if (!p.ok) throw new Error(p.message);
    const chat = await LiveChat.launch(deps, { input: p.input, clientToken: p.clientToken, origin: demoOrigin(flow), ...extra });
    chats.push(chat);
    return chat;
  }

  /** The sandbox's own transcript of the contact, minus typing (what LiveChat must hold, exactly). */
  function sandboxIds(contactId: string): string[] {
    return ids(sb.getContact(contactId)!.transcript.filter((i) => !i.ContentType.endsWith('.typing')));
  }

  function tokensOf(chat: LiveChat): string[] {
    const s = chat.secrets();
    return [s?.participantToken, s?.connectionToken].filter((t): t is string => !!t);
  }

  it('launches, streams the flow and the Lex bot, and a reply reaches the waiting bot, which answers', async () => {
    const chat = await launch({ CustomerId: 'cust-42' });
    assert.equal(chat.record.state, 'connected');
    assert.ok(chat.record.contactId && chat.record.participantId);
    assert.equal(chat.record.displayName, 'Ana');
    assert.ok(await chat.until((r) => hasText(r, GREETING), 5000), 'the bot asks');
    const tokens = tokensOf(chat);
    await chat.reply('where is my order');
    assert.ok(await chat.until((r) => hasText(r, 'Sure. What is your order number?'), 5000), 'the bot answers');
    await chat.reply('12345');
    assert.ok(await chat.until((r) => r.state === 'ended', 5000), 'the flow ends the chat');
    const r = chat.record;
    noDuplicates(r);
    assert.deepEqual(ids(r.transcript), sandboxIds(r.contactId!));
    assert.ok(r.endedAt);
    const views = r.transcript.map(presentItem);
    assert.ok(views.some((v) => v.kind === 'message' && v.role === 'CUSTOMER' && v.text === '12345'));
    assert.equal(views.at(-1)?.eventName, 'ended');
    // Tokens stay out of the record and the log.
    const text = JSON.stringify(r) + logger.lines.join('\n');
    for (const t of tokens) assert.ok(!text.includes(t), 'no token in the record or the log');
  });

  it('a dropped WebSocket mid-conversation loses and duplicates nothing (reconnect + GetTranscript backfill)', async () => {
    const chat = await launch();
    await chat.until((r) => hasText(r, GREETING), 5000);
    const connections = () => logger.lines.filter((l) => l.includes(': connected (')).length;
    assert.equal(connections(), 1);
    assert.equal(sb.dropSockets(chat.record.contactId!), 1);
    // The bot answers while the socket is down (or reconnecting): the backfill must bring it.
    await chat.reply('where is my order');
    assert.ok(await chat.until((r) => hasText(r, 'Sure. What is your order number?'), 8000));
    await waitFor(() => connections() === 2, 'the reconnect');
    await chat.reply('12345');
    assert.ok(await chat.until((r) => r.state === 'ended', 8000));
    noDuplicates(chat.record);
    assert.deepEqual(ids(chat.record.transcript), sandboxIds(chat.record.contactId!));
  });

  it('asking for an agent (in hours): the transfer into the queue makes the chat queued (DescribeContact)', async () => {
    // Monday 10:00 in New York, so the after-hours flow puts the chat in the queue.
    const inHours = await startSandboxWithFlows({ clock: new ManualClock(Date.UTC(2026, 10, 23, 15, 0, 0)) });
    const s = await sandboxSession(inHours);
    try {
      deps = { session: s, logger };
      const p = prepareLaunch({ text: requestText({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Ana' }, Attributes: { firstName: 'Ana' } }), env: {} });
      if (!p.ok) throw new Error(p.message);
      const chat = await LiveChat.launch(deps, { input: p.input, clientToken: p.clientToken, origin: demoOrigin() });
      chats.push(chat);
      await chat.until((r) => hasText(r, GREETING), 5000);
      await chat.reply('talk to an agent');
      assert.ok(await chat.until((r) => r.state === 'queued', 8000), 'queued after the transfer');
      assert.ok(chat.record.contact?.queue?.enqueueTimestamp);
      assert.ok(hasText(chat.record, "Thanks Ana, you're in the queue. An agent will be with you shortly."));
      noDuplicates(chat.record);
      chat.dispose();
    } finally {
      s.dispose();
      await inHours.close();
    }
  });

  it('reconnects after a drop even when CreateParticipantConnection fails for a while (backoff), then backfills', async () => {
    const chat = await launch();
    await chat.until((r) => hasText(r, GREETING), 5000);
    // Four 500s: the SDK's three attempts of the first reconnect fail, the next reconnect works.
    sb.setFaults([{ operation: 'CreateParticipantConnection', kind: 'error', status: 500, count: 4 }]);
    sb.dropSockets(chat.record.contactId!);
    await chat.reply('where is my order');
    await waitFor(() => logger.lines.filter((l) => l.includes(': connected (')).length === 2, 'the reconnect');
    assert.equal(sb.listFaults()[0].applied, 4);
    assert.ok(await chat.until((r) => hasText(r, 'Sure. What is your order number?'), 5000));
    assert.equal(chat.record.state, 'connected');
    noDuplicates(chat.record);
    assert.deepEqual(ids(chat.record.transcript), sandboxIds(chat.record.contactId!));
  });

  it("typing events are not stored; the customer's own typing is not reported to onTyping", async () => {
    const chat = await launch();
    await chat.until((r) => hasText(r, GREETING), 5000);
    const typing: unknown[] = [];
    chat.onTyping((e) => typing.push(e));
    const other = new ConnectParticipantClient({ region: 'us-east-1', endpoint: sb.url, credentials: { accessKeyId: '', secretAccessKey: '' } });
    try {
      await other.send(new SendEventCommand({ ConnectionToken: chat.secrets()!.connectionToken!, ContentType: 'application/vnd.amazonaws.connect.event.typing' }));
    } finally {
      other.destroy();
    }
    await chat.reply('where is my order');
    assert.ok(await chat.until((r) => hasText(r, 'Sure. What is your order number?'), 5000));
    assert.ok(!chat.record.transcript.some((i) => i.ContentType.endsWith('.typing')));
    assert.deepEqual(typing, []);
  });

  it('resumes from record + secrets after a reload: what was said meanwhile is backfilled, then it goes on live', async () => {
    const first = await launch();
    await first.until((r) => hasText(r, GREETING), 5000);
    const saved = structuredClone(first.record);
    const secrets = first.secrets()!;
    first.dispose();
    // While nobody listens, the customer's message (sent by another client) gets the bot's answer.
    const other = new ConnectParticipantClient({ region: 'us-east-1', endpoint: sb.url, credentials: { accessKeyId: '', secretAccessKey: '' } });
    try {
      await other.send(new SendMessageCommand({ ConnectionToken: secrets.connectionToken!, ContentType: 'text/plain', Content: 'where is my order' }));
    } finally {
      other.destroy();
    }
    await waitFor(() => sb.getContact(saved.contactId!)!.transcript.some((i) => i.Content === 'Sure. What is your order number?'), 'the bot answer');
    const chat = await LiveChat.resume(deps, saved, secrets);
    chats.push(chat);
    assert.equal(chat.record.id, saved.id);
    assert.ok(hasText(chat.record, 'Sure. What is your order number?'), 'backfilled');
    assert.equal(chat.record.state, 'connected');
    await chat.reply('12345');
    assert.ok(await chat.until((r) => r.state === 'ended', 5000));
    noDuplicates(chat.record);
    assert.deepEqual(ids(chat.record.transcript), sandboxIds(chat.record.contactId!));
  });

  it('resume marks a chat ended when it ended meanwhile, or its token no longer works', async () => {
    const chat = await launch();
    await chat.until((r) => hasText(r, GREETING), 5000);
    const saved = structuredClone(chat.record);
    const secrets = chat.secrets()!;
    await chat.end();
    const resumed = await LiveChat.resume(deps, saved, secrets);
    chats.push(resumed);
    assert.equal(resumed.record.state, 'ended');
    const bogus = await LiveChat.resume(deps, { ...structuredClone(saved), id: 'x' }, { participantToken: 'not-a-token' });
    chats.push(bogus);
    assert.equal(bogus.record.state, 'ended');
  });

  it('end(): the customer leaves and the contact stops', async () => {
    const chat = await launch();
    await chat.until((r) => hasText(r, GREETING), 5000);
    const result = await chat.endWithResult();
    assert.equal(result.disconnected, true);
    // The support bot's contact ends when the customer leaves, so StopContact finds nothing to stop.
    assert.equal(result.note, undefined);
    assert.equal(chat.record.state, 'ended');
    assert.equal(sb.getContact(chat.record.contactId!)!.status, 'ENDED');
    await assert.rejects(chat.reply('still there?'), /over; messages can no longer be sent/);
  });

  it('end(): StopContact refused (AccessDenied) is reported politely, the customer still leaves', async () => {
    const chat = await launch();
    await chat.until((r) => hasText(r, GREETING), 5000);
    sb.setFaults([{ operation: 'StopContact', kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'not allowed' }]);
    const result = await chat.endWithResult();
    assert.equal(result.disconnected, true);
    assert.equal(result.stopped, false);
    assert.match(result.note ?? '', /may not call connect:StopContact/);
    assert.equal(chat.record.state, 'ended');
  });

  it('continues an ended chat as a persistent chat (PersistentChat.SourceContactId + RehydrationType)', async () => {
    const first = await launch();
    await first.until((r) => hasText(r, GREETING), 5000);
    await first.end();
    const second = await launch({}, DEMO_FLOWS.supportBot, { continuedFrom: first.record.contactId!, rehydrationType: 'ENTIRE_PAST_SESSION' });
    assert.equal(second.record.state, 'connected', second.record.error?.message);
    assert.equal(second.record.continuedFrom, first.record.contactId);
    assert.equal(second.record.rehydrationType, 'ENTIRE_PAST_SESSION');
    assert.notEqual(second.record.contactId, first.record.contactId);
    assert.ok(await second.until((r) => r.transcript.filter((i) => i.Content === GREETING).length === 2, 5000), 'the past session and the new one');
    assert.ok(second.record.transcript.some((i) => i.RelatedContactId === first.record.contactId), 'past items are marked');
    // The past session's chat.ended does not end the new chat.
    assert.equal(second.record.state, 'connected');
    noDuplicates(second.record);
  });

  it('answers an interactive ListPicker with the chosen title (text/plain), and refuses an option it does not have', async () => {
    const chat = await launch({ SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] }, DEMO_FLOWS.helpMenu);
    assert.ok(await chat.until((r) => r.transcript.some((i) => i.ContentType === INTERACTIVE), 5000));
    const menu = chat.record.transcript.find((i) => i.ContentType === INTERACTIVE)!;
    const view = presentItem(menu);
    assert.equal(view.kind, 'interactive');
    assert.equal(view.interactive?.templateType, 'ListPicker');
    assert.deepEqual(view.interactive?.options.map((o) => o.title), ['Track an order', 'Start a return', 'Talk to an agent']);
    await assert.rejects(chat.choose(menu.Id, 'Purple elephants'), /is not an option of "What can we help you with\?"; choose one of "Track an order"/);
    await chat.choose(menu.Id, 'Track an order');
    assert.ok(await chat.until((r) => hasText(r, 'You can track any order at example.com/orders with its order number.'), 5000));
    const answer = chat.record.transcript.find((i) => i.ParticipantRole === 'CUSTOMER' && i.Type === 'MESSAGE')!;
    assert.equal(answer.ContentType, 'text/plain');
    assert.equal(answer.Content, 'Track an order');
    assert.equal(sb.getContact(chat.record.contactId!)!.attributes.menuChoice, 'TrackOrder');
  });

  it('answers with an interactive.response when the chat listed that content type', async () => {
    const RESPONSE = 'application/vnd.amazonaws.connect.message.interactive.response';
    const chat = await launch({ SupportedMessagingContentTypes: ['text/plain', INTERACTIVE, RESPONSE] }, DEMO_FLOWS.helpMenu);
    assert.ok(await chat.until((r) => r.transcript.some((i) => i.ContentType === INTERACTIVE), 5000));
    assert.deepEqual(chat.record.contentTypes, ['text/plain', INTERACTIVE, RESPONSE]);
    const menu = chat.record.transcript.find((i) => i.ContentType === INTERACTIVE)!;
    await chat.choose(menu.Id, 'Start a return');
    assert.ok(await chat.until((r) => hasText(r, 'Returns are free within 30 days. Start one at example.com/returns.'), 5000));
    const answer = chat.record.transcript.find((i) => i.ParticipantRole === 'CUSTOMER' && i.Type === 'MESSAGE')!;
    assert.equal(answer.ContentType, RESPONSE);
    const content = JSON.parse(answer.Content!) as { templateType: string; data: { content: { title: string } } };
    assert.equal(content.templateType, 'ListPicker');
    assert.equal(content.data.content.title, 'Start a return');
    assert.equal(presentItem(answer).text, 'Start a return', 'the tree shows what was chosen');
  });

  it('sendTyping(): one typing event per 10 s, accepted by the service and never stored', async () => {
    const chat = await launch();
    assert.ok(await chat.until((r) => hasText(r, GREETING), 5000));
    assert.equal(await chat.sendTyping(), true);
    assert.equal(await chat.sendTyping(), false, 'a second event within 10 s is throttled');
    const state = sb.getContact(chat.record.contactId!)!;
    assert.ok(!state.transcript.some((i) => i.ContentType.endsWith('.typing')), 'typing is not part of the transcript');
    assert.ok(!chat.record.transcript.some((i) => i.ContentType.endsWith('.typing')));
  });

  it('refresh(): contact details, attributes and the flow trace', async () => {
    const chat = await launch({ CustomerId: 'cust-42', Attributes: { firstName: 'Ana' } });
    await chat.until((r) => hasText(r, GREETING), 5000);
    const { problems } = await chat.refreshWithResult();
    assert.deepEqual(problems, []);
    const r = chat.record;
    assert.equal(r.contact?.channel, 'CHAT');
    assert.ok(r.contact?.initiationTimestamp && !Number.isNaN(Date.parse(r.contact.initiationTimestamp)));
    assert.equal(r.contact?.disconnectTimestamp, undefined);
    assert.equal(r.contactAttributes?.firstName, 'Ana');
    assert.equal(r.contactAttributes?.customerId, 'cust-42');
    assert.equal(r.contactAttributes?.entryFlow, 'SupportBot');
    assert.deepEqual(r.traceStatus, { kind: 'ok' });
    assert.ok(r.trace && r.trace.length >= 3, 'a record per block run');
    assert.ok(r.trace.every((t) => t.ContactId === r.contactId));
    const times = r.trace.map((t) => Date.parse(t.Timestamp));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.ok(r.trace.some((t) => t.Identifier === 'a81c5e27-0b3d-4f69-8e12-7c4d9b0f3a65'), 'the Set contact attributes block');
    await chat.end();
    await chat.refresh();
    assert.ok(chat.record.contact?.disconnectTimestamp);
  });

  it('a failed launch is a record in state failed with a clear, token-free error', async () => {
    const chat = await launch({}, '00000000-0000-4000-8000-000000000000');
    assert.equal(chat.record.state, 'failed');
    assert.equal(chat.record.contactId, undefined);
    assert.ok(chat.record.error?.message && !chat.record.error.message.includes('\n'));
    assert.match(chat.record.error.message, /not found|does not exist|ContactFlowId/i);
    assert.ok(chat.record.error.fix);
    assert.equal(chat.secrets(), undefined);
  });

  it('a launch cancelled after the contact started fails as cancelled, and the contact is stopped', async () => {
    const controller = new AbortController();
    sb.setFaults([{ operation: 'CreateParticipantConnection', kind: 'latency', latencyMs: 3000 }]);
    const p = prepareLaunch({ text: requestText({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Ana' } }), env: {} });
    if (!p.ok) throw new Error(p.message);
    const before = sb.listContacts().length;
    const pending = LiveChat.launch(deps, { input: p.input, clientToken: p.clientToken, origin: demoOrigin(), signal: controller.signal });
    // Cancel while connecting: once CreateParticipantConnection has reached the sandbox (the latency
    // rule counts it on arrival), the client has read StartChatContact's answer and knows the contact.
    await waitFor(() => sb.listFaults()[0]?.applied === 1, 'CreateParticipantConnection to arrive');
    const contactId = await waitFor(() => sb.listContacts().length === before + 1 && sb.listContacts().at(-1)!.contactId, 'the contact');
    controller.abort();
    const chat = await pending;
    chats.push(chat);
    assert.equal(chat.record.state, 'failed');
    assert.equal(chat.record.error?.diagnosticCode, 'cancelled');
    assert.equal(chat.record.contactId, contactId);
    await waitFor(() => sb.getContact(contactId)!.status === 'ENDED', 'the contact to be stopped');
  });

  it('a launch whose CreateParticipantConnection keeps failing is failed, naming the call', async () => {
    sb.setFaults([{ operation: 'CreateParticipantConnection', kind: 'error', status: 500 }]);
    const chat = await launch();
    assert.equal(chat.record.state, 'failed');
    assert.ok(chat.record.contactId, 'the contact was started');
    assert.match(chat.record.error?.message ?? '', /internal error/);
  });
});
