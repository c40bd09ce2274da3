import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContactControl, ContactView } from '../../src/sandbox/contactRuntime';
import { createFlowRuntime, type FlowSource } from '../../src/sandbox/flow';

type Figure = { name: string; value: number; unit: string };

const fixtures = join(process.cwd(), 'test/fixtures/flows');
const instanceArn = 'arn:aws:connect:us-west-2:111122223333:instance/bench';

/** The cheapest honest ContactControl: counts items, timers never fire. */
function control(): ContactControl & { posted: number } {
  let posted = 0;
  return {
    get posted() {
      return posted;
    },
    post: () => void posted++,
    setAttributes: () => undefined,
    end: () => undefined,
    now: () => new Date(Date.UTC(2026, 10, 23, 15)),
    setTimer: () => () => undefined,
  };
}

let seq = 0;
function view(flowId: string, attributes: Record<string, string> = {}): ContactView {
  const id = `bench-${++seq}`;
  return {
    contactId: id, initialContactId: id, instanceId: 'bench', instanceArn, contactFlowId: flowId, channel: 'CHAT',
    attributes, segmentAttributes: {}, customerDisplayName: 'Bench', customerParticipantId: `p-${id}`,
  };
}

function flow(file: string, id: string): FlowSource {
  return { id, arn: `${instanceArn}/contact-flow/${id}`, name: id, content: readFileSync(join(fixtures, file), 'utf8') };
}

function measure(): Figure[] {
  const loop: FlowSource = {
    id: 'loop', arn: `${instanceArn}/contact-flow/loop`, name: 'loop',
    content: {
      Version: '2019-10-30', StartAction: 'A',
      Actions: [
        { Identifier: 'A', Type: 'UpdateContactAttributes', Parameters: { Attributes: { n: '$.Attributes.n' } }, Transitions: { NextAction: 'B' } },
        { Identifier: 'B', Type: 'Compare', Parameters: { ComparisonValue: '$.Attributes.n' }, Transitions: { NextAction: 'A', Conditions: [{ NextAction: 'A', Condition: { Operator: 'Equals', Operands: ['x'] } }] } },
      ],
    },
  };
  const flows = [loop, flow('exampleB-attributes.flow.json', 'b'), flow('ef4aed70-0000-4000-8000-000000000001.flow.json', 'ef4aed70-0000-4000-8000-000000000001'), flow('exampleC-lexQueue.flow.json', 'c')];
  const findFlow = (_i: string, ref: string) => flows.find((f) => f.id === ref || f.arn === ref || ref.endsWith(`/${f.id}`));

  const budget = 100_000;
  const looping = createFlowRuntime({ findFlow, stepBudget: budget, keepEndedTraces: 1 });
  let t0 = process.hrtime.bigint();
  looping.start(view('loop', { n: 'x' }), control());
  const loopMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const runtime = createFlowRuntime({ findFlow, keepEndedTraces: 100, lexBotFiles: [join(fixtures, 'interactive.lexbot.json')] });
  const contacts = 5000;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < contacts; i++) runtime.start(view('b', { verificationCode: i % 2 ? 'foobar' : 'other' }), control());
  const flowBMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const lexContacts = 2000;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < lexContacts; i++) {
    const v = view('c');
    runtime.start(v, control());
    runtime.customerMessage(v.contactId, { ContentType: 'text/plain', Content: 'help' });
    runtime.customerMessage(v.contactId, { ContentType: 'text/plain', Content: 'End chat' });
  }
  const lexMs = Number(process.hrtime.bigint() - t0) / 1e6;

  return [
    { name: 'flow runtime: blocks per second (attribute/compare loop, one contact)', value: Math.round(budget / (loopMs / 1000)), unit: 'blocks/s' },
    { name: 'flow runtime: AWS example B contacts per second (6 blocks, TransferToFlow)', value: Math.round(contacts / (flowBMs / 1000)), unit: 'contacts/s' },
    { name: 'flow runtime: Lex example C conversations per second (2 customer turns)', value: Math.round(lexContacts / (lexMs / 1000)), unit: 'contacts/s' },
  ];
}

export function bench(): Promise<Figure[]> {
  return Promise.resolve(measure());
}
