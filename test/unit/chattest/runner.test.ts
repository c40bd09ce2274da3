/**
 * The runner against the real sandbox (flow runtime, demo flows) over HTTP and the participant
 * WebSocket: a passing conversation, failures that name the step with what was expected and what
 * arrived, a timeout, interactive select, attributes, the trace, retries, cancel, and no token in
 * any result.
 */
import assert from 'node:assert/strict';
import type { AwsSession } from '../../../src/core/aws/session';
import { parseChatTestText, recordedTestText, recordToTest, runChatTest, runWithRetries, type ChatTest, type RunnerDeps, type StepResult } from '../../../src/core/chattest';
import { startSandboxWithFlows } from '../../../src/sandbox';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, sandboxSession, type FlowSandbox } from '../chat/support';

const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
const TOKEN_LIKE = /[A-Za-z0-9_-]{100,}/;

function oneTest(t: Record<string, unknown>): ChatTest {
  const p = parseChatTestText(JSON.stringify(t));
  assert.deepEqual(p.diagnostics, []);
  return p.tests[0];
}

const request = (flow: string, extra: Record<string, unknown> = {}) => ({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: flow, ParticipantDetails: { DisplayName: 'Ana' }, ...extra });

describe('chattest: the runner on the sandbox', function () {
  this.timeout(30_000);
  let sb: FlowSandbox;
  let session: AwsSession;
  let deps: RunnerDeps;
  const files = new Map<string, string>();

  before(async () => {
    sb = await startSandboxWithFlows();
    session = await sandboxSession(sb);
    deps = {
      session,
      env: {},
      readFile: (p) => {
        const t = files.get(p);
        return t === undefined ? Promise.reject(Object.assign(new Error('no such file'), { code: 'ENOENT' })) : Promise.resolve(t);
      },
    };
  });
  after(async () => {
    session.dispose();
    await sb.close();
  });

  const run = async (t: ChatTest, opts: Parameters<typeof runChatTest>[3] = {}) => {
    const r = await runChatTest('/w/t.chattest.json', t, deps, opts);
    const { record, ...report } = r;
    assert.doesNotMatch(JSON.stringify(report), TOKEN_LIKE, 'no token in the result');
    assert.doesNotMatch(JSON.stringify(record ?? {}), TOKEN_LIKE, 'no token in the record');
    return r;
  };

  it('passes a conversation with the support bot: expect (skipping others), say, attributes, trace, end; steps stream in order', async () => {
    files.set('/w/support.chatreq.json', JSON.stringify(request(DEMO_FLOWS.supportBot, { Attributes: { tier: 'silver' } })));
    const t = oneTest({
      name: 'order status',
      request: './support.chatreq.json',
      override: { Attributes: { tier: 'gold' } },
      steps: [
        { expect: 'How can I help you today?' },
        { say: 'where is my order' },
        { expect: { contains: 'order number', from: 'BOT' } },
        { say: '12345' },
        { expect: { matches: 'order 12345 shipped' } },
        { expectAttributes: { tier: 'gold', orderId: '12345' } },
        { expectTrace: 'UpdateContactAttributes' },
        { expectEnded: true },
      ],
    });
    const streamed: StepResult[] = [];
    const r = await run(t, { onStep: (s) => streamed.push(s) });
    assert.equal(r.status, 'passed', r.failure?.text);
    assert.ok(r.contactId);
    assert.equal(sb.getContact(r.contactId)!.attributes.tier, 'gold', 'the override was merged');
    assert.deepEqual(
      streamed.map((s) => [s.index, s.status]),
      t.steps.map((s) => [s.index, 'passed']),
    );
    assert.equal(r.record?.state, 'ended');
  });

  it('a failing expect names the step, what was expected and the messages received since the previous step', async () => {
    const t = oneTest({
      name: 'wrong greeting',
      request: request(DEMO_FLOWS.supportBot),
      timeoutSeconds: 1,
      steps: [{ expect: 'How can I help' }, { say: 'where is my order' }, { expect: { equals: 'Tell me your order number', from: 'BOT' } }, { say: 'never sent' }],
    });
    const r = await run(t);
    assert.equal(r.status, 'failed');
    assert.equal(r.failure?.step, 3);
    assert.match(r.failure.text, /^Step 3 \(expect equals "Tell me your order number", from BOT\): expected a message equal to "Tell me your order number" from BOT within 1 s; received since the previous step:\nBOT: "Sure\. What is your order number\?"$/);
    assert.equal(r.failure?.expected, 'a message equal to "Tell me your order number" from BOT');
    assert.deepEqual(
      r.steps.map((s) => s.status),
      ['passed', 'passed', 'failed', 'skipped'],
    );
    assert.ok(!sb.getContact(r.contactId!)!.transcript.some((i) => i.Content === 'never sent'));
  });

  it('times out on an expect the flow never answers, within the test timeout', async () => {
    const t = oneTest({ name: 'silent', request: request(DEMO_FLOWS.supportBot), timeoutSeconds: 0.5, steps: [{ expect: 'a message nobody sends' }] });
    const r = await run(t);
    assert.equal(r.status, 'failed');
    assert.match(r.failure!.text, /within 0\.5 s; received since the previous step:\nSYSTEM_MESSAGE: "Hi, thanks for contacting/);
    assert.ok(r.durationMs < 5000);
  });

  it('select answers the interactive ListPicker by option title; an unknown option fails with the options', async () => {
    const ok = oneTest({
      name: 'menu',
      request: request(DEMO_FLOWS.helpMenu, { SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] }),
      steps: [{ expect: { equals: 'What can we help you with?' } }, { select: 'Track an order' }, { expect: 'example.com/orders' }, { expectAttributes: { menuChoice: 'TrackOrder' } }, { expectEnded: true }],
    });
    const a = await run(ok);
    assert.equal(a.status, 'passed', a.failure?.text);
    const bad = oneTest({ name: 'menu', request: request(DEMO_FLOWS.helpMenu, { SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] }), steps: [{ select: 'Purple elephants' }] });
    const b = await run(bad);
    assert.equal(b.status, 'failed');
    assert.match(b.failure!.text, /^Step 1 \(select "Purple elephants"\): "Purple elephants" is not an option of "What can we help you with\?"/);
    const noInteractive = oneTest({ name: 'menu', request: request(DEMO_FLOWS.helpMenu), timeoutSeconds: 0.5, steps: [{ select: 'Track an order' }] });
    const c = await run(noInteractive);
    assert.equal(c.status, 'failed');
    assert.match(c.failure!.text, /expected an interactive message.*SupportedMessagingContentTypes/);
  });

  it('a recorded chat (the recorder on the runner\'s record) runs green: support bot and the interactive menu, with and without interactive.response', async () => {
    const convos = [
      oneTest({ name: 'bot', request: request(DEMO_FLOWS.supportBot), steps: [{ expect: 'How can I help' }, { say: 'where is my order' }, { expect: 'order number' }, { say: '12345' }, { expectEnded: true }] }),
      oneTest({ name: 'menu', request: request(DEMO_FLOWS.helpMenu, { SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] }), steps: [{ select: 'Start a return' }, { expectEnded: true }] }),
      oneTest({
        name: 'menu (response)',
        request: request(DEMO_FLOWS.helpMenu, { SupportedMessagingContentTypes: ['text/plain', INTERACTIVE, `${INTERACTIVE}.response`] }),
        steps: [{ select: 'Track an order' }, { expectEnded: true }],
      }),
    ];
    for (const t of convos) {
      const first = await run(t);
      assert.equal(first.status, 'passed', first.failure?.text);
      const recorded = recordToTest({ ...first.record!, origin: { ...first.record!.origin } }, { name: `${t.name} (recorded)` });
      assert.equal(typeof recorded.request, 'object', 'inline: the chat had no request file');
      // The recorded inline request as it is: its content types decide whether menus come as interactive messages.
      const again = parseChatTestText(recordedTestText(recorded));
      assert.deepEqual(again.diagnostics, []);
      assert.ok(again.tests[0].steps.some((s) => s.step.kind === 'expect'));
      if (t.name.startsWith('menu')) assert.ok(again.tests[0].steps.some((s) => s.step.kind === 'select'), recordedTestText(recorded));
      const second = await run(again.tests[0]);
      assert.equal(second.status, 'passed', `${t.name}: ${second.failure?.text}\n${recordedTestText(recorded)}`);
    }
  });

  it('a recorded chat whose request had an InitialMessage replays it once: with the request, not as a say step', async () => {
    const initial = 'where is my order';
    for (const viaFile of [true, false]) {
      const req = request(DEMO_FLOWS.supportBot, { InitialMessage: { ContentType: 'text/plain', Content: initial } });
      files.set('/w/initial.chatreq.json', JSON.stringify(req));
      const t = oneTest({ name: 'initial', request: viaFile ? './initial.chatreq.json' : req, steps: [{ expect: 'order number' }, { say: '12345' }, { expectEnded: true }] });
      const first = await run(t);
      assert.equal(first.status, 'passed', first.failure?.text);
      const recorded = recordToTest(first.record!, { testFile: '/w/t.chattest.json' });
      assert.equal(viaFile ? recorded.request : typeof recorded.request, viaFile ? './initial.chatreq.json' : 'object');
      assert.deepEqual(
        recorded.steps.filter((s) => 'say' in s),
        [{ say: '12345' }],
        recordedTestText(recorded),
      );
      const second = await run(parseChatTestText(recordedTestText(recorded)).tests[0]);
      assert.equal(second.status, 'passed', `${second.failure?.text}\n${recordedTestText(recorded)}`);
      const said = second.record!.transcript.filter((i) => i.ParticipantRole === 'CUSTOMER' && i.Type === 'MESSAGE').map((i) => i.Content);
      assert.deepEqual(said, [initial, '12345'], 'the customer said each thing once');
      const asked = second.record!.transcript.filter((i) => i.Content === 'Sure. What is your order number?');
      assert.equal(asked.length, 1, 'the bot asked for the number once');
    }
  });

  it('expectAttributes fails with what GetContactAttributes has; expectTrace with the blocks that ran', async () => {
    const t = oneTest({ name: 'attrs', request: request(DEMO_FLOWS.supportBot, { Attributes: { tier: 'gold' } }), timeoutSeconds: 0.5, steps: [{ expectAttributes: { tier: 'platinum', nope: 'x' } }] });
    const r = await run(t);
    assert.equal(r.status, 'failed');
    assert.match(r.failure!.text, /expected the contact attributes\ntier = "platinum"\nnope = "x"\nwithin 0\.5 s; GetContactAttributes has\ntier = "gold"\nnope = \(not set\)$/);
    const tr = await run(oneTest({ name: 'trace', request: request(DEMO_FLOWS.supportBot), timeoutSeconds: 0.5, steps: [{ expect: 'How can I help' }, { expectTrace: 'InvokeLambdaFunction' }] }));
    assert.equal(tr.status, 'failed');
    assert.match(tr.failure!.text, /^Step 2 \(expectTrace "InvokeLambdaFunction"\): expected a block "InvokeLambdaFunction" in the flow trace within 0\.5 s; the trace has:\n.*SetAttributes/s);
  });

  it('a bad request fails before the first step (step 0) and starts no chat', async () => {
    const before = sb.listContacts().length;
    const a = await run(oneTest({ name: 'missing', request: './nope.chatreq.json', steps: [{ expectEnded: true }] }));
    assert.equal(a.failure?.step, 0);
    assert.match(a.failure.text, /cannot read the request file \.\/nope\.chatreq\.json: no such file/);
    // (An invalid inline request is already a problem of the test file; a request file is read when the test runs.)
    files.set('/w/invalid.chatreq.json', JSON.stringify({ InstanceId: 42, ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'A' } }));
    const b = await run(oneTest({ name: 'invalid', request: './invalid.chatreq.json', steps: [{ expectEnded: true }] }));
    assert.match(b.failure!.text, /the request cannot be launched: InstanceId: Incorrect type\. Expected "string"\./);
    assert.deepEqual(
      b.steps.map((s) => s.status),
      ['skipped'],
    );
    assert.equal(sb.listContacts().length, before);
  });

  it('each run is a chat of its own (its own ClientToken); retries say how many runs a pass took', async () => {
    const t = oneTest({ name: 'flaky', request: request(DEMO_FLOWS.supportBot), timeoutSeconds: 2, steps: [{ expect: 'How can I help' }] });
    let runs = 0;
    const r = await runWithRetries(async () => {
      runs++;
      const x = await run(t);
      return runs < 3 ? { ...x, status: 'failed' as const, failure: { step: 1, text: 'made to fail' } } : x;
    }, 5);
    assert.equal(r.status, 'passed');
    assert.equal(r.retries, 2);
    const tokens = new Set(sb.listContacts().slice(-3).map((c) => c.contactId));
    assert.equal(tokens.size, 3);
  });

  it('cancel: an aborted run stops waiting at once and is reported skipped', async () => {
    const ac = new AbortController();
    const t = oneTest({ name: 'long', request: request(DEMO_FLOWS.supportBot), timeoutSeconds: 60, steps: [{ expect: 'never' }, { say: 'x' }] });
    const started = Date.now();
    const p = run(t, { signal: ac.signal, onChat: (chat) => void chat.until((r) => r.transcript.length > 0, 5000).then(() => ac.abort()) });
    const r = await p;
    assert.equal(r.status, 'skipped');
    assert.ok(Date.now() - started < 10_000);
    assert.equal(sb.getContact(r.contactId!)!.status, 'ENDED', 'the chat is ended');
  });
});
