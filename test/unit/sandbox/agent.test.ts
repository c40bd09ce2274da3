/**
 * Issue 12 items 4 and 5: an agent answers a queued chat (simulated from agents.json, or by hand
 * through the admin API and the handle), and the realistic pace. The customer side is the AWS SDK
 * v3 plus a chatjs-style WebSocket; time moves only through the ManualClock.
 */
import { DescribeContactCommand, StartChatContactCommand } from '@aws-sdk/client-connect';
import { DisconnectParticipantCommand, GetTranscriptCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ManualClock, startSandbox, startSandboxWithFlows, type SandboxHandle } from '../../../src/sandbox';
import { clients, DEMO_FLOWS, DEMO_INSTANCE_ID, openSocket, raw, startChat, waitFor, type OpenSocket } from './support';

const EV = 'application/vnd.amazonaws.connect.event.';
const SUPPORT = { id: 'q-support', arn: 'arn:aws:connect:us-east-1:000000000000:instance/x/queue/q-support', name: 'Support' };
const AGENTS_DIR = join(__dirname, '../../../../test/fixtures/sandbox/agents');

type Item = Record<string, unknown>;
const agentItems = (s: OpenSocket): Item[] => s.items.filter((i) => i.ParticipantRole === 'AGENT');
const brief = (i: Item) => (i.Type === 'MESSAGE' ? `${String(i.DisplayName)}: ${String(i.Content)}` : String(i.ContentType).replace(EV, ''));

describe('sandbox: an agent answers a queued chat', function () {
  this.timeout(30_000);
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  let clock: ManualClock;
  const instanceId = () => sb.instances.find((i) => i.alias === 'local')!.id;
  const flowId = () => sb.instances.find((i) => i.alias === 'local')!.flows.find((f) => f.name === 'To An Agent')!.id;

  beforeEach(async () => {
    clock = new ManualClock();
    sb = await startSandboxWithFlows({ clock, flowsDir: AGENTS_DIR, flowRuntime: { findQueue: (_i, ref) => (ref === 'Support' ? SUPPORT : undefined) } });
    c = clients(sb, 1);
  });
  afterEach(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  it('a simulated agent from agents.json joins after N seconds, greets, answers from its script and leaves', async () => {
    const chat = await startChat(c, { InstanceId: instanceId(), ContactFlowId: flowId() });
    const socket = await openSocket(chat.websocketUrl);
    try {
      clock.advance(4_999);
      assert.deepEqual(agentItems(socket), [], 'no agent before joinAfterSeconds');
      let d = await c.connect.send(new DescribeContactCommand({ InstanceId: instanceId(), ContactId: chat.contactId }));
      assert.equal(d.Contact?.AgentInfo, undefined);
      assert.equal(d.Contact?.QueueInfo?.Id, SUPPORT.id);
      clock.advance(1);
      await waitFor(() => agentItems(socket).length >= 2, 'the join and the greeting');
      const [joined, greeting] = agentItems(socket);
      assert.equal(joined.Type, 'EVENT');
      assert.equal(joined.ContentType, `${EV}participant.joined`);
      assert.equal(joined.DisplayName, 'Sam');
      assert.equal(greeting.Type, 'MESSAGE');
      assert.equal(greeting.Content, 'Hi, Sam here.');
      assert.equal(greeting.ParticipantId, joined.ParticipantId);
      d = await c.connect.send(new DescribeContactCommand({ InstanceId: instanceId(), ContactId: chat.contactId }));
      assert.equal(d.Contact?.AgentInfo?.Id, joined.ParticipantId);
      assert.ok(d.Contact?.AgentInfo?.ConnectedToAgentTimestamp instanceof Date);

      await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'Where is order A-77?' }));
      await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'Great, thanks' }));
      await waitFor(() => socket.items.some((i) => i.ContentType === `${EV}chat.ended`), 'the chat to end');
      assert.deepEqual(agentItems(socket).map(brief), [
        'participant.joined',
        'Sam: Hi, Sam here.',
        'typing',
        'Sam: Let me check that order.',
        'typing',
        'Sam: It ships tomorrow.',
        'Sam: Thanks, bye!',
        'participant.left',
      ]);
      const typing = agentItems(socket).find((i) => i.ContentType === `${EV}typing`)!;
      assert.equal(typing.Content, undefined, 'typing events carry no Content');
      const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, MaxResults: 100 }));
      assert.ok(!t.Transcript!.some((i) => i.ContentType === `${EV}typing`), 'typing is not kept in the transcript');
      assert.equal(sb.getContact(chat.contactId)?.status, 'ENDED');
      d = await c.connect.send(new DescribeContactCommand({ InstanceId: instanceId(), ContactId: chat.contactId }));
      assert.equal(d.Contact?.DisconnectReason, 'AGENT_DISCONNECT');
    } finally {
      socket.ws.terminate();
    }
  });

  it('is driven by hand through POST /sandbox/contacts/{id}/agent; without DisconnectOnCustomerExit the agent outlives the customer', async () => {
    const chat = await startChat(c, { InstanceId: instanceId(), ContactFlowId: flowId() });
    const socket = await openSocket(chat.websocketUrl);
    try {
      const post = (body: unknown) => raw(sb, 'POST', `/sandbox/contacts/${chat.contactId}/agent`, JSON.stringify(body));
      assert.equal((await post({ action: 'send', text: 'too early' })).status, 400, 'no agent has joined yet');
      const joined = await post({ action: 'join', name: 'Ana' });
      assert.equal(joined.status, 200, joined.body);
      assert.equal((await post({ action: 'join' })).status, 400, 'one agent at a time');
      assert.equal((await post({ action: 'typing' })).status, 200);
      assert.equal((await post({ action: 'send', text: 'Hello, Ana here.' })).status, 200);
      assert.equal((await post({ action: 'dance' })).status, 400);
      await waitFor(() => agentItems(socket).length === 3, 'join, typing and message');
      assert.deepEqual(agentItems(socket).map(brief), ['participant.joined', 'typing', 'Ana: Hello, Ana here.']);
      assert.equal(agentItems(socket)[0].ParticipantId, joined.json().participantId);
      // The simulated Sam (5 s) does not barge in on a chat someone already answered.
      clock.advance(10_000);
      assert.equal(agentItems(socket).length, 3);

      await c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken }));
      assert.equal(sb.getContact(chat.contactId)?.status, 'ACTIVE', 'the agent is still on the contact');
      sb.agentSend(chat.contactId, 'Anything else?');
      sb.agentLeave(chat.contactId);
      assert.equal(sb.getContact(chat.contactId)?.status, 'ENDED');
      assert.throws(() => sb.agentSend(chat.contactId, 'late'), /ended/);
    } finally {
      socket.ws.terminate();
    }
  });

  it('honours DisconnectOnCustomerExit: ["AGENT"]: the customer leaving disconnects the agent and ends the contact', async () => {
    const chat = await startChat(c, { InstanceId: instanceId(), ContactFlowId: flowId(), DisconnectOnCustomerExit: ['AGENT'] });
    const socket = await openSocket(chat.websocketUrl);
    try {
      const { participantId } = sb.agentJoin(chat.contactId, 'Ana');
      await c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken }));
      const state = sb.getContact(chat.contactId)!;
      assert.equal(state.status, 'ENDED');
      const agent = state.participants.find((p) => p.participantId === participantId);
      assert.ok(agent?.left, 'the agent was disconnected with the customer');
    } finally {
      socket.ws.terminate();
    }
  });

  it('refuses an agent for a contact that never reached a queue, and for an unknown contact', async () => {
    const plain = await startSandbox();
    const pc = clients(plain, 1);
    try {
      const s = await pc.connect.send(new StartChatContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.orderStatus, ParticipantDetails: { DisplayName: 'X' } }));
      const r = await raw(plain, 'POST', `/sandbox/contacts/${s.ContactId!}/agent`, JSON.stringify({ action: 'join' }));
      assert.equal(r.status, 400);
      assert.match(String(r.json().Message), /queue/);
      assert.equal((await raw(plain, 'POST', '/sandbox/contacts/nope/agent', JSON.stringify({ action: 'join' }))).status, 404);
    } finally {
      pc.connect.destroy();
      pc.participant.destroy();
      await plain.close();
    }
  });
});

