import assert from 'node:assert/strict';
import { FlowValidationError, parseFlow } from '../../../src/sandbox/flow';
import { flowDoc, source, startContact } from './harness';

function rejects(doc: unknown, ...fragments: string[]): void {
  assert.throws(
    () => parseFlow(doc as object, 'Broken'),
    (err: unknown) => {
      assert.ok(err instanceof FlowValidationError, String(err));
      for (const f of fragments) assert.ok(err.message.includes(f), `"${err.message}" should mention ${f}`);
      return true;
    },
  );
}

const end: ReturnType<typeof flowDoc> = flowDoc('End', [['End', 'DisconnectParticipant']]);

describe('flow validation', () => {
  it('accepts a minimal flow and transitions without Errors/Conditions', () => {
    const flow = parseFlow(flowDoc('A', [['A', 'UpdateFlowLoggingBehavior', { FlowLoggingBehavior: 'Enabled' }, { NextAction: 'B' }], ['B', 'DisconnectParticipant']]), 'ok');
    assert.equal(flow.StartAction, 'A');
    assert.equal(flow.actions.size, 2);
  });

  it('rejects content that is not JSON, naming the flow', () => {
    rejects('{"Version": ', 'Flow "Broken"', 'not valid JSON');
  });

  it('rejects a wrong Version and the legacy export format', () => {
    rejects({ ...end, Version: '2020-01-01' }, 'Version must be "2019-10-30"');
    rejects({ modules: [], version: '1', start: 'x' }, 'legacy console export');
  });

  it('rejects a StartAction that names no action', () => {
    rejects({ ...end, StartAction: 'Nope' }, 'StartAction', 'Nope');
  });

  it('rejects bad, duplicate and reserved identifiers', () => {
    rejects(flowDoc('a:b', [['a:b', 'DisconnectParticipant']]), 'action "a:b"', 'Identifier may not contain');
    rejects(flowDoc('x', [['x', 'DisconnectParticipant'], ['x', 'DisconnectParticipant']]), 'Actions[1].Identifier "x"', 'unique');
    rejects(flowDoc('toString', [['toString', 'DisconnectParticipant']]), 'reserved');
    rejects(flowDoc('x'.repeat(51), [['x'.repeat(51), 'DisconnectParticipant']]), '1 to 50 characters');
  });

  it('rejects a transition to an unknown action, naming the action and field', () => {
    rejects(flowDoc('A', [['A', 'MessageParticipant', { Text: 'hi' }, { NextAction: 'Ghost' }]]), 'action "A" (MessageParticipant)', 'Transitions.NextAction "Ghost"');
    rejects(
      flowDoc('A', [['A', 'Compare', { ComparisonValue: '$.Attributes.x' }, { Conditions: [{ NextAction: 'Ghost', Condition: { Operator: 'Equals', Operands: ['1'] } }] }]]),
      'Transitions.Conditions[0].NextAction "Ghost"',
    );
    rejects(flowDoc('A', [['A', 'TransferToFlow', { ContactFlowId: 'f' }, { Errors: [{ NextAction: 'Ghost', ErrorType: 'NoMatchingError' }] }]]), 'Transitions.Errors[0].NextAction');
  });

  it('rejects malformed Conditions and unknown operators', () => {
    rejects(flowDoc('A', [['A', 'Compare', { ComparisonValue: '$.Attributes.x' }, { Conditions: [{ NextAction: 'A', Condition: { Operator: 'Equals' } }] }]]), 'Conditions[0].Condition.Operands');
    rejects(flowDoc('A', [['A', 'Compare', { ComparisonValue: '$.Attributes.x' }, { Conditions: [{ NextAction: 'A', Condition: { Operator: 'Matches', Operands: ['1'] } }] }]]), 'Operator "Matches"', 'Equals');
  });

  it('rejects missing or mistyped parameters, naming the field', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['MessageParticipant', {}, 'exactly one of Text, SSML, PromptId or Media'],
      ['MessageParticipant', { Text: 5 }, 'Parameters.Text must be a string'],
      ['Compare', {}, 'Parameters.ComparisonValue is required'],
      ['ConnectParticipantWithLexBot', { Text: 'hi' }, 'LexV2Bot'],
      ['ConnectParticipantWithLexBot', { LexV2Bot: {} }, 'Parameters.LexV2Bot.AliasArn'],
      ['UpdateContactAttributes', {}, 'Parameters.Attributes is required'],
      ['UpdateContactAttributes', { Attributes: { a: 1 } }, 'Parameters.Attributes.a must be a string'],
      ['UpdateContactAttributes', { Attributes: {}, TargetContact: 'Other' }, 'Parameters.TargetContact'],
      ['Wait', { TimeoutSeconds: '0' }, 'Parameters.TimeoutSeconds'],
      ['Wait', { TimeoutSeconds: '604801' }, 'Parameters.TimeoutSeconds'],
      ['Wait', { TimeoutSeconds: '5', Events: ['AgentJoined'] }, 'Parameters.Events'],
      ['UpdateFlowLoggingBehavior', { FlowLoggingBehavior: 'On' }, 'Parameters.FlowLoggingBehavior'],
      ['UpdateContactTargetQueue', {}, 'exactly one of QueueId or AgentId'],
      ['TransferToFlow', {}, 'Parameters.ContactFlowId is required'],
      ['InvokeLambdaFunction', {}, 'Parameters.LambdaFunctionARN is required'],
      ['InvokeLambdaFunction', { LambdaFunctionARN: 'f', InvocationTimeLimitSeconds: '9' }, 'InvocationTimeLimitSeconds'],
      ['InvokeLambdaFunction', { LambdaFunctionARN: 'f', ResponseValidation: { ResponseType: 'XML' } }, 'ResponseType'],
      ['UpdateContactEventHooks', { EventHooks: { CustomerQueue: 'a', CustomerWhisper: 'b' } }, 'exactly one entry'],
      ['UpdateContactEventHooks', { EventHooks: { Nope: 'a' } }, 'EventHooks key "Nope"'],
    ];
    for (const [type, params, fragment] of cases) {
      rejects(flowDoc('Block', [['Block', type, params]]), `action "Block" (${type})`, fragment);
    }
  });

  it('rejects more than 250 actions', () => {
    const actions: Array<[string, string]> = Array.from({ length: 251 }, (_, i) => [`a${i}`, 'DisconnectParticipant']);
    rejects(flowDoc('a0', actions), 'at most 250');
  });

  it('a contact whose flow is malformed gets a visible notice and the chat ends with an error', () => {
    const bad = source('main', { Version: '2019-10-30', StartAction: 'A', Actions: [{ Identifier: 'A', Type: 'Compare', Parameters: {}, Transitions: {} }] });
    const c = startContact([bad]);
    assert.equal(c.control.endedWith, 'ERROR');
    assert.match(c.control.notices()[0], /action "A" \(Compare\): Parameters.ComparisonValue is required/);
    assert.equal(c.trace().status, 'ended');
  });

  it('a contact whose flow does not exist gets a notice and ends', () => {
    const c = startContact([], { contactFlowId: 'missing-flow' });
    assert.equal(c.control.endedWith, 'ERROR');
    assert.match(c.control.notices()[0], /flow "missing-flow" was not found/);
  });
});

