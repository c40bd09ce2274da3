import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeReaders,
  expandSnippet,
  extractAttributeUsage,
  mergeAttributeUsage,
  MissingEnvError,
  newRequestText,
  parseRequestText,
  InvalidRequestError,
  requestSnippets,
  wholeRequestSnippets,
  completionsAt,
  requestToStartChatContactInput,
  resolveEnvReferences,
} from '../../../src/core/request';
import { check } from './helpers';

// The reference's example B (AWS chat UI sample), trimmed: interpolation, Compare, TransferToFlow.
const flowB = JSON.stringify({
  Version: '2019-10-30',
  StartAction: 'WelcomeMessage',
  Actions: [
    { Parameters: {}, Identifier: 'end', Type: 'EndFlowExecution', Transitions: {} },
    {
      Parameters: { ContactFlowId: 'arn:aws:connect:us-west-2:123456789012:instance/i-1/contact-flow/ef4aed70-1' },
      Identifier: 'Test',
      Type: 'TransferToFlow',
      Transitions: { NextAction: 'end' },
    },
    { Parameters: { Text: '"verificationCode" is"$.Attributes.verificationCode"' }, Identifier: 'WelcomeMessage', Type: 'MessageParticipant', Transitions: { NextAction: 'cmp' } },
    {
      Parameters: { ComparisonValue: '$.Attributes.verificationCode' },
      Identifier: 'cmp',
      Type: 'Compare',
      Transitions: {
        NextAction: 'Test',
        Conditions: [
          { NextAction: 'Test', Condition: { Operator: 'Equals', Operands: ['foobar'] } },
          { NextAction: 'Test', Condition: { Operator: 'Equals', Operands: ['bazqux'] } },
        ],
        Errors: [{ NextAction: 'Test', ErrorType: 'NoMatchingCondition' }],
      },
    },
    {
      Parameters: { Attributes: { written: '$.Attributes.source', 'also-written': 'static' }, TargetContact: 'Current' },
      Identifier: 'set',
      Type: 'UpdateContactAttributes',
      Transitions: { NextAction: 'end' },
    },
    {
      Parameters: { LambdaFunctionARN: 'arn:aws:lambda:x', LambdaInvocationAttributes: { tier: "$.Attributes['customer-tier']", lex: "$.Attributes.['botName']" } },
      Identifier: 'lambda',
      Type: 'InvokeLambdaFunction',
      Transitions: { NextAction: 'end' },
    },
    { Parameters: { EventHooks: { CustomerQueue: 'queue-flow-1' } }, Identifier: 'hooks', Type: 'UpdateContactEventHooks', Transitions: { NextAction: 'end' } },
    { Parameters: { ContactFlowId: '$.Attributes.nextFlow' }, Identifier: 'dyn', Type: 'TransferToFlow', Transitions: {} },
  ],
});

describe('extractAttributeUsage', () => {
  it('finds every $.Attributes key the flow reads, in all three JSONPath spellings', () => {
    const u = extractAttributeUsage(flowB);
    assert.deepEqual(u.keys.map((k) => k.key), ['botName', 'customer-tier', 'nextFlow', 'source', 'verificationCode']);
  });

  it('collects the values Compare blocks test a key against, and the blocks that read it by name', () => {
    const k = extractAttributeUsage(flowB, 'Flow B').keys.find((x) => x.key === 'verificationCode')!;
    assert.deepEqual(k.values, ['foobar', 'bazqux']);
    assert.deepEqual(k.readBy.map((r) => `${r.block} | ${r.flow ?? ''}`).sort(), ['Check contact attributes | Flow B', 'Play prompt | Flow B']);
    assert.equal(describeReaders(k.readBy), 'Play prompt, Check contact attributes in Flow B');
    // Without the flow's name the blocks still read as names; merged usage keeps each flow's own.
    const merged = mergeAttributeUsage(extractAttributeUsage(flowB, 'Flow B'), extractAttributeUsage(flowB, 'Flow C'));
    assert.equal(describeReaders(merged.keys.find((x) => x.key === 'verificationCode')!.readBy), 'Play prompt, Check contact attributes in Flow B; Play prompt, Check contact attributes in Flow C');
    assert.equal(describeReaders(extractAttributeUsage(flowB).keys.find((x) => x.key === 'verificationCode')!.readBy), 'Play prompt, Check contact attributes');
  });

  it('does not list keys the flow only writes', () => {
    const keys = extractAttributeUsage(flowB).keys.map((k) => k.key);
    assert.ok(!keys.includes('written') && !keys.includes('also-written'));
  });

  it('lists static transfer targets (flow IDs from ARNs, event hooks), not dynamic ones', () => {
    assert.deepEqual(extractAttributeUsage(flowB).transfers, ['ef4aed70-1', 'queue-flow-1']);
  });

  it('accepts parsed content, legacy documents and garbage without throwing', () => {
    assert.equal(extractAttributeUsage(JSON.parse(flowB)).keys.length, 5);
    assert.deepEqual(extractAttributeUsage({ modules: [{ parameters: [{ value: '$.Attributes.legacy' }] }] }).keys.map((k) => k.key), ['legacy']);
    assert.deepEqual(extractAttributeUsage('not json'), { keys: [], transfers: [] });
  });

  it('merges usage across a flow and the flows it transfers to', () => {
    const other = extractAttributeUsage({
      Actions: [
        {
          Identifier: 'c2',
          Type: 'Compare',
          Parameters: { ComparisonValue: '$.Attributes.verificationCode' },
          Transitions: { Conditions: [{ Condition: { Operator: 'Equals', Operands: ['third'] } }] },
        },
      ],
    });
    const merged = mergeAttributeUsage(extractAttributeUsage(flowB), other);
    assert.deepEqual(merged.keys.find((k) => k.key === 'verificationCode')!.values, ['foobar', 'bazqux', 'third']);
  });
});

