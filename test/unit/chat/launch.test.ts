/**
 * prepareLaunch (pure: the engine, targets, env resolved then re-checked, one ClientToken) and
 * startChatContact against the real sandbox over HTTP, under a storm of faults.
 */
import assert from 'node:assert/strict';
import type { AwsSession } from '../../../src/core/aws/session';
import { ChatCallError, prepareLaunch, startChatContact, type PreparedLaunch } from '../../../src/core/chat/launch';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, memoryLogger, requestText, sandboxSession, type FlowSandbox } from './support';
import { startSandboxWithFlows } from '../../../src/sandbox';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const base = { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Ana' } };

function ok(p: ReturnType<typeof prepareLaunch>): PreparedLaunch {
  if (!p.ok) assert.fail(`expected a prepared launch, got ${p.reason}: ${p.message}`);
  return p;
}

describe('chat core: prepareLaunch', () => {
  it('drops $schema, keeps only StartChatContact members and generates one ClientToken per launch', () => {
    const text = requestText({ $schema: 'https://chatreq.dev/schema.json', ...base, Attributes: { a: '1' } });
    const a = ok(prepareLaunch({ text, env: {} }));
    const b = ok(prepareLaunch({ text, env: {} }));
    assert.ok(!('$schema' in a.input));
    assert.deepEqual(Object.keys(a.input).sort(), ['Attributes', 'ClientToken', 'ContactFlowId', 'InstanceId', 'ParticipantDetails']);
    assert.match(a.clientToken, UUID);
    assert.equal(a.input.ClientToken, a.clientToken);
    assert.notEqual(a.clientToken, b.clientToken);
    assert.deepEqual(a.warnings, []);
  });

  it('uses the ClientToken the file fixes, or the one given (to rebuild a past launch)', () => {
    assert.equal(ok(prepareLaunch({ text: requestText({ ...base, ClientToken: 'fixed-1' }), env: {} })).clientToken, 'fixed-1');
    assert.equal(ok(prepareLaunch({ text: requestText(base), env: {}, clientToken: 'again-2' })).input.ClientToken, 'again-2');
  });

  it('resolves ${env:NAME} in values', () => {
    const p = ok(prepareLaunch({ text: requestText({ ...base, Attributes: { customerId: '${env:CHATREQ_CUST}', tier: 'gold' } }), env: { CHATREQ_CUST: 'cust-42' } }));
    assert.deepEqual(p.input.Attributes, { customerId: 'cust-42', tier: 'gold' });
  });

  it('an unset variable is reason env, naming the variable and the field', () => {
    const p = prepareLaunch({ text: requestText({ ...base, Attributes: { customerId: '${env:CHATREQ_UNSET}' } }), env: {} });
    assert.equal(p.ok, false);
    if (p.ok) return;
    assert.equal(p.reason, 'env');
    assert.match(p.message, /^Attributes\.customerId: environment variable CHATREQ_UNSET is not set/);
    assert.ok(!p.message.includes('\n'));
  });

  it('checks resolved values like literals: a too-long DisplayName from the environment names the variable, never the value', () => {
    const secret = `S${'x'.repeat(299)}`;
    const p = prepareLaunch({ text: requestText({ ...base, ParticipantDetails: { DisplayName: '${env:CHATREQ_NAME}' } }), env: { CHATREQ_NAME: secret } });
    assert.equal(p.ok, false);
    if (p.ok) return;
    assert.equal(p.reason, 'env');
    assert.match(p.message, /ParticipantDetails\.DisplayName \(from \$\{env:CHATREQ_NAME\}\)/);
    assert.match(p.message, /CHATREQ_NAME/);
    assert.ok(!p.message.includes(secret.slice(0, 40)), p.message);
  });

  it('checks resolved values against enums', () => {
    const p = prepareLaunch({
      text: requestText({ ...base, SupportedMessagingContentTypes: ['text/plain', '${env:CHATREQ_TYPE}'] }),
      env: { CHATREQ_TYPE: 'text/html' },
    });
    assert.equal(p.ok, false);
    if (p.ok) return;
    assert.equal(p.reason, 'env');
    assert.match(p.message, /^SupportedMessagingContentTypes\[1\] \(from \$\{env:CHATREQ_TYPE\}\)/);
  });

  it('a missing InstanceId/ContactFlowId is its own result, so the UI can ask; given ones fill in', () => {
    const text = requestText({ ParticipantDetails: { DisplayName: 'Ana' } });
    const p = prepareLaunch({ text, env: {} });
    assert.equal(p.ok, false);
    if (p.ok) return;
    assert.equal(p.reason, 'missing-target');
    assert.deepEqual(p.missing, ['InstanceId', 'ContactFlowId']);
    const q = prepareLaunch({ text, env: {}, instanceId: DEMO_INSTANCE_ID });
    assert.equal(!q.ok && q.reason === 'missing-target' && q.missing?.join(), 'ContactFlowId');
    const r = ok(prepareLaunch({ text, env: {}, instanceId: DEMO_INSTANCE_ID, contactFlowId: DEMO_FLOWS.supportBot }));
    assert.equal(r.input.ContactFlowId, DEMO_FLOWS.supportBot);
  });

  it('names the first problem of an invalid file: the field, what is wrong and where', () => {
    const text = '{\n  "InstanceId": 42,\n  "ContactFlowId": 7,\n  "ParticipantDetails": { "DisplayName": "Ana" }\n}\n';
    const p = prepareLaunch({ text, env: {}, fileName: '/tmp/x/orders.chatreq.json' });
    assert.equal(p.ok, false);
    if (p.ok) return;
    assert.equal(p.reason, 'invalid');
    assert.match(p.message, /^InstanceId: Incorrect type\. Expected "string"\. \(.*orders\.chatreq\.json:2:\d+\) \(and 1 more error\)$/);
    assert.ok(p.diagnostics.filter((d) => d.severity === 'error').length >= 2);
  });

  it('a file without ParticipantDetails is refused before anything is sent, as StartChatContact would refuse it', () => {
    const p = prepareLaunch({ text: requestText({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot }), env: {} });
    assert.equal(p.ok, false);
    assert.equal(!p.ok && p.reason, 'invalid');
    assert.match(!p.ok ? p.message : '', /ParticipantDetails is missing: StartChatContact requires it.*"DisplayName"/);
  });
});

describe('chat core: startChatContact against the sandbox', function () {
  this.timeout(30_000);
  let sb: FlowSandbox;
  let session: AwsSession;
  before(async () => {
    sb = await startSandboxWithFlows();
    session = await sandboxSession(sb, 5);
  });
  after(async () => {
    session.dispose();
    await sb.close();
  });
  afterEach(() => sb.clearFaults());

  const prepared = () => ok(prepareLaunch({ text: requestText(base), env: {} }));

  it('a fault storm (429, 500, an answer lost after the work was done) yields exactly one contact per launch', async () => {
    const before = sb.listContacts().length;
    sb.setFaults([
      { operation: 'StartChatContact', kind: 'error', status: 429, errorType: 'ThrottlingException', count: 1 },
      { operation: 'StartChatContact', kind: 'error', status: 500, skip: 1, count: 1 },
      { operation: 'StartChatContact', kind: 'drop', afterHandling: true, skip: 2, count: 1 },
    ]);
    const logger = memoryLogger();
    const p = prepared();
    const started = await startChatContact(session, p.input, { logger });
    assert.equal(started.attempts, 4);
    assert.equal(sb.listContacts().length, before + 1, 'one contact for the launch');
    assert.equal(sb.listContacts().at(-1)?.contactId, started.contactId);
    assert.ok(!logger.lines.join('\n').includes(started.participantToken), 'the participant token is never logged');
    // A second launch (its own token) under the same storm is a second contact, still only one.
    sb.listFaults();
    sb.setFaults([
      { operation: 'StartChatContact', kind: 'drop', afterHandling: true, count: 1 },
      { operation: 'StartChatContact', kind: 'error', status: 500, skip: 1, count: 1 },
    ]);
    const again = await startChatContact(session, prepared().input);
    assert.notEqual(again.contactId, started.contactId);
    assert.equal(sb.listContacts().length, before + 2);
  });

  it('throttling that persists is explained, with what to do', async () => {
    const short = await sandboxSession(sb, 2);
    try {
      sb.setFaults([{ operation: 'StartChatContact', kind: 'error', status: 429, errorType: 'ThrottlingException' }]);
      const e = await startChatContact(short, prepared().input).then(
        () => assert.fail('expected throttling'),
        (x: unknown) => x as ChatCallError,
      );
      assert.ok(e instanceof ChatCallError);
      assert.equal(e.chatError.diagnosticCode, 'throttled');
      assert.match(e.message, /kept throttling connect:StartChatContact after 2 attempts/);
      assert.match(e.chatError.fix ?? '', /rate|quota/);
    } finally {
      short.dispose();
    }
  });

  it('an abort signal cancels the launch', async () => {
    sb.setFaults([{ operation: 'StartChatContact', kind: 'latency', latencyMs: 5000 }]);
    const controller = new AbortController();
    const pending = startChatContact(session, prepared().input, { signal: controller.signal });
    controller.abort();
    const e = await pending.then(
      () => assert.fail('expected a cancel'),
      (x: unknown) => x as ChatCallError,
    );
    assert.equal(e.chatError.diagnosticCode, 'cancelled');
  });

  it('refuses an input without a ClientToken (retries could start a second chat)', async () => {
    const { ClientToken: _t, ...input } = prepared().input;
    await assert.rejects(startChatContact(session, input), /ClientToken/);
  });
});