describe('flow validation: odd documents never throw out of the runtime', () => {
  const odd: unknown[] = [
    null, 42, 'text', [], {}, { Version: '2019-10-30' }, { Version: '2019-10-30', StartAction: 'A', Actions: [null] },
    { Version: '2019-10-30', StartAction: 'A', Actions: [{ Identifier: 'A', Type: 'MessageParticipant', Parameters: [], Transitions: {} }] },
    { Version: '2019-10-30', StartAction: 'A', Actions: [{ Identifier: 'A', Type: 'Compare', Parameters: { ComparisonValue: 'x' }, Transitions: { Conditions: 'no' } }] },
    { Version: '2019-10-30', StartAction: 'A', Actions: [{ Identifier: 'A', Type: 'Wait', Parameters: { TimeoutSeconds: '5' }, Transitions: { Errors: [{ ErrorType: 1 }] } }] },
    { Version: '2019-10-30', StartAction: '__proto__', Actions: [{ Identifier: '__proto__', Type: 'DisconnectParticipant' }] },
  ];
  for (const [i, doc] of odd.entries()) {
    it(`document #${i} ends the chat with a notice naming the problem`, () => {
      const c = startContact([{ id: 'main', arn: 'arn:main', name: 'Odd', content: typeof doc === 'string' ? doc : (doc as object) }]);
      assert.equal(c.control.endedWith, 'ERROR');
      assert.match(c.control.notices()[0], /^Flow "Odd": /);
    });
  }
});
