import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingControl, flowDoc, fixtures, instanceArn, source, startContact, type ActionSpec } from './harness';

const bye: ActionSpec = ['Bye', 'DisconnectParticipant'];
const say = (id: string, text: string, next = 'Bye'): ActionSpec => ['' + id, 'MessageParticipant', { Text: text }, { NextAction: next }];
const err = (next: string, type = 'NoMatchingError') => [{ ErrorType: type, NextAction: next }];

function run(actions: ActionSpec[], overrides = {}, options = {}) {
  return startContact([source('main', flowDoc(actions[0][0], actions))], overrides, options);
}

describe('flow actions on chat', () => {
  describe('MessageParticipant', () => {
    it('posts Text as a SYSTEM message from SYSTEM_MESSAGE, then follows NextAction', () => {
      const c = run([say('Hello', 'Hi $.Attributes.name!'), bye], { attributes: { name: 'Ana' } });
      const msg = c.control.items.find((i) => i.Type === 'MESSAGE');
      assert.deepEqual(
        { Type: msg?.Type, ContentType: msg?.ContentType, Content: msg?.Content, ParticipantRole: msg?.ParticipantRole, DisplayName: msg?.DisplayName },
        { Type: 'MESSAGE', ContentType: 'text/plain', Content: 'Hi Ana!', ParticipantRole: 'SYSTEM', DisplayName: 'SYSTEM_MESSAGE' },
      );
      assert.equal(msg?.ParticipantId, undefined, 'the service layer assigns the SYSTEM participant id');
      assert.deepEqual(c.branches(), ['Hello:Success', 'Bye:End']);
      assert.equal(c.control.endedWith, 'FLOW_DISCONNECT');
    });

    it('takes the Error branch for voice-only prompts (PromptId, SSML)', () => {
      for (const params of [{ PromptId: 'arn:prompt' }, { SSML: '<speak>hi</speak>' }]) {
        const c = run([['P', 'MessageParticipant', params, { NextAction: 'Bye', Errors: err('E') }], say('E', 'error'), bye]);
        assert.deepEqual(c.control.texts(), ['error']);
        assert.equal(c.trace().steps[0].branch, 'Error: NoMatchingError');
      }
    });
  });

  describe('Compare', () => {
    const operators: Array<[string, string, string, boolean]> = [
      ['Equals', 'gold', 'gold', true], ['Equals', 'gold', 'Gold', false],
      ['TextContains', 'platinum gold', 'gold', true], ['TextContains', 'silver', 'gold', false],
      ['TextStartsWith', 'gold-1', 'gold', true], ['TextStartsWith', 'x-gold', 'gold', false],
      ['TextEndsWith', 'rose-gold', 'gold', true], ['TextEndsWith', 'gold-x', 'gold', false],
      ['NumberGreaterThan', '10', '9', true], ['NumberGreaterThan', '9', '9', false],
      ['NumberGreaterOrEqualTo', '9', '9', true], ['NumberGreaterOrEqualTo', '8.5', '9', false],
      ['NumberLessThan', '2', '10', true], ['NumberLessThan', 'abc', '10', false],
      ['NumberLessOrEqualTo', '10', '10', true], ['NumberLessOrEqualTo', '11', '10', false],
    ];
    for (const [op, value, operand, holds] of operators) {
      it(`${op}: ${JSON.stringify(value)} vs ${JSON.stringify(operand)} ${holds ? 'matches' : 'does not match'}`, () => {
        const c = run([
          ['Check', 'Compare', { ComparisonValue: '$.Attributes.v' }, {
            NextAction: 'No', Conditions: [{ NextAction: 'Yes', Condition: { Operator: op, Operands: [operand] } }], Errors: err('No', 'NoMatchingCondition'),
          }],
          say('Yes', 'yes'), say('No', 'no'), bye,
        ], { attributes: { v: value } });
        assert.deepEqual(c.control.texts(), [holds ? 'yes' : 'no']);
        assert.equal(c.trace().steps[0].branch, holds ? `Condition: ${op} "${operand}"` : 'Error: NoMatchingCondition');
        assert.equal(c.trace().steps[0].note, `value "${value}"`);
      });
    }

    it('takes the first matching condition in flow order', () => {
      const c = run([
        ['Check', 'Compare', { ComparisonValue: '$.Attributes.v' }, { Conditions: [
          { NextAction: 'A', Condition: { Operator: 'NumberGreaterThan', Operands: ['1'] } },
          { NextAction: 'B', Condition: { Operator: 'NumberGreaterThan', Operands: ['5'] } },
        ] }],
        say('A', 'first'), say('B', 'second'), bye,
      ], { attributes: { v: '10' } });
      assert.deepEqual(c.control.texts(), ['first']);
    });

    it('a missing attribute matches nothing; without a NoMatchingCondition branch NextAction is taken', () => {
      const c = run([
        ['Check', 'Compare', { ComparisonValue: '$.Attributes.absent' }, { NextAction: 'Default', Conditions: [{ NextAction: 'A', Condition: { Operator: 'Equals', Operands: [''] } }] }],
        say('A', 'matched'), say('Default', 'default'), bye,
      ]);
      assert.deepEqual(c.control.texts(), ['default']);
      assert.equal(c.trace().steps[0].note, 'no value; no NoMatchingCondition branch: took NextAction');
    });
  });

  describe('errors without a wired branch', () => {
    it('fall back to NoMatchingError, and with none the flow ends and the chat is disconnected', () => {
      const c1 = run([['T', 'TransferContactToQueue', {}, { NextAction: 'Bye', Errors: err('E') }], say('E', 'caught'), bye]);
      assert.deepEqual(c1.control.texts(), ['caught']);
      const c2 = run([['T', 'TransferContactToQueue', {}, { NextAction: 'Bye' }], bye]);
      assert.deepEqual(c2.branches(), ['T:Error: NoMatchingError']);
      assert.equal(c2.control.endedWith, 'FLOW_DISCONNECT');
      assert.match(c2.trace().steps[0].note ?? '', /no branch for NoMatchingError: the flow ends/);
    });

    it('a flow that runs off its last block disconnects the chat', () => {
      const c = run([['Only', 'MessageParticipant', { Text: 'one' }, {}]]);
      assert.equal(c.control.endedWith, 'FLOW_DISCONNECT');
      assert.equal(c.trace().endReason, 'the flow ended');
    });
  });

  describe('Wait', () => {
    const wait = (events?: string[]): ActionSpec => ['W', 'Wait', { TimeoutSeconds: '60', ...(events ? { Events: events } : {}) }, {
      Conditions: [
        { NextAction: 'Timeout', Condition: { Operator: 'Equals', Operands: ['WaitCompleted'] } },
        { NextAction: 'Back', Condition: { Operator: 'Equals', Operands: ['CustomerReturned'] } },
      ],
      Errors: err('E'),
    }];

    it('times out on the sandbox clock with WaitCompleted', () => {
      const c = run([wait(['CustomerReturned']), say('Timeout', 'timed out'), say('Back', 'welcome back'), say('E', 'error'), bye]);
      assert.equal(c.trace().status, 'waiting');
      assert.deepEqual(c.trace().waitingOn?.identifier, 'W');
      c.control.advance(59_999);
      assert.deepEqual(c.control.texts(), []);
      c.control.advance(1);
      assert.deepEqual(c.control.texts(), ['timed out']);
      assert.equal(c.trace().steps[0].branch, 'Condition: Equals "WaitCompleted"');
      assert.equal(c.trace().steps[0].time, '2026-11-23T15:01:00.000Z');
    });

    it('a customer message ends the wait with CustomerReturned and cancels the timer', () => {
      const c = run([wait(['CustomerReturned']), say('Timeout', 'timed out'), say('Back', 'welcome back'), say('E', 'error'), bye]);
      c.say('hello?');
      assert.deepEqual(c.control.texts(), ['hello?', 'welcome back']);
      assert.equal(c.control.pendingTimers(), 0);
    });

    it('without the CustomerReturned event, customer messages do not interrupt', () => {
      const c = run([wait(), say('Timeout', 'timed out'), say('Back', 'welcome back'), say('E', 'error'), bye]);
      c.say('hello?');
      assert.equal(c.trace().status, 'waiting');
      c.control.advance(60_000);
      assert.deepEqual(c.control.texts(), ['hello?', 'timed out']);
    });

    it('BotParticipantDisconnected takes ParticipantNotFound (no bot participant in the chat)', () => {
      const c = run([['W', 'Wait', { TimeoutSeconds: '5', Events: ['BotParticipantDisconnected'] }, { Errors: [{ ErrorType: 'ParticipantNotFound', NextAction: 'P' }] }], say('P', 'no bot'), bye]);
      assert.deepEqual(c.control.texts(), ['no bot']);
    });

    it('a dynamic timeout comes from an attribute; a bad one takes the Error branch', () => {
      const c = run([['W', 'Wait', { TimeoutSeconds: '$.Attributes.t' }, { Conditions: [{ NextAction: 'Done', Condition: { Operator: 'Equals', Operands: ['WaitCompleted'] } }], Errors: err('E') }], say('Done', 'done'), say('E', 'error'), bye], { attributes: { t: '2' } });
      c.control.advance(2000);
      assert.deepEqual(c.control.texts(), ['done']);
      const bad = run([['W', 'Wait', { TimeoutSeconds: '$.Attributes.t' }, { Errors: err('E') }], say('E', 'error'), bye], { attributes: { t: 'soon' } });
      assert.deepEqual(bad.control.texts(), ['error']);
    });

    it('the customer leaving while the flow waits cancels its timer and ends the trace', () => {
      const c = run([wait(), say('Timeout', 'timed out'), say('Back', 'b'), say('E', 'e'), bye]);
      c.runtime.contactEnded(c.contactId);
      assert.equal(c.control.pendingTimers(), 0);
      assert.equal(c.trace().status, 'ended');
      assert.equal(c.trace().endReason, 'ended by the service (customer disconnect, StopContact or expiry)');
      assert.deepEqual(c.branches(), ['W:Interrupted']);
      c.control.advance(120_000);
      assert.deepEqual(c.control.texts(), []);
    });
  });

  describe('queues', () => {
    const queueArn = `${instanceArn}/queue/q-support`;
    it('UpdateContactTargetQueue + TransferContactToQueue post transfer.succeeded and leave the chat waiting in the queue', () => {
      const c = run([
        ['Q', 'UpdateContactTargetQueue', { QueueId: queueArn }, { NextAction: 'T', Errors: err('E') }],
        ['T', 'TransferContactToQueue', {}, { NextAction: 'E', Errors: [...err('E', 'QueueAtCapacity'), ...err('E')] }],
        say('E', 'error'), bye,
      ]);
      const transfer = c.control.items.find((i) => i.ContentType.endsWith('transfer.succeeded'));
      assert.equal(transfer?.Type, 'EVENT');
      assert.equal(transfer?.ContentType, 'application/vnd.amazonaws.connect.event.transfer.succeeded');
      assert.equal(c.control.endedWith, undefined, 'the chat stays open');
      assert.equal(c.trace().status, 'queued');
      assert.deepEqual(c.trace().queue, { id: 'q-support', arn: queueArn, name: 'q-support' });
      assert.deepEqual(c.branches(), ['Q:Success', 'T:End']);
      c.say('anyone there?');
      assert.deepEqual(c.control.texts(), ['anyone there?']);
    });

    it('uses findQueue for names, takes QueueAtCapacity, and errors without a queue or for an unknown one', () => {
      const options = {
        findQueue: (_i: string, ref: string) =>
          ref === 'Busy' ? { id: 'q2', arn: `${instanceArn}/queue/q2`, name: 'Busy', atCapacity: true } : undefined,
      };
      const flow: ActionSpec[] = [
        ['Q', 'UpdateContactTargetQueue', { QueueId: '$.Attributes.queue' }, { NextAction: 'T', Errors: err('NoQueue') }],
        ['T', 'TransferContactToQueue', {}, { Errors: [...err('Full', 'QueueAtCapacity'), ...err('E')] }],
        say('Full', 'full'), say('NoQueue', 'no such queue'), say('E', 'error'), bye,
      ];
      assert.deepEqual(run(flow, { attributes: { queue: 'Busy' } }, options).control.texts(), ['full']);
      assert.deepEqual(run(flow, { attributes: { queue: 'Ghost' } }, options).control.texts(), ['no such queue']);
      assert.deepEqual(run([['T', 'TransferContactToQueue', {}, { Errors: err('E') }], say('E', 'error'), bye]).control.texts(), ['error']);
    });

    it('runs the CustomerQueue hook flow while the chat waits in the queue', () => {
      const queueFlow = flowDoc('Q1', [
        ['Q1', 'MessageParticipant', { Text: 'You are in the queue.' }, { NextAction: 'QW' }],
        ['QW', 'Wait', { TimeoutSeconds: '30' }, { Conditions: [{ NextAction: 'Q2', Condition: { Operator: 'Equals', Operands: ['WaitCompleted'] } }] }],
        ['Q2', 'MessageParticipant', { Text: 'Still waiting, thanks.' }, { NextAction: 'QEnd' }],
        ['QEnd', 'EndFlowExecution'],
      ]);
      const main = flowDoc('H', [
        ['H', 'UpdateContactEventHooks', { EventHooks: { CustomerQueue: 'queue-flow' } }, { NextAction: 'Q', Errors: err('E') }],
        ['Q', 'UpdateContactTargetQueue', { QueueId: 'q1' }, { NextAction: 'T' }],
        ['T', 'TransferContactToQueue', {}, { Errors: err('E') }],
        say('E', 'error'), bye,
      ]);
      const c = startContact([source('main', main), source('queue-flow', queueFlow, 'Queue messages')]);
      assert.deepEqual(c.control.texts(), ['You are in the queue.']);
      c.control.advance(30_000);
      assert.deepEqual(c.control.texts(), ['You are in the queue.', 'Still waiting, thanks.']);
      assert.equal(c.control.endedWith, undefined, 'ending the queue flow keeps the chat in the queue');
      assert.equal(c.trace().status, 'queued');
      assert.deepEqual(c.trace().steps.map((s) => s.flowName), ['main', 'main', 'main', 'Queue messages', 'Queue messages', 'Queue messages', 'Queue messages']);
    });
  });

  describe('UpdateContactEventHooks', () => {
    it('Set hold flow (CustomerHold) takes the Error branch on chat', () => {
      const c = run([['H', 'UpdateContactEventHooks', { EventHooks: { CustomerHold: 'hold' } }, { NextAction: 'Bye', Errors: err('E') }], say('E', 'error'), bye]);
      assert.deepEqual(c.control.texts(), ['error']);
      assert.match(c.trace().steps[0].note ?? '', /not supported on chat/);
    });
    it('a hook naming an unknown flow takes the Error branch', () => {
      const c = run([['H', 'UpdateContactEventHooks', { EventHooks: { CustomerQueue: 'nope' } }, { NextAction: 'Bye', Errors: err('E') }], say('E', 'error'), bye]);
      assert.deepEqual(c.control.texts(), ['error']);
    });
  });

  describe('TransferToFlow', () => {
    it('continues in the target flow (by ARN, ID or a dynamic name) and records it in the trace', () => {
      const target = flowDoc('T1', [['T1', 'MessageParticipant', { Text: 'in target, flow attr [$.FlowAttributes.x]' }, { NextAction: 'T2' }], ['T2', 'DisconnectParticipant']]);
      for (const ref of [`${instanceArn}/contact-flow/target`, 'target', '$.Attributes.next']) {
        const main = flowDoc('FA', [
          ['FA', 'UpdateFlowAttributes', { FlowAttributes: { x: { Value: 'main-only' } } }, { NextAction: 'Go' }],
          ['Go', 'TransferToFlow', { ContactFlowId: ref }, { NextAction: 'E', Errors: err('E') }],
          say('E', 'error'), bye,
        ]);
        const c = startContact([source('main', main), source('target', target, 'Target flow')], { attributes: { next: 'Target flow' } });
        assert.deepEqual(c.control.texts(), ['in target, flow attr []'], `flow attributes do not carry over (${ref})`);
        assert.deepEqual(c.branches(), ['FA:Success', 'Go:Success', 'T1:Success', 'T2:End']);
        assert.equal(c.trace().steps[2].flowName, 'Target flow');
      }
    });

    it('an unknown or malformed target takes the Error branch', () => {
      const broken = source('broken', { Version: '2019-10-30', StartAction: 'X', Actions: [] });
      for (const ref of ['ghost', 'broken']) {
        const main = flowDoc('Go', [['Go', 'TransferToFlow', { ContactFlowId: ref }, { Errors: err('E') }], say('E', 'error'), bye]);
        const c = startContact([source('main', main), broken]);
        assert.deepEqual(c.control.texts(), ['error']);
      }
    });
  });

  describe('InvokeLambdaFunction', () => {
    const options = { lambdaMockFile: join(fixtures, 'lambda-mocks.json') };
    const lambda = (params: Record<string, unknown>): ActionSpec[] => [
      ['L', 'InvokeLambdaFunction', params, { NextAction: 'Say', Errors: err('E') }],
      say('Say', 'tier=$.External.tier balance=$.External.balance city=$.External.profile.address.city'),
      say('E', 'lambda error'), bye,
    ];

    it('exposes the mock response under $.External (matched by ARN)', () => {
      const c = run(lambda({ LambdaFunctionARN: 'arn:aws:lambda:us-west-2:111122223333:function:LookupCustomer', InvocationTimeLimitSeconds: '3' }), {}, options);
      assert.deepEqual(c.control.texts(), ['tier=gold balance= city=']);
      assert.deepEqual(c.trace().external, { tier: 'gold', firstName: 'Ana', openCases: '2' });
    });

    it('chooses a case by the invocation parameters, falling back to the default response', () => {
      const params = (account: string) => ({ LambdaFunctionARN: 'arn:aws:lambda:us-west-2:111122223333:function:CheckBalance:live', LambdaInvocationAttributes: { accountId: account } });
      assert.deepEqual(run(lambda(params('42')), {}, options).control.texts(), ['tier= balance=10.50 city=']);
      assert.deepEqual(run(lambda(params('7')), {}, options).control.texts(), ['tier= balance=0.00 city=']);
      assert.deepEqual(run(lambda(params('$.Attributes.acct')), { attributes: { acct: '42' } }, options).control.texts(), ['tier= balance=10.50 city=']);
      assert.deepEqual(run(lambda(params('0')), {}, options).control.texts(), ['lambda error']);
    });

    it('JSON responses keep nesting; STRING_MAP rejects nested values', () => {
      const arn = 'CustomerProfile';
      assert.deepEqual(run(lambda({ LambdaFunctionARN: arn, ResponseValidation: { ResponseType: 'JSON' } }), {}, options).control.texts(), ['tier= balance= city=Lisbon']);
      const c = run(lambda({ LambdaFunctionARN: arn }), {}, options);
      assert.deepEqual(c.control.texts(), ['lambda error']);
      assert.match(c.trace().steps[0].note ?? '', /STRING_MAP needs flat values/);
    });

    it('a mock slower than InvocationTimeLimitSeconds times out into the Error branch', () => {
      const c = run(lambda({ LambdaFunctionARN: 'SlowFunction', InvocationTimeLimitSeconds: '8' }), {}, options);
      assert.deepEqual(c.control.texts(), ['lambda error']);
      assert.match(c.trace().steps[0].note ?? '', /timeout/);
    });

    it('no mock for the function, or no mock file: Error branch with a visible notice', () => {
      const c1 = run(lambda({ LambdaFunctionARN: 'Unknown' }), {}, options);
      assert.deepEqual(c1.control.texts(), ['lambda error']);
      assert.match(c1.control.notices()[0], /has no mock for Unknown/);
      const c2 = run(lambda({ LambdaFunctionARN: 'Unknown' }));
      assert.match(c2.control.notices()[0], /no Lambda mock file is configured/);
      const c3 = run(lambda({ LambdaFunctionARN: 'Unknown' }), {}, { lambdaMockFile: join(fixtures, 'nope.json') });
      assert.match(c3.control.notices()[0], /nope.json: file not found/);
    });
  });

  describe('CheckHoursOfOperation', () => {
    const hours = [{
      HoursOfOperationId: 'hours-1', Name: 'Office', TimeZone: 'Europe/Lisbon',
      Config: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((Day) => ({ Day, StartTime: { Hours: 9, Minutes: 0 }, EndTime: { Hours: 17, Minutes: 0 } })),
    }] as never;
    const check = (params: Record<string, unknown>, pre: ActionSpec[] = []): ActionSpec[] => [
      ...pre,
      ['H', 'CheckHoursOfOperation', params, { Conditions: [
        { NextAction: 'In', Condition: { Operator: 'Equals', Operands: ['True'] } },
        { NextAction: 'Out', Condition: { Operator: 'Equals', Operands: ['False'] } },
      ], Errors: err('E') }],
      say('In', 'open'), say('Out', 'closed'), say('E', 'error'), bye,
    ];

    it('is True inside and False outside the hours, on the configured clock', () => {
      const at = (iso: string) => ({ hoursOfOperation: hours, clock: () => new Date(iso) });
      assert.deepEqual(run(check({ HoursOfOperationId: 'hours-1' }), {}, at('2026-11-23T10:00:00Z')).control.texts(), ['open']); // Monday 10:00 Lisbon
      assert.deepEqual(run(check({ HoursOfOperationId: 'Office' }), {}, at('2026-11-23T18:30:00Z')).control.texts(), ['closed']);
      assert.deepEqual(run(check({ HoursOfOperationId: `${instanceArn}/operating-hours/hours-1` }), {}, at('2026-11-22T10:00:00Z')).control.texts(), ['closed']); // Sunday
    });

    it('defaults to the contact clock, and to the working queue hours when no ID is given', () => {
      const options = {
        hoursOfOperation: hours,
        findQueue: () => ({ id: 'q1', arn: `${instanceArn}/queue/q1`, name: 'Support', hoursOfOperationId: 'hours-1' }),
      };
      const c = run(check({}, [['Q', 'UpdateContactTargetQueue', { QueueId: 'Support' }, { NextAction: 'H' }]]), {}, options);
      assert.deepEqual(c.control.texts(), ['open']); // RecordingControl starts Monday 15:00Z
    });

    it('unknown hours, or no ID and no queue, take the Error branch', () => {
      assert.deepEqual(run(check({ HoursOfOperationId: 'ghost' }), {}, { hoursOfOperation: hours }).control.texts(), ['error']);
      assert.deepEqual(run(check({})).control.texts(), ['error']);
    });

    it('reads hours from a workspace file, and reports a bad file or unknown hours visibly', () => {
      const dir = mkdtempSync(join(tmpdir(), 'chatreq-hours-'));
      try {
        const file = join(dir, 'hours-of-operation.json');
        writeFileSync(file, JSON.stringify({ hoursOfOperation: [{ HoursOfOperationId: 'night', TimeZone: 'UTC', Config: [{ Day: 'MONDAY', StartTime: { Hours: 22, Minutes: 0 }, EndTime: { Hours: 6, Minutes: 0 } }] }] }));
        const options = { hoursOfOperationFile: file, clock: () => new Date('2026-11-23T23:30:00Z') };
        assert.deepEqual(run(check({ HoursOfOperationId: 'night' }), {}, options).control.texts(), ['open']);
        const unknown = run(check({ HoursOfOperationId: 'day' }), {}, options);
        assert.deepEqual(unknown.control.texts(), ['error']);
        assert.match(unknown.control.notices()[0], /no hours of operation "day" in the sandbox; add them to hours-of-operation.json/);
        writeFileSync(file, JSON.stringify({ hoursOfOperation: [{ HoursOfOperationId: 'night', TimeZone: 'UTC', Config: [{ Day: 'Funday' }] }] }));
        utimesSync(file, new Date(), new Date(Date.now() + 5000));
        const bad = run(check({ HoursOfOperationId: 'night' }), {}, options);
        assert.deepEqual(bad.control.texts(), ['error']);
        assert.match(bad.control.notices()[0], /hours-of-operation.json: hoursOfOperation\[0\].Config\[0\].Day must be one of/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('rejects malformed hours options with the field named', () => {
      assert.throws(() => run([bye], {}, { hoursOfOperation: [{ HoursOfOperationId: 'h', TimeZone: 'Mars/Olympus', Config: [] }] }), /hoursOfOperation\[0\].TimeZone "Mars\/Olympus"/);
    });
  });

  describe('DistributeByPercentage', () => {
    const flow: ActionSpec[] = [
      ['D', 'DistributeByPercentage', {}, { Conditions: [
        { NextAction: 'A', Condition: { Operator: 'NumberLessThan', Operands: ['31'] } },
        { NextAction: 'B', Condition: { Operator: 'NumberLessThan', Operands: ['101'] } },
      ], Errors: err('E', 'NoMatchingCondition') }],
      say('A', 'A'), say('B', 'B'), say('E', 'none'), bye,
    ];

    it('is reproducible for a seed and splits roughly by the percentages', () => {
      const sequence = (seed: number) => {
        const out: string[] = [];
        const c0 = run(flow, {}, { seed });
        out.push(...c0.control.texts());
        for (let i = 0; i < 199; i++) out.push(...startContact(c0.runtime).control.texts());
        return out;
      };
      const first = sequence(42);
      assert.deepEqual(sequence(42), first);
      assert.notDeepEqual(sequence(43), first);
      const shareA = first.filter((x) => x === 'A').length / first.length;
      assert.ok(shareA > 0.18 && shareA < 0.42, `share of A ${shareA}`);
      const drawn = run(flow, {}, { seed: 1 }).trace().steps[0].note ?? '';
      assert.match(drawn, /^drew (100|[1-9][0-9]?)$/);
    });
  });

  describe('DistributeByPercentage operator spelling', () => {
    it('accepts NumericLessThan (as the action page spells it) like NumberLessThan', () => {
      const c = run([['D', 'DistributeByPercentage', {}, { Conditions: [{ NextAction: 'A', Condition: { Operator: 'NumericLessThan', Operands: ['101'] } }], Errors: err('Bye', 'NoMatchingCondition') }], say('A', 'always'), bye]);
      assert.deepEqual(c.control.texts(), ['always']);
    });
  });

  describe('Loop', () => {
    it('continues LoopCount times, then is done once, then starts over', () => {
      const c = run([
        say('Ask', 'try', 'L'),
        ['L', 'Loop', { LoopCount: '2' }, { Conditions: [
          { NextAction: 'Ask', Condition: { Operator: 'Equals', Operands: ['ContinueLooping'] } },
          { NextAction: 'Out', Condition: { Operator: 'Equals', Operands: ['DoneLooping'] } },
        ] }],
        say('Out', 'done'), bye,
      ]);
      assert.deepEqual(c.control.texts(), ['try', 'try', 'try', 'done']);
      assert.deepEqual(c.trace().steps.filter((s) => s.type === 'Loop').map((s) => s.note), ['ContinueLooping (1/2)', 'ContinueLooping (2/2)', 'DoneLooping (2/2)']);
    });

    it('a bad dynamic count takes the Error branch; a bad static one is a malformed flow', () => {
      const c = run([['L', 'Loop', { LoopCount: '$.Attributes.n' }, { Errors: err('E') }], say('E', 'error'), bye], { attributes: { n: 'many' } });
      assert.deepEqual(c.control.texts(), ['error']);
      const bad = run([['L', 'Loop', { LoopCount: '101' }, {}]]);
      assert.match(bad.control.notices()[0], /action "L" \(Loop\): Parameters.LoopCount must be a whole number from 0 to 100/);
    });
  });

  describe('other blocks', () => {
    it('UpdateFlowLoggingBehavior sets the trace flag', () => {
      const c = run([['L', 'UpdateFlowLoggingBehavior', { FlowLoggingBehavior: 'Enabled' }, { NextAction: 'Bye' }], bye]);
      assert.equal(c.trace().flowLogging, true);
    });

    it('EndFlowExecution in the contact flow ends the chat', () => {
      const c = run([say('S', 'bye', 'End'), ['End', 'EndFlowExecution']]);
      assert.equal(c.control.endedWith, 'FLOW_DISCONNECT');
      assert.deepEqual(c.branches(), ['S:Success', 'End:End']);
    });

    it('GetParticipantInput (without Lex) takes the Error branch on chat', () => {
      const c = run([['G', 'GetParticipantInput', { Text: 'Press 1', StoreInput: 'False', InputTimeLimitSeconds: '5' }, { NextAction: 'Bye', Errors: [...err('T', 'InputTimeLimitExceeded'), ...err('E')] }], say('T', 'timeout'), say('E', 'error'), bye]);
      assert.deepEqual(c.control.texts(), ['error']);
      assert.match(c.trace().steps[0].note ?? '', /only with Amazon Lex/);
      assert.deepEqual(c.control.notices(), [], 'Connect behaviour, not a sandbox gap: no notice');
    });

    it('Loop prompts (MessageParticipantIteratively) takes the Error branch on chat', () => {
      const c = run([['L', 'MessageParticipantIteratively', { Messages: [{ Text: 'hold on' }] }, { Errors: err('E') }], say('E', 'error'), bye]);
      assert.deepEqual(c.control.texts(), ['error']);
    });

    it('an unknown action type takes NoMatchingError and leaves a visible unsupported-block notice', () => {
      const c = run([['X', 'FrobnicateContact', { Level: 3 }, { NextAction: 'Bye', Errors: err('E') }], say('E', 'error'), bye]);
      assert.deepEqual(c.control.texts(), ['error']);
      assert.equal(c.control.notices().length, 1);
      assert.match(c.control.notices()[0], /Unsupported block "X" \(FrobnicateContact\)/);
      const notice = c.control.items.find((i) => i.ContentType === 'application/vnd.chatreq.sandbox.notice');
      assert.equal(notice?.Type, 'EVENT');
      assert.match(c.trace().notices[0], /FrobnicateContact/);
    });

    it('notices can be kept out of the transcript', () => {
      const c = run([['X', 'FrobnicateContact', {}, { NextAction: 'Bye', Errors: err('Bye') }], bye], {}, { notices: 'trace' });
      assert.deepEqual(c.control.notices(), []);
      assert.equal(c.trace().notices.length, 1);
    });

    it('blocks with no visible effect on chat succeed', () => {
      const c = run([['T', 'TagContact', { Tags: { a: 'b' } }, { NextAction: 'S', Errors: err('Bye') }], say('S', 'tagged'), bye]);
      assert.deepEqual(c.control.texts(), ['tagged']);
    });
  });

  describe('step budget', () => {
    it('stops a loop that never waits, with a notice, without hanging', () => {
      const c = run([
        ['A', 'UpdateContactAttributes', { Attributes: { n: 'x' } }, { NextAction: 'B' }],
        ['B', 'Compare', { ComparisonValue: '$.Attributes.n' }, { NextAction: 'A', Conditions: [{ NextAction: 'A', Condition: { Operator: 'Equals', Operands: ['x'] } }] }],
      ], {}, { stepBudget: 50 });
      assert.equal(c.control.endedWith, 'ERROR');
      assert.equal(c.trace().stepsUsed, 50);
      assert.equal(c.trace().steps.length, 50);
      assert.match(c.control.notices()[0], /ran 50 blocks \(the sandbox step budget\)/);
    });

    it('also bounds a loop that waits (messages on a timer)', () => {
      const c = run([
        say('M', 'ping', 'W'),
        ['W', 'Wait', { TimeoutSeconds: '1' }, { Conditions: [{ NextAction: 'M', Condition: { Operator: 'Equals', Operands: ['WaitCompleted'] } }] }],
      ], {}, { stepBudget: 20 });
      c.control.advance(60_000);
      assert.equal(c.control.texts().length, 10);
      assert.equal(c.control.endedWith, 'ERROR');
    });

    it('rejects a bad budget option', () => {
      assert.throws(() => run([bye], {}, { stepBudget: 0 }), /stepBudget must be a positive whole number/);
    });
  });

  describe('trace', () => {
    it('keeps identifier, type, branch, next block and time for every block, and survives the end of the contact', () => {
      const c = run([say('Hello', 'hi', 'Check'), ['Check', 'Compare', { ComparisonValue: '$.Channel' }, { Conditions: [{ NextAction: 'Bye', Condition: { Operator: 'Equals', Operands: ['CHAT'] } }] }], bye]);
      const t = c.trace();
      assert.equal(t.status, 'ended');
      assert.deepEqual(t.steps.map(({ identifier, type, branch, next }) => ({ identifier, type, branch, next })), [
        { identifier: 'Hello', type: 'MessageParticipant', branch: 'Success', next: 'Check' },
        { identifier: 'Check', type: 'Compare', branch: 'Condition: Equals "CHAT"', next: 'Bye' },
        { identifier: 'Bye', type: 'DisconnectParticipant', branch: 'End', next: undefined },
      ]);
      assert.ok(t.steps.every((s) => s.time === '2026-11-23T15:00:00.000Z' && s.flowId === 'main'));
      assert.equal(c.runtime.getTrace('no-such-contact'), undefined);
      t.steps.length = 0;
      assert.equal(c.trace().steps.length, 3, 'getTrace returns a copy');
    });

    it('drops the oldest ended traces beyond keepEndedTraces', () => {
      const first = run([bye], {}, { keepEndedTraces: 2 });
      const second = startContact(first.runtime);
      const third = startContact(first.runtime);
      assert.equal(first.runtime.getTrace(first.contactId), undefined);
      assert.ok(second.runtime.getTrace(second.contactId));
      assert.ok(third.runtime.getTrace(third.contactId));
    });
  });

  describe('persistent chat', () => {
    it('exposes the previous contact as $.PreviousContactId', () => {
      const c = run([say('S', 'continuing $.PreviousContactId (initial $.InitialContactId)'), bye], { previousContactId: 'old-1', initialContactId: 'old-0' });
      assert.deepEqual(c.control.texts(), ['continuing old-1 (initial old-0)']);
    });
  });

  describe('robustness', () => {
    it('ignores calls for unknown contacts and messages after the end', () => {
      const c = run([bye]);
      c.runtime.customerMessage('ghost', { ContentType: 'text/plain', Content: 'x' });
      c.runtime.contactEnded('ghost');
      c.say('late');
      assert.equal(c.trace().status, 'ended');
    });

    it('a ContactControl that throws ends that one chat with a notice instead of crashing', () => {
      class BrokenStore extends RecordingControl {
        override setAttributes(): void {
          throw new Error('store down');
        }
      }
      const c = startContact([source('main', flowDoc('U', [['U', 'UpdateContactAttributes', { Attributes: { a: 'b' } }, { NextAction: 'Bye' }], bye]))], {}, {}, new BrokenStore());
      assert.equal(c.control.endedWith, 'ERROR');
      assert.match(c.control.notices()[0], /runtime failed: store down/);
      assert.equal(c.trace().endReason, 'runtime failure');
    });
  });
});
