/**
 * Receipts as the Participant Service sends them (chat-extras §5.1): the sandbox's agents (the
 * demo's simulated Sam on the Concierge flow, an agents.json agent, an agent driven through the
 * admin API) report DELIVERED and READ for the customer's messages, which the customer receives as
 * MESSAGEMETADATA items on its WebSocket and finds folded into GetTranscript. Also the Concierge
 * demo flow: a ListPicker that branches to a TimePicker, a QuickReply or the agent queue.
 * Customer side: the AWS SDK v3 and a chatjs-style WebSocket; time moves through the ManualClock.
 */
import { GetTranscriptCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ManualClock, startSandboxWithFlows, type SandboxHandle } from '../../../src/sandbox';
import { clients, DEMO_FLOWS, openSocket, raw, startChat, waitFor, type OpenSocket, type StartedChat } from './support';

const EV = 'application/vnd.amazonaws.connect.event.';
const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
const AGENTS_DIR = join(__dirname, '../../../../test/fixtures/sandbox/agents');
const SUPPORT = { id: 'q-support', arn: 'arn:aws:connect:us-east-1:000000000000:instance/x/queue/q-support', name: 'Support' };

type Item = Record<string, unknown>;
interface Meta {
  MessageId: string;
  Receipts?: Array<{ DeliveredTimestamp?: string; ReadTimestamp?: string; RecipientParticipantId: string }>;
}
const metaOf = (i: Item) => i.MessageMetadata as Meta | undefined;
const receiptsFor = (s: OpenSocket, messageId: string) => s.items.filter((i) => i.Type === 'MESSAGEMETADATA' && metaOf(i)?.MessageId === messageId);
const readBy = (s: OpenSocket, messageId: string, reader: string) => receiptsFor(s, messageId).some((i) => metaOf(i)?.Receipts?.some((r) => r.RecipientParticipantId === reader && r.ReadTimestamp));
const deliveredTo = (s: OpenSocket, messageId: string, reader: string) =>
  receiptsFor(s, messageId).some((i) => metaOf(i)?.Receipts?.some((r) => r.RecipientParticipantId === reader && r.DeliveredTimestamp));

