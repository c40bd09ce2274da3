/**
 * The conversation panel's pure model: transcript items → view model (grouping, receipts,
 * interactive templates, unknown content), the Markdown renderer against injection, and the
 * message protocol's validators.
 */
import assert from 'node:assert/strict';
import { parseFromConversation, parseToConversation, parseWebviewState, isSafeHref, type MessageEntry, type MdInline } from '../../../src/core/chat/conversationProtocol';
import { buildConversation, markdownToHtml, parseInline, parseMarkdown, UNTRUSTED_REASON } from '../../../src/core/chat/conversationView';
import type { ChatItem, ChatRecord } from '../../../src/core/chat/types';
import { demoOrigin } from './support';

const EV = 'application/vnd.amazonaws.connect.event.';
const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';

let n = 0;
function item(extra: Partial<ChatItem>): ChatItem {
  return { Id: `i${++n}`, Type: 'MESSAGE', ContentType: 'text/plain', AbsoluteTime: '2026-12-01T10:00:00.000Z', ...extra };
}

function record(transcript: ChatItem[], extra: Partial<ChatRecord> = {}): ChatRecord {
  return {
    id: 'chat-1',
    origin: { ...demoOrigin(), requestName: 'help.chatreq.json' },
    displayName: 'Ada Tester',
    clientToken: 't',
    attributes: {},
    state: 'connected',
    startedAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    contactId: 'c-1',
    transcript,
    ...extra,
  };
}

const messages = (s: ReturnType<typeof buildConversation>): MessageEntry[] => s.entries.filter((e): e is MessageEntry => e.kind === 'message');

const template = (templateType: string, content: Record<string, unknown>, replyTitle?: string): string =>
  JSON.stringify({ templateType, version: '1.0', data: { content, ...(replyTitle ? { replyMessage: { title: replyTitle } } : {}) } });

