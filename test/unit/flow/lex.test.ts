import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LexConversation, classify, parseLexBotFile } from '../../../src/sandbox/flow/lexBot';
import { flowDoc, fixtures, source, startContact, type ActionSpec } from './harness';

const botFile = join(fixtures, 'interactive.lexbot.json');
const aliasArn = 'arn:aws:lex:us-west-2:111122223333:bot-alias/BOTID12345/TSTALIASID';

function lexFlow(params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): ActionSpec[] {
  return [
    ['Lex', 'ConnectParticipantWithLexBot', { Text: 'How can I help, $.Attributes.name?', LexV2Bot: { AliasArn: aliasArn }, LexSessionAttributes: { channel: 'chat', who: '$.Attributes.name' }, ...params }, {
      NextAction: 'Err',
      Conditions: [
        { NextAction: 'Pizza', Condition: { Operator: 'Equals', Operands: ['OrderPizza'] } },
        { NextAction: 'Fallback', Condition: { Operator: 'Equals', Operands: ['FallbackIntent'] } },
      ],
      Errors: [
        { ErrorType: 'NoMatchingCondition', NextAction: 'Default' },
        { ErrorType: 'InputTimeLimitExceeded', NextAction: 'Timeout' },
        { ErrorType: 'NoMatchingError', NextAction: 'Err' },
      ],
      ...extra,
    }],
    ['Pizza', 'MessageParticipant', { Text: 'size=$.Lex.Slots.size type=$.Lex.SessionAttributes.orderType who=$.Lex.SessionAttributes.who' }, { NextAction: 'Bye' }],
    ['Fallback', 'MessageParticipant', { Text: 'fallback branch' }, { NextAction: 'Bye' }],
    ['Default', 'MessageParticipant', { Text: 'default: $.Lex.IntentName' }, { NextAction: 'Bye' }],
    ['Timeout', 'MessageParticipant', { Text: 'timeout branch' }, { NextAction: 'Bye' }],
    ['Err', 'MessageParticipant', { Text: 'error branch' }, { NextAction: 'Bye' }],
    ['Bye', 'DisconnectParticipant'],
  ];
}

function run(actions: ActionSpec[], overrides = {}, options: Record<string, unknown> = { lexBotFiles: [botFile] }) {
  return startContact([source('main', flowDoc(actions[0][0], actions))], { attributes: { name: 'Ana' }, ...overrides }, options);
}

