import { GetTranscriptCommand, SendMessageCommand, type Item } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { startSandboxWithFlows, type SandboxHandle } from '../../../src/sandbox';
import { clients, DEMO_FLOWS, openSocket, startChat, waitFor, type StartedChat } from './support';

const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
const RESPONSE = 'application/vnd.amazonaws.connect.message.interactive.response';

interface Template {
  templateType: string;
  version: string;
  data: { content: { title: string; elements: Array<{ title: string }> }; replyMessage?: { title: string } };
}

describe('sandbox demo: the interactive Help Menu flow', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  before(async () => {
    sb = await startSandboxWithFlows();
    c = clients(sb, 1);
  });
  after(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  const transcript = async (chat: StartedChat): Promise<Item[]> =>
    (await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, MaxResults: 100, ScanDirection: 'FORWARD', SortOrder: 'ASCENDING' }))).Transcript!;
  const botMessage = (chat: StartedChat) => waitFor(() => sb.getContact(chat.contactId)!.transcript.find((i) => i.DisplayName === 'BOT'), 'the menu');
  const say = (chat: StartedChat, Content: string, ContentType = 'text/plain') =>
    c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType, Content }));
  const finished = (chat: StartedChat) => waitFor(() => sb.getContact(chat.contactId)!.status === 'ENDED', 'the flow to end');
  const flowTexts = (chat: StartedChat) => sb.getContact(chat.contactId)!.transcript.filter((i) => i.Type === 'MESSAGE' && i.ParticipantRole === 'SYSTEM').map((i) => i.Content);

  it('sends a ListPicker as SYSTEM/BOT when the chat lists the interactive type, and branches on the tapped title (text/plain)', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.helpMenu, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE, RESPONSE] });
    const socket = await openSocket(chat.websocketUrl);
    try {
      await botMessage(chat);
      const items = await transcript(chat);
      const menu = items.find((i) => i.ContentType === INTERACTIVE)!;
      assert.equal(menu.Type, 'MESSAGE');
      assert.equal(menu.ParticipantRole, 'SYSTEM');
      assert.equal(menu.DisplayName, 'BOT');
      const t = JSON.parse(menu.Content!) as Template;
      assert.equal(t.templateType, 'ListPicker');
      assert.equal(t.version, '1.0');
      assert.equal(t.data.content.title, 'What can we help you with?');
      assert.deepEqual(t.data.content.elements.map((e) => e.title), ['Track an order', 'Start a return', 'Talk to an agent']);
      assert.equal(t.data.replyMessage?.title, 'Thanks for choosing!');
      await say(chat, 'Track an order');
      await waitFor(() => socket.items.some((i) => i.Content === 'You can track any order at example.com/orders with its order number.'), 'the answer on the WebSocket');
      await finished(chat);
      assert.deepEqual(flowTexts(chat).slice(-1), ['You can track any order at example.com/orders with its order number.']);
      assert.equal(sb.getContact(chat.contactId)!.attributes.menuChoice, 'TrackOrder');
    } finally {
      socket.ws.terminate();
    }
  });

  it('accepts the answer as an interactive.response message too', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.helpMenu, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE, RESPONSE] });
    await botMessage(chat);
    await say(chat, JSON.stringify({ templateType: 'ListPicker', version: '1.0', data: { content: { title: 'Start a return' } } }), RESPONSE);
    await finished(chat);
    assert.deepEqual(flowTexts(chat).slice(-1), ['Returns are free within 30 days. Start one at example.com/returns.']);
    assert.equal(sb.getContact(chat.contactId)!.attributes.menuChoice, 'StartReturn');
  });

  it('falls back to a plain-text menu when the chat did not list the interactive type; typing a title still works', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.helpMenu });
    const menu = await botMessage(chat);
    assert.equal(menu.ContentType, 'text/plain');
    assert.equal(menu.Content, 'What can we help you with?\nTap an option\n- Track an order\n- Start a return\n- Talk to an agent');
    assert.ok(!(await transcript(chat)).some((i) => i.ContentType === INTERACTIVE));
    await say(chat, 'talk to an agent');
    await finished(chat);
    assert.equal(sb.getContact(chat.contactId)!.attributes.menuChoice, 'TalkToAgent');
  });

  it('shows the menu even when the chat started with an initial message', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.helpMenu, InitialMessage: { ContentType: 'text/plain', Content: 'hi' } });
    const menu = await botMessage(chat);
    assert.match(menu.Content ?? '', /^What can we help you with\?/);
    assert.equal(sb.getContact(chat.contactId)!.status, 'ACTIVE', 'the bot waits for a choice');
    await say(chat, 'Start a return');
    await finished(chat);
    assert.equal(sb.getContact(chat.contactId)!.attributes.menuChoice, 'StartReturn');
  });

  it('an answer that is no option takes the fallback path', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.helpMenu, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] });
    await botMessage(chat);
    await say(chat, 'purple elephants');
    await finished(chat);
    assert.deepEqual(flowTexts(chat).slice(-2), ['Sorry, please pick one of the options.', 'Sorry, I could not tell which option you meant.']);
    assert.equal(sb.getContact(chat.contactId)!.attributes.menuChoice, 'FallbackIntent');
  });
});
