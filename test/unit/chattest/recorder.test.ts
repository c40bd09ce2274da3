/** Record as Test, pure: a ChatRecord becomes a test file that the parser accepts. */
import assert from 'node:assert/strict';
import type { ChatItem, ChatRecord } from '../../../src/core/chat/types';
import { parseChatTestText, recordedTestFileName, recordedTestText, recordToTest } from '../../../src/core/chattest';

const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
let n = 0;
function item(content: string, role: string, extra: Partial<ChatItem> = {}): ChatItem {
  n++;
  return { Id: `i${n}`, Type: 'MESSAGE', ContentType: 'text/plain', AbsoluteTime: new Date(1_700_000_000_000 + n * 1000).toISOString(), Content: content, ParticipantRole: role, ParticipantId: role === 'CUSTOMER' ? 'me' : 'sys', ContactId: 'c1', ...extra };
}

function record(transcript: ChatItem[], extra: Partial<ChatRecord> = {}): ChatRecord {
  return {
    id: 'r1',
    origin: { requestFile: '/w/flows/support.chatreq.json', requestName: 'support', connectionKey: 'sandbox', connectionLabel: 'Sandbox', region: 'us-east-1', instanceId: 'inst', contactFlowId: 'flow' },
    displayName: 'Ana',
    clientToken: 'ct',
    attributes: { tier: 'gold' },
    state: 'ended',
    startedAt: '2026-12-02T10:00:00.000Z',
    updatedAt: '2026-12-02T10:00:05.000Z',
    contactId: 'c1',
    participantId: 'me',
    transcript,
    ...extra,
  };
}

describe('chattest: the recorder', () => {
  it('request as a relative path, customer messages as say, the other side as exact expects, the end as expectEnded', () => {
    const picker = JSON.stringify({ templateType: 'ListPicker', version: '1.0', data: { content: { title: 'Pick one', elements: [{ title: 'Track an order' }, { title: 'Returns' }] } } });
    const r = record([
      item('Welcome **Ana**', 'SYSTEM', { ContentType: 'text/markdown' }),
      { Id: 'ev', Type: 'EVENT', ContentType: 'application/vnd.amazonaws.connect.event.participant.joined', AbsoluteTime: '2026-12-02T10:00:00.000Z', ParticipantRole: 'CUSTOMER' },
      item('where is my order', 'CUSTOMER'),
      item(picker, 'SYSTEM', { ContentType: INTERACTIVE }),
      item('Track an order', 'CUSTOMER'),
      item('Old session', 'SYSTEM', { ContactId: 'c0', RelatedContactId: 'c0' }),
      item('Bye', 'CUSTOM_BOT'),
    ]);
    const test = recordToTest(r, { testFile: '/w/tests/support.chattest.json' });
    assert.equal(test.request, '../flows/support.chatreq.json');
    assert.deepEqual(test.steps, [
      { expect: { equals: 'Welcome Ana' } },
      { say: 'where is my order' },
      { expect: { equals: 'Pick one' } },
      { select: 'Track an order' },
      { expect: { equals: 'Bye' } },
      { expectEnded: true },
    ]);
    const txt = recordedTestText(test);
    const parsed = parseChatTestText(txt);
    assert.deepEqual(parsed.diagnostics, []);
    assert.equal(parsed.tests[0].steps.length, 6);
    assert.match(txt, /\n {4}\{"say":"where is my order"\},\n/);
    assert.equal(recordToTest(r, { testFile: '/w/flows/x.chattest.json' }).request, './support.chatreq.json');
  });

  it('a chat without a request file records its target inline; a live chat has no expectEnded', () => {
    const r = record([item('Hi', 'SYSTEM')], { origin: { connectionKey: 's', connectionLabel: 's', region: 'r', instanceId: 'inst', contactFlowId: 'flow' }, state: 'connected' });
    const t = recordToTest(r);
    assert.deepEqual(t.request, { InstanceId: 'inst', ContactFlowId: 'flow', ParticipantDetails: { DisplayName: 'Ana' }, Attributes: { tier: 'gold' } });
    assert.deepEqual(t.steps, [{ expect: { equals: 'Hi' } }]);
  });

  it('the request\'s InitialMessage is not a step (the replay sends it); an inline request keeps it and the content types', () => {
    const contentTypes = ['text/plain', INTERACTIVE];
    const initialMessage = { ContentType: 'text/plain', Content: 'where is my order' };
    const transcript = [item('where is my order', 'CUSTOMER'), item('Order number?', 'SYSTEM'), item('where is my order', 'CUSTOMER')];
    const withFile = recordToTest(record(transcript, { initialMessage }), { testFile: '/w/flows/t.chattest.json' });
    assert.deepEqual(withFile.steps, [{ expect: { equals: 'Order number?' } }, { say: 'where is my order' }, { expectEnded: true }], 'only the first customer message is the initial one');
    const inline = recordToTest(record(transcript, { initialMessage, contentTypes, origin: { connectionKey: 's', connectionLabel: 's', region: 'r', instanceId: 'inst', contactFlowId: 'flow' } }));
    assert.deepEqual(inline.request, { InstanceId: 'inst', ContactFlowId: 'flow', ParticipantDetails: { DisplayName: 'Ana' }, Attributes: { tier: 'gold' }, InitialMessage: initialMessage, SupportedMessagingContentTypes: contentTypes });
    const other = recordToTest(record([item('hello', 'CUSTOMER'), item('Hi', 'SYSTEM')], { initialMessage }));
    assert.deepEqual(other.steps[0], { say: 'hello' }, 'a first message that is not the initial one stays');
  });

  it('picks a free file name next to the request', () => {
    const taken = new Set(['support.chattest.json', 'support-2.chattest.json']);
    assert.equal(recordedTestFileName('support', (x) => taken.has(x)), 'support-3.chattest.json');
    assert.equal(recordedTestFileName(undefined, () => false), 'chat.chattest.json');
  });
});