describe('environment references and the SDK input', () => {
  it('resolves ${env:NAME} in nested string values, leaving keys alone', () => {
    const r = resolveEnvReferences({ CustomerId: '${env:C}', Attributes: { '${env:K}': 'x-${env:C}-y' }, List: ['${env:C}'] }, { C: '42', K: 'no' });
    assert.deepEqual(r, { CustomerId: '42', Attributes: { '${env:K}': 'x-42-y' }, List: ['42'] });
  });

  it('names every missing variable and where it is used, never the values', () => {
    assert.throws(
      () => resolveEnvReferences({ CustomerId: '${env:SECRET_ID}', Attributes: { a: '${env:OTHER}' }, InstanceId: '${env:SET}' }, { SET: 'do-not-print' }),
      (e: unknown) => {
        assert.ok(e instanceof MissingEnvError);
        assert.match(e.message, /SECRET_ID, OTHER are not set: SECRET_ID \(in CustomerId\), OTHER \(in Attributes\.a\)/);
        assert.doesNotMatch(e.message, /do-not-print/);
        return true;
      },
    );
  });

  it('maps a request file to StartChatContact input: drops $schema, fills launch choices, resolves env', () => {
    const file = parseRequestText(readFileSync(join(process.cwd(), 'test/fixtures/requests/valid/persistent.chatreq.json'), 'utf8'));
    const input = requestToStartChatContactInput(file, { env: { PREVIOUS_CONTACT_ID: 'c-0', CHATREQ_CUSTOMER_ID: 'cust-9' } });
    assert.equal(input.CustomerId, 'cust-9');
    assert.deepEqual(input.PersistentChat, { RehydrationType: 'ENTIRE_PAST_SESSION', SourceContactId: 'c-0' });
    const bare = requestToStartChatContactInput({ $schema: 'x', Attributes: { a: '1' } }, { env: {}, instanceId: 'i', contactFlowId: 'f', displayName: 'D' });
    assert.deepEqual(bare, { Attributes: { a: '1' }, InstanceId: 'i', ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'D' } });
    assert.throws(() => requestToStartChatContactInput({}, { env: {} }), /InstanceId, ContactFlowId, ParticipantDetails are not set/);
  });

  it('parseRequestText refuses a file with errors, quoting the first one', () => {
    assert.throws(() => parseRequestText('{"ParticipantDetails": {"DisplayName": "A"}, "ChatDurationInMinutes": 1}'), (e: unknown) => e instanceof InvalidRequestError && /line 1, column 71/.test(e.message));
  });
});

describe('request snippets', () => {
  it('each snippet, placeholders at their defaults, is a valid request', () => {
    assert.ok(requestSnippets.length >= 4);
    for (const s of requestSnippets) {
      const text = expandSnippet(s.body);
      assert.deepEqual(check(text), [], `${s.name}:\n${text}`);
    }
  });

  it('covers persistent chat, the guide subtype and a markdown initial message', () => {
    const all = requestSnippets.map((s) => expandSnippet(s.body)).join('\n');
    assert.match(all, /"PersistentChat"/);
    assert.match(all, /"connect:Guide"/);
    assert.match(all, /"ContentType": "text\/markdown"/);
  });

  it('are offered where a whole request fits (an empty file), never inside a request', () => {
    const empty = wholeRequestSnippets('', 0)!;
    assert.deepEqual(empty.map((c) => c.label), requestSnippets.map((s) => s.prefix));
    assert.equal(empty[0].kind, 'snippet');
    assert.equal(empty[0].insertText, requestSnippets[0].body.join('\n'));
    // The word being typed is replaced; comments and blank lines around it do not count.
    const typed = '// my request\n\n  chatreq-re';
    const [c] = wholeRequestSnippets(typed, typed.length)!;
    assert.deepEqual(c.replace, { offset: typed.indexOf('chatreq-re'), length: 'chatreq-re'.length });
    // Inside an object, in Attributes, in a string value: nothing.
    for (const [text, at] of [['{}', 1], ['{"Attributes": { }}', 16], ['{"InstanceId": "instance-id"}', 20], ['{\n  chatreq\n}', 9]] as const) {
      assert.equal(wholeRequestSnippets(text, at), undefined, text);
      assert.ok(!completionsAt(text, at).some((x) => x.kind === 'snippet'), text);
    }
  });

  it('newRequestText writes a valid file, with the chosen instance and flow when given', () => {
    assert.deepEqual(check(newRequestText()), []);
    const text = newRequestText({ instanceId: 'i-1', contactFlowId: 'f-1', displayName: 'Tester' });
    assert.doesNotMatch(text, /\$schema/);
    assert.deepEqual(check(text), []);
    assert.match(text, /"InstanceId": "i-1"/);
  });
});
