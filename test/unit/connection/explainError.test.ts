/**
 * The remaining error explanations, each from a real SDK error produced against the sandbox
 * (quota, unpublished flow, validation, bad credentials, dropped connections, unmodelled errors),
 * and the guarantees that hold for every explanation: no stack, no secret.
 */
import assert from 'node:assert/strict';
import { ConnectAccess } from '../../../src/core/aws/connectAccess';
import { explainAwsError, type ErrorExplanation } from '../../../src/core/aws/explainError';
import { openSession, type AwsSession } from '../../../src/core/aws/session';
import type { Connection } from '../../../src/core/connection/model';
import { DEMO_FLOWS, startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { useAwsHome } from './awsHome';

const SANDBOX: Connection = { kind: 'sandbox' };
const PROFILE: Connection = { kind: 'profile', profile: 'dev', region: 'us-east-1' };

describe('connection: error explanations from real SDK errors', function () {
  let sandbox: SandboxHandle;
  const sessions: AwsSession[] = [];
  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    for (const s of sessions) s.dispose();
    await sandbox.close();
  });
  afterEach(() => {
    sandbox.clearFaults();
    sandbox.setQuotas({});
  });

  async function access(maxAttempts = 1): Promise<ConnectAccess> {
    const s = await openSession({ connection: SANDBOX, sandboxEndpoint: sandbox.url, maxAttempts });
    sessions.push(s);
    return new ConnectAccess(s);
  }

  async function failure(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => e,
    );
  }

  function demo() {
    return sandbox.instances[0];
  }

  function assertClean(x: ErrorExplanation): void {
    assert.doesNotMatch(x.message, /\n\s+at |\.js:\d+/, 'no stack frames');
    assert.ok(x.message.length < 400, 'short enough for a notification');
  }

  it('explains the concurrent-chats quota', async () => {
    sandbox.setQuotas({ maxActiveChats: 1 });
    const a = await access();
    const flow = demo().flows.find((f) => f.type === 'CONTACT_FLOW' && f.status === 'PUBLISHED')!;
    const start = () => a.startChat({ InstanceId: demo().id, ContactFlowId: flow.id, ParticipantDetails: { DisplayName: 'Q' } });
    const first = await start();
    const x = explainAwsError(await failure(start()), { connection: SANDBOX, operation: 'StartChatContact' });
    assert.equal(x.kind, 'quotaExceeded');
    assert.match(x.message, /has reached its quota of 1/);
    assertClean(x);
    await a.stopContact(demo().id, first.ContactId!);
  });

  it('explains an unpublished flow', async () => {
    const saved = demo().flows.find((f) => f.status === 'SAVED');
    assert.ok(saved, 'the demo instance has a saved-only flow');
    assert.equal(saved.id, DEMO_FLOWS.feedbackDraft);
    const a = await access();
    const x = explainAwsError(await failure(a.describeFlow(demo().id, saved.id)), { connection: SANDBOX, operation: 'DescribeContactFlow' });
    assert.equal(x.kind, 'flowNotPublished');
    const content = await a.describeFlow(demo().id, saved.id, { saved: true });
    assert.equal(content.Name, saved.name);
  });

  it('explains a validation error with the service message, redacting any secret in it', async () => {
    const a = await access();
    sandbox.addFault({
      operation: 'StartChatContact',
      kind: 'error',
      status: 400,
      errorType: 'InvalidParameterException',
      // A `Key: value` in a message is redacted to the end of its line, so the member comes first.
      message: 'Member InitialMessage.Content is not valid with ParticipantToken: QVFJREFIaGVsbG8gd29ybGQ extra',
    });
    const e = await failure(a.startChat({ InstanceId: demo().id, ContactFlowId: demo().flows[0].id, ParticipantDetails: { DisplayName: 'V' } }));
    const x = explainAwsError(e, { connection: SANDBOX, operation: 'StartChatContact' });
    assert.equal(x.kind, 'invalidRequest');
    assert.match(x.message, /^Amazon Connect rejected the request \(StartChatContact\): .*InitialMessage\.Content/);
    assert.doesNotMatch(x.message, /QVFJREFIaGVsbG8gd29ybGQ|extra/);
  });

  it('explains unrecognised and expired credentials', async () => {
    const a = await access();
    sandbox.addFault({ operation: 'ListInstances', kind: 'error', status: 403, errorType: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', count: 1 });
    const bad = explainAwsError(await failure(a.listInstances({ refresh: true })), { connection: PROFILE, operation: 'ListInstances' });
    assert.equal(bad.kind, 'invalidCredentials');
    assert.match(bad.message, /did not recognise the credentials of profile "dev"/);
    sandbox.addFault({ operation: 'ListInstances', kind: 'error', status: 403, errorType: 'ExpiredTokenException', message: 'The security token included in the request is expired', count: 1 });
    const expired = explainAwsError(await failure(a.listInstances({ refresh: true })), { connection: PROFILE, operation: 'ListInstances' });
    assert.equal(expired.kind, 'invalidCredentials');
    assert.match(expired.message, /have expired/);
  });

  it('reports an unmodelled error by name and message, without a stack', async () => {
    const a = await access();
    sandbox.addFault({ operation: 'DescribeInstance', kind: 'error', status: 418, errorType: 'TeapotException', message: 'I am a teapot' });
    const x = explainAwsError(await failure(a.describeInstance(demo().id)), { connection: SANDBOX, operation: 'DescribeInstance' });
    assert.equal(x.kind, 'unknown');
    assert.equal(x.message, 'DescribeInstance failed: TeapotException: I am a teapot');
    assert.ok(x.requestId);
  });

  describe('a dropped connection to AWS (no endpoint override)', () => {
    const aws = useAwsHome();

    it('is a network failure, reported after the retries', async function () {
      this.timeout(15_000);
      aws.get().writeCredentials('[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n');
      // The SDK finds the endpoint in the environment by itself; Chatreq passes no override.
      process.env.AWS_ENDPOINT_URL_CONNECT = sandbox.url;
      sandbox.addFault({ operation: 'ListInstances', kind: 'drop' });
      const s = await openSession({ connection: PROFILE });
      sessions.push(s);
      const x = explainAwsError(await failure(new ConnectAccess(s).listInstances()), { connection: PROFILE, operation: 'ListInstances' });
      assert.equal(x.kind, 'network');
      assert.match(x.message, /^Could not reach AWS in us-east-1 \((ECONNRESET|socket hang up|Error)\) \(after 3 attempts\)\. Check your network/);
      assert.deepEqual(x.actions, [{ kind: 'retry', label: 'Retry' }]);
    });
  });

  it('never leaks a credential from a thrown value that carries one', () => {
    const e = Object.assign(new Error('failed with aws_secret_access_key=wJalrXUtnFEMI/K7MDENG and AKIAIOSFODNN7EXAMPLE'), { name: 'WeirdError' });
    const x = explainAwsError(e, {});
    assert.equal(x.kind, 'unknown');
    assert.doesNotMatch(x.message, /wJalrXUtnFEMI|IOSFODNN7EXAMPLE/);
    assert.equal(explainAwsError('plain string', {}).kind, 'unknown');
    assert.equal(explainAwsError(undefined, {}).kind, 'unknown');
  });
});