describe('Conversation view model', () => {
  it('puts the customer right and the others left with their names, in order, with times and day separators', () => {
    const s = buildConversation(
      record([
        item({ Id: 'j', Type: 'EVENT', ContentType: `${EV}participant.joined`, ParticipantRole: 'CUSTOMER', DisplayName: 'Ada Tester', AbsoluteTime: '2026-11-30T23:59:00.000Z' }),
        item({ Id: 'a', ParticipantRole: 'SYSTEM', DisplayName: 'BOT', Content: 'Hello', AbsoluteTime: '2026-11-30T23:59:30.000Z' }),
        item({ Id: 'b', ParticipantRole: 'CUSTOMER', DisplayName: 'Ada Tester', Content: 'Hi', AbsoluteTime: '2026-12-01T00:00:10.000Z' }),
        item({ Id: 'c', ParticipantRole: 'AGENT', Content: 'Agent here', AbsoluteTime: '2026-12-01T00:01:00.000Z' }),
        item({ Id: 't', Type: 'EVENT', ContentType: `${EV}typing`, ParticipantRole: 'AGENT' }),
        item({ Id: 'e', Type: 'EVENT', ContentType: `${EV}chat.ended`, ParticipantRole: 'SYSTEM', AbsoluteTime: '2026-12-01T00:02:00.000Z' }),
      ]),
      { trusted: true },
    );
    assert.deepEqual(
      s.entries.map((e) => `${e.kind}:${e.key}`),
      ['day:day:2026-11-30', 'event:j', 'message:a', 'day:day:2026-12-01', 'message:b', 'message:c', 'event:e'],
    );
    const [a, b, c] = messages(s);
    assert.deepEqual([a.side, a.label, a.roleLabel, a.clock], ['other', 'BOT', 'System', '23:59']);
    assert.deepEqual([b.side, b.label, b.clock], ['customer', 'Ada Tester', '00:00']);
    assert.deepEqual([c.side, c.label], ['other', 'Agent']);
    assert.equal(s.entries[0].kind === 'day' && s.entries[0].label, 'Mon, 30 Nov 2026');
    const ended = s.entries.at(-1)!;
    assert.ok(ended.kind === 'event' && ended.eventName === 'ended' && ended.text === 'The chat ended');
    // The viewer's time zone moves the clock and the day.
    const shifted = buildConversation(record([item({ ParticipantRole: 'CUSTOMER', Content: 'x', AbsoluteTime: '2026-11-30T23:30:00.000Z' })]), { trusted: true, utcOffsetMinutes: 60 });
    assert.equal(shifted.entries[0].kind === 'day' && shifted.entries[0].key, 'day:2026-12-01');
    assert.equal(messages(shifted)[0].clock, '00:30');
  });

  it('attaches delivered and read receipts (receipt items and MessageMetadata.Receipts) to the customer’s messages', () => {
    const s = buildConversation(
      record([
        item({ Id: 'm1', ParticipantRole: 'CUSTOMER', Content: 'one' }),
        item({ Id: 'm2', ParticipantRole: 'CUSTOMER', Content: 'two', MessageMetadata: { MessageId: 'm2', Receipts: [{ DeliveredTimestamp: '2026-12-01T10:00:01.000Z', RecipientParticipantId: 'p' }] } }),
        item({ Id: 'm3', ParticipantRole: 'CUSTOMER', Content: 'three' }),
        item({ Id: 'r1', Type: 'MESSAGE_DELIVERED', ContentType: `${EV}message.delivered`, ParticipantRole: 'AGENT', AbsoluteTime: '2026-12-01T10:00:02.000Z', MessageMetadata: { MessageId: 'm1' } }),
        item({ Id: 'r2', Type: 'MESSAGE_READ', ContentType: `${EV}message.read`, ParticipantRole: 'AGENT', MessageMetadata: { MessageId: 'm1', Receipts: [{ ReadTimestamp: '2026-12-01T10:00:03.000Z', RecipientParticipantId: 'p' }] } }),
      ]),
      { trusted: true },
    );
    const [m1, m2, m3] = messages(s);
    assert.equal(messages(s).length, 3, 'receipt items are not bubbles');
    assert.deepEqual(m1.receipt, { delivered: '2026-12-01T10:00:02.000Z', read: '2026-12-01T10:00:03.000Z' });
    assert.deepEqual(m2.receipt, { delivered: '2026-12-01T10:00:01.000Z' });
    assert.deepEqual(m3.receipt, {});
  });

  it('reads MESSAGEMETADATA receipt items (as the sandbox and the client SDKs receive them): not an event, the receipt on the message', () => {
    const meta = (read: boolean) =>
      item({
        Type: 'MESSAGEMETADATA',
        ContentType: `${EV}message.metadata`,
        AbsoluteTime: read ? '2026-12-01T10:00:05.000Z' : '2026-12-01T10:00:04.000Z',
        MessageMetadata: { MessageId: 'q', Receipts: [{ DeliveredTimestamp: '2026-12-01T10:00:04.000Z', ...(read ? { ReadTimestamp: '2026-12-01T10:00:05.000Z' } : {}), RecipientParticipantId: 'sam' }] },
      });
    const delivered = buildConversation(record([item({ Id: 'q', ParticipantRole: 'CUSTOMER', Content: 'Can you hold a jacket?' }), meta(false)]), { trusted: true });
    assert.deepEqual(delivered.entries.map((e) => e.kind), ['day', 'message'], 'no event line for a receipt');
    assert.deepEqual(messages(delivered)[0].receipt, { delivered: '2026-12-01T10:00:04.000Z' });
    const read = buildConversation(record([item({ Id: 'q', ParticipantRole: 'CUSTOMER', Content: 'Can you hold a jacket?' }), meta(false), meta(true)]), { trusted: true });
    assert.deepEqual(messages(read)[0].receipt, { delivered: '2026-12-01T10:00:04.000Z', read: '2026-12-01T10:00:05.000Z' });
  });

  it('shows a Show view block’s ViewResource message as its JSON with a note (its rendering is undocumented), never dropped', () => {
    const content = JSON.stringify({ templateType: 'ViewResource', version: '1.0', data: { content: { viewId: 'detail', viewToken: 'tok-123' } } });
    const s = buildConversation(record([item({ Id: 'v', ContentType: INTERACTIVE, ParticipantRole: 'SYSTEM', DisplayName: 'SYSTEM_MESSAGE', Content: content })]), { trusted: true });
    const [v] = messages(s);
    assert.equal(v.key, 'v');
    assert.equal(v.interactive?.templateType, 'ViewResource');
    assert.deepEqual(v.interactive?.options, [], 'no controls to choose from');
    assert.equal(v.body.kind, 'json');
    assert.ok(v.body.kind === 'json' && v.body.text.includes('"viewToken": "tok-123"'), 'the JSON as sent, pretty-printed');
    assert.match(v.body.kind === 'json' ? (v.body.note ?? '') : '', /Show view block \(detail\).*not documented/);
  });

  it('shows attachments by name and type, application/json pretty-printed, Markdown parsed', () => {
    const s = buildConversation(
      record([
        item({ Type: 'ATTACHMENT', ContentType: 'application/pdf', ParticipantRole: 'CUSTOMER', Attachments: [{ AttachmentName: 'invoice.pdf', ContentType: 'application/pdf', AttachmentId: 'a1', Status: 'APPROVED' }] }),
        item({ ContentType: 'application/json', ParticipantRole: 'SYSTEM', Content: '{"a":1,"b":[2]}' }),
        item({ ContentType: 'text/markdown', ParticipantRole: 'SYSTEM', Content: 'Hello **there**' }),
      ]),
      { trusted: true },
    );
    const [att, json, md] = messages(s);
    assert.deepEqual(att.attachments, [{ name: 'invoice.pdf', type: 'application/pdf', status: 'APPROVED' }]);
    assert.deepEqual(json.body, { kind: 'json', text: '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}' });
    assert.deepEqual(md.body, { kind: 'markdown', blocks: [{ t: 'p', children: [{ t: 'text', text: 'Hello ' }, { t: 'strong', children: [{ t: 'text', text: 'there' }] }] }] });
  });

  it('renders each interactive template as controls, marks the answer, and keeps unknown ones as JSON with a note', () => {
    const list = template('ListPicker', { title: 'How can I help?', elements: [{ title: 'Track an order', subtitle: 'Where is it' }, { title: 'Talk to an agent' }] }, 'Thanks!');
    const quick = template('QuickReply', { title: 'Which department?', elements: [{ title: 'Billing' }, { title: 'Cart' }] });
    const panel = template('Panel', { title: 'Options', subtitle: 'pick', elements: [{ title: 'Self-service' }] });
    const time = template('TimePicker', { title: 'Schedule', timeslots: [{ date: '2026-12-03T17:00+00:00', duration: 30 }] });
    const carousel = template('Carousel', {
      title: 'Pick a card',
      elements: [JSON.parse(template('Panel', { title: 'Card A', elements: [{ title: 'A1' }, { title: 'A2' }] })), JSON.parse(template('Panel', { title: 'Card B', elements: [{ title: 'B1' }] }))],
    });
    const unknown = template('AppleForm', { title: 'Form' });
    const s = buildConversation(
      record([
        item({ Id: 'L', ContentType: INTERACTIVE, ParticipantRole: 'SYSTEM', DisplayName: 'BOT', Content: list }),
        item({ Id: 'ans', ParticipantRole: 'CUSTOMER', Content: 'track an order' }),
        item({ Id: 'Q', ContentType: INTERACTIVE, ParticipantRole: 'SYSTEM', Content: quick }),
        item({ Id: 'P', ContentType: INTERACTIVE, ParticipantRole: 'SYSTEM', Content: panel }),
        item({ Id: 'T', ContentType: INTERACTIVE, ParticipantRole: 'SYSTEM', Content: time }),
        item({ Id: 'C', ContentType: INTERACTIVE, ParticipantRole: 'SYSTEM', Content: carousel }),
        item({ Id: 'U', ContentType: INTERACTIVE, ParticipantRole: 'SYSTEM', Content: unknown }),
        item({ Id: 'X', ContentType: INTERACTIVE, ParticipantRole: 'SYSTEM', Content: 'not json <b>' }),
      ]),
      { trusted: true },
    );
    const by = (id: string) => messages(s).find((m) => m.key === id)!;
    assert.deepEqual(by('L').interactive, {
      itemId: 'L',
      templateType: 'ListPicker',
      title: 'How can I help?',
      options: [{ title: 'Track an order', subtitle: 'Where is it' }, { title: 'Talk to an agent' }],
      replyTitle: 'Thanks!',
      answered: 'Track an order',
    });
    assert.deepEqual(by('Q').interactive?.options.map((o) => o.title), ['Billing', 'Cart']);
    assert.equal(by('Q').interactive?.answered, undefined);
    assert.deepEqual([by('P').interactive?.templateType, by('P').interactive?.subtitle], ['Panel', 'pick']);
    assert.deepEqual(by('T').interactive?.options, [{ title: '2026-12-03T17:00+00:00', subtitle: '30 min' }]);
    assert.deepEqual(by('C').interactive?.cards?.map((c) => [c.title, c.options.map((o) => o.title)]), [['Card A', ['A1', 'A2']], ['Card B', ['B1']]]);
    const u = by('U');
    assert.equal(u.body.kind, 'json');
    assert.ok(u.body.kind === 'json' && /"templateType": "AppleForm"/.test(u.body.text) && /AppleForm/.test(u.body.note ?? ''));
    const x = by('X');
    assert.ok(x.body.kind === 'json' && x.body.text === 'not json <b>' && x.body.note, 'content that is no template is kept, with a note');
  });

  it('says why the composer is off: ended, failed, untrusted', () => {
    const live = buildConversation(record([]), { trusted: true });
    assert.deepEqual([live.canTalk, live.canEnd, live.canContinue, live.disabledReason], [true, true, true, undefined]);
    const untrusted = buildConversation(record([]), { trusted: false });
    assert.deepEqual([untrusted.canTalk, untrusted.canRelaunch, untrusted.disabledReason], [false, false, UNTRUSTED_REASON]);
    const ended = buildConversation(record([], { state: 'ended' }), { trusted: true });
    assert.deepEqual([ended.canTalk, ended.canEnd, ended.canRelaunch], [false, false, true]);
    assert.match(ended.disabledReason ?? '', /ended/);
    const failed = buildConversation(record([], { state: 'failed', contactId: undefined, error: { message: 'Bad flow.', fix: 'Pick one.' } }), { trusted: true });
    assert.deepEqual([failed.canContinue, failed.error], [false, 'Bad flow. Pick one.']);
  });
});