describe('sandbox: agents send delivered and read receipts; the Concierge demo flow', function () {
  this.timeout(30_000);
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  let clock: ManualClock;

  afterEach(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  const say = async (chat: StartedChat, Content: string): Promise<string> =>
    (await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content }))).Id!;
  const transcript = async (chat: StartedChat) =>
    (await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, MaxResults: 100, ScanDirection: 'FORWARD', SortOrder: 'ASCENDING' }))).Transcript!;
  const message = (s: OpenSocket, text: string) => waitFor(() => s.items.find((i) => i.Type === 'MESSAGE' && i.Content === text), `"${text}" on the WebSocket`);

  describe('the demo instance', () => {
    beforeEach(async () => {
      clock = new ManualClock();
      sb = await startSandboxWithFlows({ clock });
      c = clients(sb, 1);
    });

    it('Concierge: "Talk to an agent" queues the chat, Sam joins, and each customer message gets DELIVERED then READ before Sam types', async () => {
      const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.concierge, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] });
      const socket = await openSocket(chat.websocketUrl);
      try {
        // The flow's first messages were sent before the socket connected: read them from the transcript.
        const menu = (await transcript(chat)).find((i) => i.ContentType === INTERACTIVE);
        assert.equal((JSON.parse(String(menu?.Content)) as { templateType: string }).templateType, 'ListPicker');
        const choice = await say(chat, 'Talk to an agent');
        await message(socket, 'Connecting you to an agent at the concierge desk.');
        // Before an agent is in the chat, nobody reports receipts.
        assert.deepEqual(receiptsFor(socket, choice), []);
        clock.advance(1000);
        const joined = await waitFor(() => socket.items.find((i) => i.ContentType === `${EV}participant.joined` && i.ParticipantRole === 'AGENT'), 'Sam joining');
        assert.equal(joined.DisplayName, 'Sam');
        await message(socket, 'Hi, Sam from the concierge desk here. What can I do for you?');
        const sam = String(joined.ParticipantId);

        const question = await say(chat, 'Can you hold a jacket for me?');
        await waitFor(() => readBy(socket, question, sam), 'the read receipt');
        const reply = await message(socket, 'Thanks, let me look into that for you.');
        const kinds = socket.items
          .filter((i) => (i.Type === 'MESSAGEMETADATA' && metaOf(i)?.MessageId === question) || i === reply || (i.ContentType === `${EV}typing` && i.ParticipantRole === 'AGENT'))
          .map((i) => (i.Type === 'MESSAGEMETADATA' ? (metaOf(i)!.Receipts![0].ReadTimestamp ? 'read' : 'delivered') : i === reply ? 'reply' : 'typing'));
        assert.deepEqual(kinds, ['delivered', 'read', 'typing', 'reply'], 'the order the customer sees');
        const first = receiptsFor(socket, question)[0];
        assert.equal(first.ContentType, `${EV}message.metadata`);
        assert.equal(first.Content, undefined, 'a receipt item carries no Content');
        assert.equal(first.ContactId, chat.contactId);
        assert.equal(metaOf(first)!.Receipts!.length, 1, 'one receipt per reader');
        assert.ok(deliveredTo(socket, question, sam));

        // GetTranscript folds the receipts into the message's MessageMetadata.
        const asked = (await transcript(chat)).find((i) => i.Id === question)!;
        const r = asked.MessageMetadata?.Receipts?.find((x) => x.RecipientParticipantId === sam);
        assert.ok(r?.DeliveredTimestamp && r.ReadTimestamp, JSON.stringify(asked.MessageMetadata));
        assert.ok(!(await transcript(chat)).some((i) => String(i.Type) === 'MESSAGEMETADATA'), 'receipt items are not transcript items');
      } finally {
        socket.ws.terminate();
      }
    });

    it('Concierge: a TimePicker for a fitting and a QuickReply for gift wrapping, each branching on the answer', async () => {
      const fitting = await startChat(c, { ContactFlowId: DEMO_FLOWS.concierge, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] });
      const s1 = await openSocket(fitting.websocketUrl);
      const wrap = await startChat(c, { ContactFlowId: DEMO_FLOWS.concierge, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] });
      const s2 = await openSocket(wrap.websocketUrl);
      type T = { templateType: string; data: { content: { timeslots?: Array<{ date: string }>; elements?: Array<{ title: string }> } } };
      const template = async (s: OpenSocket, type: string) =>
        JSON.parse(String((await waitFor(() => s.items.find((i) => i.ContentType === INTERACTIVE && String(i.Content).includes(`"${type}"`)), type)).Content)) as T;
      try {
        await say(fitting, 'Book a fitting');
        const times = await template(s1, 'TimePicker');
        const slots = times.data.content.timeslots!.map((t) => t.date);
        assert.equal(slots.length, 2);
        await say(fitting, slots[1]);
        await message(s1, 'Booked: your fitting is on the afternoon of 5 January. See you then!');

        await say(wrap, 'Gift wrapping');
        const quick = await template(s2, 'QuickReply');
        assert.deepEqual(quick.data.content.elements!.map((e) => e.title), ['Classic', 'Festive']);
        await say(wrap, 'Festive');
        await message(s2, 'Festive it is: red paper and a bow, for $2.');
        await waitFor(() => s2.items.some((i) => i.ContentType === `${EV}chat.ended`), 'the flow to end the chat');
      } finally {
        s1.ws.terminate();
        s2.ws.terminate();
      }
    });
  });

  describe('an agents.json agent and one driven through the admin API', () => {
    beforeEach(async () => {
      clock = new ManualClock();
      sb = await startSandboxWithFlows({ clock, flowsDir: AGENTS_DIR, flowRuntime: { findQueue: (_i, ref) => (ref === 'Support' ? SUPPORT : undefined) } });
      c = clients(sb, 1);
    });
    const local = () => sb.instances.find((i) => i.alias === 'local')!;

    it('the admin-API agent reports DELIVERED at once and READ when it next types or answers', async () => {
      const chat = await startChat(c, { InstanceId: local().id, ContactFlowId: local().flows.find((f) => f.name === 'To An Agent')!.id });
      const socket = await openSocket(chat.websocketUrl);
      try {
        const post = (body: unknown) => raw(sb, 'POST', `/sandbox/contacts/${chat.contactId}/agent`, JSON.stringify(body));
        const joined = await post({ action: 'join', name: 'Ana' });
        assert.equal(joined.status, 200, joined.body);
        const ana = String(joined.json().participantId);
        const first = await say(chat, 'Hello?');
        const second = await say(chat, 'Anyone there?');
        await waitFor(() => deliveredTo(socket, first, ana) && deliveredTo(socket, second, ana), 'both delivered');
        assert.ok(!readBy(socket, first, ana) && !readBy(socket, second, ana), 'not read before the agent acts');
        assert.equal((await post({ action: 'send', text: 'Hi, Ana here.' })).status, 200);
        await waitFor(() => readBy(socket, first, ana) && readBy(socket, second, ana), 'both read');
        const order = socket.items.filter((i) => (i.Type === 'MESSAGEMETADATA' && readBy({ ...socket, items: [i] }, second, ana)) || i.Content === 'Hi, Ana here.').map((i) => i.Type);
        assert.deepEqual(order, ['MESSAGEMETADATA', 'MESSAGE'], 'read before the answer');
        const third = await say(chat, 'Thanks');
        await waitFor(() => deliveredTo(socket, third, ana), 'delivered');
        assert.equal((await post({ action: 'typing' })).status, 200);
        await waitFor(() => readBy(socket, third, ana), 'read when the agent types');
      } finally {
        socket.ws.terminate();
      }
    });

    it('messages sent before the agent joined are delivered to it on join; the read action reads them', async () => {
      const chat = await startChat(c, { InstanceId: local().id, ContactFlowId: local().flows.find((f) => f.name === 'To An Agent')!.id });
      const socket = await openSocket(chat.websocketUrl);
      try {
        const post = (body: unknown) => raw(sb, 'POST', `/sandbox/contacts/${chat.contactId}/agent`, JSON.stringify(body));
        // While the chat waits in the queue, nobody is there to report receipts.
        const early = await say(chat, 'Is anyone there?');
        assert.deepEqual(receiptsFor(socket, early), []);
        const joined = await post({ action: 'join', name: 'Ana' });
        assert.equal(joined.status, 200, joined.body);
        const ana = String(joined.json().participantId);
        // The agent's client loads the chat so far: the early message is delivered to it, once.
        await waitFor(() => deliveredTo(socket, early, ana), 'the early message delivered on join');
        assert.ok(!readBy(socket, early, ana), 'not read before the agent reads');
        // The read action: READ receipts for what the customer sent, without a message or typing.
        const read = await post({ action: 'read' });
        assert.equal(read.status, 200, read.body);
        assert.equal(read.json().read, 1);
        await waitFor(() => readBy(socket, early, ana), 'the early message read');
        assert.equal(receiptsFor(socket, early).length, 2, 'one DELIVERED and one READ, no repeats');
        assert.ok(!socket.items.some((i) => i.ParticipantRole === 'AGENT' && (i.Type === 'MESSAGE' || i.ContentType === `${EV}typing`)), 'reading sends nothing else');
        // Nothing left to read: a second read reads nothing.
        assert.equal((await post({ action: 'read' })).json().read, 0);
      } finally {
        socket.ws.terminate();
      }
    });

    it('an agents.json agent reads each message it answers', async () => {
      const chat = await startChat(c, { InstanceId: local().id, ContactFlowId: local().flows.find((f) => f.name === 'To An Agent')!.id });
      const socket = await openSocket(chat.websocketUrl);
      try {
        clock.advance(5000);
        await message(socket, 'Hi, Sam here.');
        const id = await say(chat, 'Where is order A-77?');
        await message(socket, 'Let me check that order.');
        assert.ok(readBy(socket, id, String(socket.items.find((i) => i.ContentType === `${EV}participant.joined` && i.ParticipantRole === 'AGENT')!.ParticipantId)));
      } finally {
        socket.ws.terminate();
      }
    });
  });
});