describe('sandbox: the realistic pace', function () {
  this.timeout(30_000);

  it('delays flow messages and bot replies on the sandbox clock and sends typing before a bot reply', async () => {
    const clock = new ManualClock();
    const sb = await startSandboxWithFlows({ clock, pace: 'realistic' });
    const c = clients(sb, 1);
    try {
      const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.supportBot });
      const socket = await openSocket(chat.websocketUrl);
      const system = () => socket.items.filter((i) => i.ParticipantRole === 'SYSTEM' && (i.Type === 'MESSAGE' || i.ContentType === `${EV}typing`));
      try {
        assert.deepEqual(system(), [], 'nothing from the flow before its latency');
        clock.advance(399);
        assert.deepEqual(system(), []);
        clock.advance(1);
        await waitFor(() => system().length === 1, 'the welcome message at 400 ms');
        assert.equal(system()[0].DisplayName, 'SYSTEM_MESSAGE');
        clock.advance(399);
        assert.equal(system().length, 1, 'the Lex block prompt follows 400 ms after the welcome');
        clock.advance(1);
        await waitFor(() => system().length === 2, 'the Lex prompt');
        await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'where is my order' }));
        assert.equal(system().length, 2, 'the bot reply is not instant');
        clock.advance(300);
        await waitFor(() => system().length === 3, 'the bot typing');
        assert.equal(system()[2].ContentType, `${EV}typing`);
        assert.equal(system()[2].DisplayName, 'BOT');
        clock.advance(1199);
        assert.equal(system().length, 3, 'the bot reply is still on its way');
        clock.advance(1);
        await waitFor(() => system().length === 4, 'the bot reply');
        assert.equal(system()[3].Type, 'MESSAGE');
        assert.equal(system()[3].DisplayName, 'BOT');
        const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, MaxResults: 100 }));
        assert.ok(!t.Transcript!.some((i) => i.ContentType === `${EV}typing`), 'typing is not kept');
      } finally {
        socket.ws.terminate();
      }
    } finally {
      c.connect.destroy();
      c.participant.destroy();
      await sb.close();
    }
  });

  it('stays instant by default', async () => {
    const clock = new ManualClock();
    const sb = await startSandboxWithFlows({ clock });
    const c = clients(sb, 1);
    try {
      const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.supportBot });
      await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'where is my order' }));
      const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, MaxResults: 100 }));
      assert.equal(t.Transcript!.filter((i) => i.ParticipantRole === 'SYSTEM' && i.Type === 'MESSAGE').length, 3, 'welcome, prompt and bot reply, at once');
      assert.ok(!t.Transcript!.some((i) => i.ContentType === `${EV}typing`));
    } finally {
      c.connect.destroy();
      c.participant.destroy();
      await sb.close();
    }
  });

  it('rejects an unknown pace', async () => {
    await assert.rejects(startSandbox({ pace: 'slow' as 'instant' }), /pace/);
  });
});
