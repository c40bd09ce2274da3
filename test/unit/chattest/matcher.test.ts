/** The step matcher, pure: which messages an expect looks at, how it matches, what it skips. */
import assert from 'node:assert/strict';
import type { ChatItem } from '../../../src/core/chat/types';
import { expectedText, findExpected, isOtherSideMessage, matchesExpect, receivedText } from '../../../src/core/chattest';

let n = 0;
function msg(content: string, role = 'SYSTEM', extra: Partial<ChatItem> = {}): ChatItem {
  n++;
  return { Id: `i${n}`, Type: 'MESSAGE', ContentType: 'text/plain', AbsoluteTime: new Date(1_700_000_000_000 + n).toISOString(), Content: content, ParticipantRole: role, ParticipantId: role === 'CUSTOMER' ? 'me' : 'p', DisplayName: role === 'SYSTEM' ? 'SYSTEM_MESSAGE' : role === 'CUSTOM_BOT' ? 'BOT' : 'Ana', ...extra };
}

describe('chattest: the step matcher', () => {
  it('contains, equals, matches and from combine; from is a role or a display name, any case', () => {
    const m = msg('Sure. What is your order number?', 'CUSTOM_BOT');
    assert.ok(matchesExpect(m, { contains: 'order number' }));
    assert.ok(!matchesExpect(m, { contains: 'Order Number' }));
    assert.ok(matchesExpect(m, { equals: 'Sure. What is your order number?' }));
    assert.ok(!matchesExpect(m, { equals: 'Sure.' }));
    assert.ok(matchesExpect(m, { matches: '^Sure\\. .*number\\?$' }));
    assert.ok(matchesExpect(m, { contains: 'Sure', from: 'bot' }));
    assert.ok(matchesExpect(m, { contains: 'Sure', from: 'custom_bot' }));
    assert.ok(!matchesExpect(m, { contains: 'Sure', from: 'SYSTEM' }));
    assert.ok(!matchesExpect(m, { contains: 'Sure', matches: 'nope' }));
  });

  it('compares Markdown as text and an interactive message by its title', () => {
    assert.ok(matchesExpect(msg('**Hello** _there_', 'SYSTEM', { ContentType: 'text/markdown' }), { equals: 'Hello there' }));
    const picker = msg(JSON.stringify({ templateType: 'ListPicker', version: '1.0', data: { content: { title: 'What can we help you with?', elements: [{ title: 'Track an order' }] } } }), 'SYSTEM', {
      ContentType: 'application/vnd.amazonaws.connect.message.interactive',
    });
    assert.ok(matchesExpect(picker, { equals: 'What can we help you with?' }));
  });

  it('looks only at the other side (not the customer, not events), takes the first match and skips the ones before it', () => {
    const t = [
      msg('Hi'),
      msg('where is my order', 'CUSTOMER'),
      { Id: 'e1', Type: 'EVENT', ContentType: 'application/vnd.amazonaws.connect.event.participant.joined', AbsoluteTime: new Date().toISOString(), ParticipantRole: 'AGENT' } as ChatItem,
      msg('One moment'),
      msg('order number please', 'CUSTOM_BOT'),
      msg('order number again', 'CUSTOM_BOT'),
    ];
    assert.ok(!isOtherSideMessage(t[1], 'me'));
    assert.ok(!isOtherSideMessage(t[2]));
    const consumed = new Set<string>();
    const a = findExpected(t, consumed, { contains: 'order' }, 'me');
    assert.equal(a.match?.Content, 'order number please');
    assert.deepEqual(
      a.considered.map((i) => i.Content),
      ['Hi', 'One moment', 'order number please'],
    );
    for (const i of a.considered) consumed.add(i.Id);
    assert.equal(findExpected(t, consumed, { contains: 'order' }, 'me').match?.Content, 'order number again');
    assert.equal(findExpected(t, consumed, { contains: 'Hi' }, 'me').match, undefined, 'a skipped message is not matched later');
    assert.equal(findExpected(t, new Set(), { contains: 'where is my order' }, 'me').match, undefined, 'the customer is never matched');
  });

  it('describes what was expected and what was received', () => {
    assert.equal(expectedText({ contains: 'order number', from: 'BOT' }), 'a message containing "order number" from BOT');
    assert.equal(expectedText({ equals: 'a', matches: 'b' }), 'a message equal to "a" and matching /b/');
    assert.equal(receivedText([msg('Hi'), msg('Yo', 'CUSTOM_BOT')]), 'SYSTEM_MESSAGE: "Hi"\nBOT: "Yo"');
    assert.equal(receivedText([]), '(no message)');
  });
});
