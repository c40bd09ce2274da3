import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createFlowRuntime, demoRuntimeOptions, flowFinder, parseFlow } from '../../../src/sandbox/flow';
import { fixtureFlow, fixtures, startContact } from './harness';

// The AWS example flows of the reference (§6.5), run through the ContactRuntime seam.
const flows = [
  fixtureFlow('exampleA-minimal.flow.json', 'a-minimal', 'Sample flow'),
  fixtureFlow('exampleB-attributes.flow.json', 'b-attributes', 'Test attribute flow'),
  fixtureFlow('ef4aed70-0000-4000-8000-000000000001.flow.json', 'ef4aed70-0000-4000-8000-000000000001', 'Transfer target'),
  fixtureFlow('exampleC-lexQueue.flow.json', 'c-lex', 'Interactive Lex'),
];

describe('AWS example flows (unit, through the runtime seam)', () => {
  it('A: says thanks and disconnects', () => {
    const c = startContact(flows, { contactFlowId: 'a-minimal' });
    assert.deepEqual(c.control.messages(), [['SYSTEM_MESSAGE', 'Thanks for calling the sample flow!']]);
    assert.equal(c.control.endedWith, 'FLOW_DISCONNECT');
  });

  it('B: interpolates the attribute, compares it and transfers to the other flow', () => {
    const valid = startContact(flows, { contactFlowId: 'b-attributes', attributes: { verificationCode: 'foobar' } });
    assert.deepEqual(valid.control.texts(), ['"verificationCode" is"foobar"', '"verificationCode" was detected!', 'You reached the transfer target, code foobar.']);
    assert.deepEqual(valid.branches(), [
      'WelcomeMessage:Success', '0310ac8d-051a-46f9-a066-31f852d5e30a:Condition: Equals "foobar"', 'Valid:Success', 'Test:Success', 'Hello:Success', 'Bye:End',
    ]);
    const missing = startContact(flows, { contactFlowId: 'b-attributes' });
    assert.deepEqual(missing.control.texts(), ['"verificationCode" is""', 'MISSING "verificationCode"!', 'You reached the transfer target, code .']);
  });

  it('B: a transfer target that does not exist takes NoMatchingError to EndFlowExecution, which ends the chat', () => {
    const c = startContact(flows.filter((f) => f.name !== 'Transfer target'), { contactFlowId: 'b-attributes', attributes: { verificationCode: 'x' } });
    assert.deepEqual(c.branches().slice(-2), ['Test:Error: NoMatchingError', '9501613b-cfaa-4f08-9617-689b2dfe191b:End']);
    assert.equal(c.control.endedWith, 'FLOW_DISCONNECT');
  });

  it('C: Lex conversation, then queue or disconnect depending on the slot', () => {
    const options = { lexBotFiles: [join(fixtures, 'interactive.lexbot.json')] };
    const toAgent = startContact(flows, { contactFlowId: 'c-lex' }, options);
    assert.match(toAgent.control.texts()[0], /Type help to get help!/);
    toAgent.say('I need Continue to agent');
    assert.equal(toAgent.trace().status, 'queued');
    assert.equal(toAgent.trace().flowLogging, true);
    assert.ok(toAgent.control.items.some((i) => i.ContentType === 'application/vnd.amazonaws.connect.event.transfer.succeeded'));
    const endChat = startContact(flows, { contactFlowId: 'c-lex' }, options);
    endChat.say('help');
    endChat.say('end chat');
    assert.equal(endChat.control.endedWith, 'FLOW_DISCONNECT');
    assert.deepEqual(endChat.branches().slice(-2), ['3b2f3727-4eb7-4422-95c2-50798429f382:Condition: Equals "End chat"', '36eb2181-5b9d-4e15-97cb-25b338280e30:End']);
    const noBot = startContact(flows, { contactFlowId: 'c-lex' });
    assert.deepEqual(noBot.control.texts(), ['Sorry I did not understand that. Please try again later.']);
  });
});

describe('sandbox demo flows', () => {
  it('all pass the runtime\'s validation', () => {
    const dir = join(process.cwd(), 'src/sandbox/demo');
    const files = readdirSync(dir).filter((f) => f.endsWith('.flow.json'));
    assert.ok(files.length >= 3);
    for (const f of files) assert.ok(parseFlow(readFileSync(join(dir, f), 'utf8'), f).actions.size > 0);
  });
});

describe('demo runtime options', () => {
  it('provide every Lex bot alias, Lambda function and hours of operation the demo flows call', () => {
    createFlowRuntime({ findFlow: flowFinder(() => []), ...demoRuntimeOptions() });
    const provided = JSON.stringify(demoRuntimeOptions());
    const dir = join(process.cwd(), 'src/sandbox/demo');
    const referenced = readdirSync(dir)
      .filter((f) => f.endsWith('.flow.json'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/"(?:AliasArn|LambdaFunctionARN|HoursOfOperationId)": "([^"]+)"/g)].map((m) => `${f}: ${m[1]}`));
    assert.ok(referenced.length >= 3, referenced.join('\n'));
    const missing = referenced.filter((r) => {
      const ref = r.slice(r.indexOf(': ') + 2);
      // Hours are looked up by their ID, the last segment of the ARN.
      return !provided.includes(ref) && !provided.includes(ref.slice(ref.lastIndexOf('/') + 1));
    });
    assert.deepEqual(missing, []);
  });
});