describe('Lex bots on chat (ConnectParticipantWithLexBot)', () => {
  it('prompts, converses, fills slots, replies as BOT and branches on the intent', () => {
    const c = run(lexFlow());
    assert.deepEqual(c.control.messages(), [['SYSTEM_MESSAGE', 'How can I help, Ana?']]);
    assert.equal(c.trace().status, 'waiting');
    assert.equal(c.trace().waitingOn?.type, 'ConnectParticipantWithLexBot');
    c.say('I would like to order a pizza');
    assert.deepEqual(c.control.messages().slice(-1), [['BOT', 'What size would you like?']]);
    c.say('Large, please');
    const botReply = c.control.items.filter((i) => i.DisplayName === 'BOT').at(-1);
    assert.equal(botReply?.ParticipantRole, 'SYSTEM');
    assert.equal(botReply?.ContentType, 'text/markdown');
    assert.equal(botReply?.Content, 'One **large** pizza, coming up.');
    assert.deepEqual(c.control.texts().slice(-1), ['size=large type=pizza who=Ana']);
    const lex = c.trace().lex;
    assert.equal(lex.IntentName, 'OrderPizza');
    assert.deepEqual(lex.Slots, { size: 'large' });
    assert.deepEqual(lex.SessionAttributes, { channel: 'chat', who: 'Ana', orderType: 'pizza' });
    assert.equal(c.trace().steps[0].branch, 'Condition: Equals "OrderPizza"');
    assert.equal(c.control.endedWith, 'FLOW_DISCONNECT');
  });

  it('fills a slot straight from the utterance', () => {
    const c = run(lexFlow());
    c.say('I want a small pizza');
    assert.deepEqual(c.control.texts().slice(-2), ['One **small** pizza, coming up.', 'size=small type=pizza who=Ana']);
  });

  it('re-asks when the answer is not an accepted slot value', () => {
    const c = run(lexFlow());
    c.say('pizza please');
    c.say('gigantic');
    assert.deepEqual(c.control.messages().slice(-1), [['BOT', 'What size would you like?']]);
    c.say('medium');
    assert.equal(c.trace().lex.IntentName, 'OrderPizza');
  });

  it('an intent without a condition takes NoMatchingCondition', () => {
    const c = run(lexFlow());
    c.say('help');
    c.say('End chat');
    assert.deepEqual(c.control.texts().slice(-2), ['Okay: End chat.', 'default: Help']);
  });

  it('an utterance no intent matches is the FallbackIntent (with the bot\'s fallback reply)', () => {
    const c = run(lexFlow());
    c.say('what is the weather in Paris');
    assert.deepEqual(c.control.messages().slice(-2), [['BOT', 'Sorry, I can only help with a few things. Type help to see them.'], ['SYSTEM_MESSAGE', 'fallback branch']]);
    const c2 = run(lexFlow({}, { Conditions: [] }));
    c2.say('what is the weather in Paris');
    assert.deepEqual(c2.control.texts().slice(-1), ['default: FallbackIntent']);
  });

  it('times out on the sandbox clock with InputTimeLimitExceeded (LexTimeoutSeconds, reset by each turn)', () => {
    const c = run(lexFlow({ LexTimeoutSeconds: { Text: '120' } }));
    c.control.advance(100_000);
    c.say('order a pizza');
    c.control.advance(100_000);
    assert.equal(c.trace().status, 'waiting', 'each customer turn restarts the timeout');
    c.control.advance(20_000);
    assert.deepEqual(c.control.texts().slice(-1), ['timeout branch']);
    assert.equal(c.trace().steps[0].branch, 'Error: InputTimeLimitExceeded');
  });

  it('uses the default Lex timeout when the block sets none', () => {
    const c = run(lexFlow(), {}, { lexBotFiles: [botFile], lexTimeoutSeconds: 30 });
    c.control.advance(30_000);
    assert.deepEqual(c.control.texts().slice(-1), ['timeout branch']);
  });

  it('the chat initial message is the first utterance; LexInitializationData wins over it', () => {
    const c = run(lexFlow(), { initialMessage: { ContentType: 'text/plain', Content: 'I want a large pizza' } });
    assert.deepEqual(c.control.texts().slice(-1), ['size=large type=pizza who=Ana']);
    const c2 = run(lexFlow({ LexInitializationData: { InitialMessage: 'order a pizza' } }), { initialMessage: { ContentType: 'text/plain', Content: 'bla' } });
    assert.deepEqual(c2.control.messages().slice(-1), [['BOT', 'What size would you like?']]);
  });

  it('finds a V1 bot by name and hears interactive-message answers by their title', () => {
    const c = run(lexFlow({ LexV2Bot: undefined, LexBot: { Name: 'InteractiveMessageBot', Region: 'us-west-2', Alias: 'latest' } }));
    c.say('pizza please');
    c.say(JSON.stringify({ templateIdentifier: 't', data: { content: { title: 'small' } } }), 'application/vnd.amazonaws.connect.message.interactive.response');
    assert.equal(c.trace().lex.IntentName, 'OrderPizza');
    assert.deepEqual(c.trace().lex.Slots, { size: 'small' });
  });

  it('without a bot definition: Error branch and a visible notice', () => {
    const c1 = run(lexFlow(), {}, {});
    assert.deepEqual(c1.control.texts(), ['error branch']);
    assert.match(c1.control.notices()[0], /no Lex bot definition file is configured/);
    const c2 = run(lexFlow({ LexV2Bot: { AliasArn: 'arn:aws:lex:us-west-2:1:bot-alias/OTHER/ALIAS' } }));
    assert.deepEqual(c2.control.texts(), ['error branch']);
    assert.match(c2.control.notices()[0], /no bot definition for alias arn:aws:lex:us-west-2:1:bot-alias\/OTHER\/ALIAS/);
  });

  it('re-reads an edited bot file for the next contact, and reports an invalid one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatreq-lex-'));
    try {
      const file = join(dir, 'bot.lexbot.json');
      const bot = (reply: string) => JSON.stringify({ bots: [{ name: 'B', aliasArns: [aliasArn], intents: [{ name: 'OrderPizza', utterances: ['hi'], reply }] }] });
      writeFileSync(file, bot('first'));
      const options = { lexBotFiles: [file] };
      const c1 = startContact([source('main', flowDoc('Lex', lexFlow()))], {}, options);
      c1.say('hi');
      assert.ok(c1.control.texts().includes('first'));
      writeFileSync(file, bot('second edition'));
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const c2 = startContact(c1.runtime);
      c2.say('hi');
      assert.ok(c2.control.texts().includes('second edition'));
      writeFileSync(file, '{"bots": [{"name": "B"}]}');
      utimesSync(file, new Date(), new Date(Date.now() + 10000));
      const c3 = startContact(c1.runtime);
      assert.deepEqual(c3.control.texts(), ['error branch']);
      assert.match(c3.control.notices()[0], /bot "B": intents must be a non-empty array/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a third-party-bot style flow: LexInitializationData, a session attribute decides the route', () => {
    const bots = { bots: [{ name: 'Router', aliasArns: ['arn:aws:lex:us-east-1:1:bot-alias/R/A'], intents: [
      { name: 'Escalate', utterances: ['agent please', 'talk to a human'], sessionAttributes: { shouldRouteToAgent: 'true' }, reply: 'Routing you.' },
      { name: 'Chat', utterances: ['hello'], sessionAttributes: { shouldRouteToAgent: 'false' }, reply: 'Hi!' },
    ] }] };
    const actions: ActionSpec[] = [
      ['Bot', 'ConnectParticipantWithLexBot', { LexV2Bot: { AliasArn: 'arn:aws:lex:us-east-1:1:bot-alias/R/A' }, LexInitializationData: { InitialMessage: '$.Media.InitialMessage' } }, {
        NextAction: 'Route', Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'Route' }, { ErrorType: 'NoMatchingError', NextAction: 'End' }],
      }],
      ['Route', 'Compare', { ComparisonValue: "$.Lex.SessionAttributes.['shouldRouteToAgent']" }, {
        NextAction: 'End', Conditions: [{ NextAction: 'Agent', Condition: { Operator: 'Equals', Operands: ['true'] } }], Errors: [{ ErrorType: 'NoMatchingCondition', NextAction: 'End' }],
      }],
      ['Agent', 'MessageParticipant', { Text: 'An agent will join ($.Lex.SessionAttributes.[\'shouldRouteToAgent\']).' }, { NextAction: 'End' }],
      ['End', 'EndFlowExecution'],
    ];
    const c = run(actions, { initialMessage: { ContentType: 'text/plain', Content: 'Talk to a human' } }, { lexBots: bots });
    assert.deepEqual(c.control.messages(), [['BOT', 'Routing you.'], ['SYSTEM_MESSAGE', 'An agent will join (true).']]);
    assert.equal(c.control.endedWith, 'FLOW_DISCONNECT');
  });

  it('classifies predictably: exact samples beat partial overlap, below the threshold is no intent', () => {
    const [bot] = parseLexBotFile(JSON.stringify({ bots: [{ name: 'X', confidenceThreshold: 0.5, intents: [
      { name: 'A', utterances: ['reset my password'] },
      { name: 'B', utterances: ['reset', 'change {thing}'], slots: [{ name: 'thing', prompt: 'What?' }] },
    ] }] }), 'x.json');
    assert.equal(classify(bot, 'Reset!')?.intent.name, 'B');
    assert.equal(classify(bot, 'please reset my password now')?.intent.name, 'A');
    assert.deepEqual(classify(bot, 'change the plan')?.slots, { thing: 'the plan' });
    assert.equal(classify(bot, 'hello there'), undefined);
  });

  it('resolves slots by their type, from a whole sentence as Lex does', () => {
    const [bot] = parseLexBotFile(JSON.stringify({ bots: [{ name: 'T', intents: [
      { name: 'Order', utterances: ['where is my order', 'order {n}'], slots: [{ name: 'n', type: 'AMAZON.Number', prompt: 'Which number?' }] },
      { name: 'Code', utterances: ['my code is {code}'], slots: [{ name: 'code', type: 'AMAZON.AlphaNumeric', prompt: 'Which code?' }] },
      { name: 'Note', utterances: ['note {text}'], slots: [{ name: 'text', type: 'AMAZON.FreeFormInput', prompt: 'What?' }] },
    ] }] }), 'x.json');
    assert.deepEqual(classify(bot, 'Where is my order 12345?')?.slots, { n: '12345' });
    assert.deepEqual(classify(bot, 'where is my order')?.slots, {});
    assert.deepEqual(classify(bot, 'my code is AB-12 please')?.slots, { code: 'AB-12' });
    assert.deepEqual(classify(bot, 'note call me back at 5')?.slots, { text: 'call me back at 5' });
    const conv = new LexConversation(bot);
    assert.deepEqual(conv.hear('where is my order').replies.map((r) => r.content), ['Which number?']);
    assert.deepEqual(conv.hear('no idea').replies.map((r) => r.content), ['Which number?'], 'an answer without a number is asked again');
    const done = conv.hear('Where is my order 12345?');
    assert.equal(done.done, true);
    assert.deepEqual(done.done && done.slots, { n: '12345' });
  });

  it('rejects an unknown slot type, and a type next to listed values', () => {
    const file = (slot: Record<string, unknown>) => JSON.stringify({ bots: [{ name: 'T', intents: [{ name: 'I', utterances: ['x'], slots: [{ name: 's', prompt: 'p', ...slot }] }] }] });
    assert.throws(() => parseLexBotFile(file({ type: 'AMAZON.Date' }), 'x.json'), /slot "s": type must be one of AMAZON\.Number, AMAZON\.AlphaNumeric, AMAZON\.FreeFormInput/);
    assert.throws(() => parseLexBotFile(file({ type: 'AMAZON.Number', values: ['1'] }), 'x.json'), /has both "type" and "values"/);
  });
});