function allLinks(nodes: MdInline[]): string[] {
  return nodes.flatMap((n) => (n.t === 'link' ? [n.href, ...allLinks(n.children)] : 'children' in n ? allLinks(n.children) : []));
}

describe('Conversation Markdown renderer', () => {
  it('renders emphasis, code, links, lists, headings, quotes and code blocks', () => {
    const html = markdownToHtml(parseMarkdown('# Title\n\nSome *em*, **strong**, ~~del~~, `code` and [a link](https://example.com/x?a=1&b=2).\nsnake_case stays\n\n- one\n- two\n\n1. first\n\n> quoted\n\n```\nconst x = 1 < 2;\n```'));
    assert.equal(
      html,
      [
        '<h1>Title</h1>',
        '<p>Some <em>em</em>, <strong>strong</strong>, <del>del</del>, <code>code</code> and <a href="https://example.com/x?a=1&amp;b=2">a link</a>.<br>snake_case stays</p>',
        '<ul><li>one</li><li>two</li></ul>',
        '<ol><li>first</li></ol>',
        '<blockquote>quoted</blockquote>',
        '<pre><code>const x = 1 &lt; 2;</code></pre>',
      ].join('\n'),
    );
    assert.deepEqual(allLinks(parseInline('see https://aws.amazon.com/connect.')), ['https://aws.amazon.com/connect']);
  });

  it('never lets HTML, script or unsafe links through', () => {
    const attacks = [
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(1)">',
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD4=)',
      '![pic](javascript:alert(1))',
      '<a href="javascript:alert(1)">a</a>',
      '**<iframe src="https://evil">**',
      '[a](https://ok.example/"onmouseover="alert(1))',
      '`<script>`',
      '```\n</code><script>alert(1)</script>\n```',
    ];
    for (const a of attacks) {
      const blocks = parseMarkdown(a);
      const html = markdownToHtml(blocks);
      assert.doesNotMatch(html, /<(script|img|iframe|a href="javascript|a href="data)/i, `${a} → ${html}`);
      assert.doesNotMatch(html, /<[^>]*\son\w+=/i, `${a} → ${html}`);
      const links = blocks.flatMap((b) => (b.t === 'p' || b.t === 'h' || b.t === 'quote' ? allLinks(b.children) : b.t === 'list' ? b.items.flatMap(allLinks) : []));
      for (const l of links) assert.ok(isSafeHref(l) && !/"/.test(l), `unsafe link ${l} from ${a}`);
    }
    // The words of the script survive as text, visibly.
    assert.equal(markdownToHtml(parseMarkdown('<script>alert(1)</script>')), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    assert.equal(markdownToHtml(parseMarkdown('[click](javascript:alert(1))')), '<p>click</p>');
  });

  it('survives deep nesting and unclosed markers', () => {
    const deep = `${'*'.repeat(200)}x${'*'.repeat(200)}`;
    assert.ok(markdownToHtml(parseMarkdown(deep)).length > 0);
    assert.equal(markdownToHtml(parseMarkdown('a * b ** c _ d')), '<p>a * b ** c _ d</p>');
  });
});

describe('Conversation message protocol', () => {
  it('validates what the webview sends', () => {
    assert.deepEqual(parseFromConversation({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromConversation({ type: 'send', text: 'hi' }), { type: 'send', text: 'hi' });
    assert.deepEqual(parseFromConversation({ type: 'typing', text: 'ignored' }), { type: 'typing' }, 'typing carries nothing from the page');
    assert.equal(parseFromConversation({ type: 'send', text: '   ' }), undefined);
    assert.equal(parseFromConversation({ type: 'send', text: 'x'.repeat(16385) }), undefined);
    assert.deepEqual(parseFromConversation({ type: 'choose', itemId: 'i', title: 'A' }), { type: 'choose', itemId: 'i', title: 'A' });
    assert.equal(parseFromConversation({ type: 'choose', itemId: 1, title: 'A' }), undefined);
    assert.deepEqual(parseFromConversation({ type: 'action', action: 'end' }), { type: 'action', action: 'end' });
    assert.equal(parseFromConversation({ type: 'action', action: 'rm -rf' }), undefined);
    assert.deepEqual(parseFromConversation({ type: 'openLink', href: 'https://x.example' }), { type: 'openLink', href: 'https://x.example' });
    assert.equal(parseFromConversation({ type: 'openLink', href: 'javascript:alert(1)' }), undefined);
    assert.equal(parseFromConversation({ type: 'openLink', href: 'file:///etc/passwd' }), undefined);
    assert.equal(parseFromConversation('ready'), undefined);
    assert.equal(parseFromConversation({ type: 'eval' }), undefined);
  });

  it('validates what the host sends and the state kept through a reload', () => {
    const state = buildConversation(record([item({ ParticipantRole: 'CUSTOMER', Content: 'x' })]), { trusted: true });
    assert.deepEqual(parseToConversation({ type: 'state', state }), { type: 'state', state });
    assert.equal(parseToConversation({ type: 'state', state: { ...state, entries: [{ kind: 'html' }] } }), undefined);
    assert.deepEqual(parseToConversation({ type: 'typing', label: 'BOT', role: 'SYSTEM' }), { type: 'typing', label: 'BOT', role: 'SYSTEM' });
    assert.equal(parseToConversation({ type: 'typing' }), undefined);
    assert.deepEqual(parseWebviewState({ chatId: 'c', scrollTop: 120, atEnd: false }), { chatId: 'c', scrollTop: 120, atEnd: false });
    assert.deepEqual(parseWebviewState({ chatId: 'c', scrollTop: -1 }), { chatId: 'c' });
    // The top entry comes along when well-formed, and is dropped otherwise.
    assert.deepEqual(parseWebviewState({ chatId: 'c', scrollTop: 5, anchor: { key: 'm-1', offset: -12 } }), { chatId: 'c', scrollTop: 5, anchor: { key: 'm-1', offset: -12 } });
    assert.deepEqual(parseWebviewState({ chatId: 'c', anchor: { key: '', offset: 1 } }), { chatId: 'c' });
    assert.deepEqual(parseWebviewState({ chatId: 'c', anchor: { key: 'm-1', offset: 'x' } }), { chatId: 'c' });
    assert.equal(parseWebviewState({ scrollTop: 3 }), undefined);
  });
});
