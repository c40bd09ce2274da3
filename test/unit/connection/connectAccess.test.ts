/**
 * The Connect access layer against the project's Connect sandbox (real SDK client, real HTTP):
 * every page fetched, the cache and its invalidation, error explanations from real answers, and
 * what gets logged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectAccess } from '../../../src/core/aws/connectAccess';
import { explainAwsError } from '../../../src/core/aws/explainError';
import { openSession, type AwsSession } from '../../../src/core/aws/session';
import type { Connection } from '../../../src/core/connection/model';
import { redactingLogger } from '../../../src/core/log';
import { startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { writeFlowFolder } from '../../fixtures/aws/flowFolder';
import { recordingLogger } from './awsHome';

const SANDBOX: Connection = { kind: 'sandbox' };

describe('connection: Connect access layer (against the sandbox)', function () {
  let sandbox: SandboxHandle;
  let flowsDir: string;
  const sessions: AwsSession[] = [];

  before(async () => {
    flowsDir = mkdtempSync(join(tmpdir(), 'chatreq-flows-'));
    writeFlowFolder(flowsDir, { big: 250, alpha: 3, beta: 1 });
    sandbox = await startSandbox({ flowsDir });
  });
  after(async () => {
    for (const s of sessions) s.dispose();
    await sandbox.close();
    rmSync(flowsDir, { recursive: true, force: true });
  });
  afterEach(() => sandbox.clearFaults());

  async function access(options: { maxAttempts?: number } = {}) {
    const rec = recordingLogger();
    const session = await openSession({ connection: SANDBOX, sandboxEndpoint: sandbox.url, logger: rec.logger, ...options });
    sessions.push(session);
    return { access: new ConnectAccess(session, rec.logger), lines: rec.lines };
  }

  /** Counts the requests the sandbox receives for an operation (a zero-latency fault is a counter). */
  function countRequests(operation: 'ListContactFlows' | 'ListInstances' | 'DescribeContactFlow'): () => number {
    sandbox.addFault({ operation, kind: 'latency', latencyMs: 0 });
    const index = sandbox.listFaults().length - 1;
    return () => sandbox.listFaults()[index]?.applied ?? 0;
  }

  function instanceId(alias: string): string {
    const i = sandbox.instances.find((x) => x.alias === alias);
    assert.ok(i, `sandbox instance ${alias}`);
    return i.id;
  }

  it('lists every instance across pages', async () => {
    const { access: a } = await access();
    const pages: number[] = [];
    const list = await a.listInstances({ pageSize: 1, onPage: (items) => pages.push(items.length) });
    assert.deepEqual(list.map((i) => i.Id).sort(), sandbox.instances.map((i) => i.id).sort());
    assert.equal(pages.length, sandbox.instances.length);
    assert.ok(list.every((i) => i.InstanceStatus === 'ACTIVE' && i.InstanceAlias));
  });

  it('lists all flows across pages, chat flows first, others by type then name', async () => {
    const { access: a, lines } = await access();
    const count = countRequests('ListContactFlows');
    const pages: number[] = [];
    const id = instanceId('big');
    const { chat, other } = await a.listFlows(id, { pageSize: 100, onPage: (items) => pages.push(items.length) });
    assert.deepEqual(pages, [100, 100, 50]);
    assert.equal(count(), 3);
    assert.equal(chat.length, 200);
    assert.equal(other.length, 50);
    assert.ok(chat.every((f) => f.ContactFlowType === 'CONTACT_FLOW'));
    assert.deepEqual(chat.slice(0, 3).map((f) => f.Name), ['big flow 0000', 'big flow 0001', 'big flow 0002']);
    const types = other.map((f) => f.ContactFlowType);
    assert.deepEqual(types, [...types].sort());
    const expectedIds = sandbox.instances.find((i) => i.id === id)!.flows.map((f) => f.id).sort();
    assert.deepEqual([...chat, ...other].map((f) => f.Id).sort(), expectedIds);
    const logged = lines.filter((l) => l.includes('connect:ListContactFlows'));
    assert.equal(logged.length, 3);
    assert.match(logged[0], /^info \[aws\] connect:ListContactFlows region=us-east-1 instance=\S+ page=1 \d+ ms requestId=[0-9a-f-]{36} attempts=1 ok \(100 items, more\)$/);
  });

  it('serves repeated lists from the cache until refreshed or invalidated', async () => {
    const { access: a } = await access();
    const id = instanceId('alpha');
    const flows = countRequests('ListContactFlows');
    const instances = countRequests('ListInstances');
    const [first, concurrent] = await Promise.all([a.listFlows(id), a.listFlows(id)]);
    assert.deepEqual(first, concurrent);
    assert.equal(flows(), 1, 'concurrent callers share one request');
    await a.listFlows(id);
    assert.equal(flows(), 1);
    await a.listFlows(id, { refresh: true });
    assert.equal(flows(), 2);
    await a.listInstances();
    a.invalidate({ instanceId: id });
    await a.listFlows(id);
    await a.listInstances();
    assert.equal(flows(), 3, 'the instance scope drops its flows');
    assert.equal(instances(), 1, '...but not the instance list');
    a.invalidate();
    await a.listInstances();
    assert.equal(instances(), 2);
  });

  it('describes an instance and a flow, and finds flows by name', async () => {
    const { access: a } = await access();
    const id = instanceId('alpha');
    const instance = await a.describeInstance(id);
    assert.equal(instance.InstanceAlias, 'alpha');
    const { chat } = await a.listFlows(id);
    const flow = await a.describeFlow(id, chat[0].Id!);
    assert.equal(flow.Name, chat[0].Name);
    const content = JSON.parse(flow.Content ?? '') as { Actions: unknown[] };
    assert.equal(content.Actions.length, 2);
    const found = await a.searchFlows(id, 'flow 0001');
    assert.deepEqual(found.map((f) => f.Name), ['alpha flow 0001']);
    // One character is below the service's search minimum: the cached list is filtered instead.
    const short = await a.searchFlows(instanceId('beta'), '0');
    assert.deepEqual(short.map((f) => f.Name), ['beta flow 0000']);
  });

  it('explains an unknown flow as not found, and does not cache the failure', async () => {
    const { access: a } = await access();
    const id = instanceId('alpha');
    const count = countRequests('DescribeContactFlow');
    const missing = '00000000-0000-4000-8000-000000000000';
    for (let i = 0; i < 2; i++) {
      const e = await a.describeFlow(id, missing).then(
        () => assert.fail('expected ResourceNotFoundException'),
        (err: unknown) => err,
      );
      const x = explainAwsError(e, { connection: SANDBOX, operation: 'DescribeContactFlow' });
      assert.equal(x.kind, 'notFound');
      assert.ok(x.requestId);
    }
    assert.equal(count(), 2);
  });

  it('explains throttling that persisted through the SDK retries', async function () {
    // The SDK backs off longer after throttling (a 500 ms base), so three attempts take seconds.
    this.timeout(15_000);
    const { access: a, lines } = await access();
    sandbox.addFault({ operation: 'ListInstances', kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'Rate exceeded' });
    const e = await a.listInstances({ refresh: true }).then(
      () => assert.fail('expected throttling'),
      (err: unknown) => err,
    );
    const x = explainAwsError(e, { connection: SANDBOX, operation: 'ListInstances' });
    assert.equal(x.kind, 'throttled');
    assert.match(x.message, /kept throttling connect:ListInstances after 3 attempts/);
    assert.ok(lines.some((l) => /^warn \[aws\] connect:ListInstances .* attempts=3 failed: ThrottlingException HTTP 429$/.test(l)), lines.join('\n'));
  });

  it('recovers when throttling stops within the retries', async function () {
    this.timeout(15_000);
    const { access: a } = await access();
    sandbox.addFault({ operation: 'ListInstances', kind: 'error', status: 429, errorType: 'ThrottlingException', count: 1 });
    const list = await a.listInstances({ refresh: true });
    assert.equal(list.length, sandbox.instances.length);
  });

  it('names the missing IAM action for AccessDenied', async () => {
    const { access: a } = await access({ maxAttempts: 1 });
    sandbox.addFault({
      operation: 'ListContactFlows',
      kind: 'error',
      status: 403,
      errorType: 'AccessDeniedException',
      message: 'User: arn:aws:sts::123456789012:assumed-role/ReadOnly/dev is not authorized to perform: connect:ListContactFlows on resource: arn:aws:connect:us-east-1:123456789012:instance/x',
    });
    const e = await a.listFlows(instanceId('alpha')).then(
      () => assert.fail('expected AccessDenied'),
      (err: unknown) => err,
    );
    const x = explainAwsError(e, { connection: { kind: 'profile', profile: 'readonly', region: 'us-east-1' }, operation: 'ListContactFlows' });
    assert.equal(x.kind, 'accessDenied');
    assert.match(x.message, /profile "readonly" is not allowed to call connect:ListContactFlows/);
    assert.deepEqual(x.actions, [{ kind: 'selectConnection', label: 'Select Connection' }]);
  });

  it('falls back to the operation when AccessDenied names no action', async () => {
    const { access: a } = await access({ maxAttempts: 1 });
    sandbox.addFault({ operation: 'ListInstances', kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'Access denied' });
    const e = await a.listInstances({ refresh: true }).catch((err: unknown) => err);
    assert.match(explainAwsError(e, { operation: 'ListInstances' }).message, /not allowed to call connect:ListInstances/);
  });

  it('explains a 500 that persisted as a service error', async () => {
    const { access: a } = await access({ maxAttempts: 2 });
    sandbox.addFault({ operation: 'DescribeInstance', kind: 'error' });
    const e = await a.describeInstance(instanceId('beta')).catch((err: unknown) => err);
    const x = explainAwsError(e, { operation: 'DescribeInstance' });
    assert.equal(x.kind, 'serviceError');
    assert.match(x.message, /on all 2 attempts/);
  });

  it('starts and stops a chat without logging the participant token', async () => {
    const { access: a, lines } = await access();
    const instance = sandbox.instances.find((i) => i.alias === 'alpha')!;
    const out = await a.startChat({
      InstanceId: instance.id,
      ContactFlowId: instance.flows[0].id,
      ParticipantDetails: { DisplayName: 'Tester' },
    });
    assert.ok(out.ContactId && out.ParticipantToken);
    assert.equal(sandbox.getContact(out.ContactId)?.status !== undefined, true);
    await a.stopContact(instance.id, out.ContactId);
    const log = lines.join('\n');
    assert.ok(!log.includes(out.ParticipantToken), 'participant token logged');
    assert.match(log, new RegExp(`connect:StartChatContact .* ok \\(contact ${out.ContactId}\\)`));
    assert.match(log, /connect:StopContact .* ok/);
  });

  it('explains a sandbox that is not running', async () => {
    const session = await openSession({ connection: SANDBOX, sandboxEndpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
    sessions.push(session);
    const e = await new ConnectAccess(session).listInstances().catch((err: unknown) => err);
    const x = explainAwsError(e, { connection: SANDBOX, endpoint: session.connectEndpoint });
    assert.equal(x.kind, 'sandboxUnreachable');
    assert.match(x.message, /sandbox at http:\/\/127\.0\.0\.1:1 did not answer/);
  });

  it('a redacting logger keeps secrets out even of a careless message', () => {
    const rec = recordingLogger();
    redactingLogger(rec.logger).info('{"ParticipantToken":"QVFJREFIaGVsbG8", "aws_session_token": "IQoJb3JpZ2lu"}');
    assert.doesNotMatch(rec.lines.join('\n'), /QVFJREFIaGVsbG8|IQoJb3JpZ2lu/);
  });
});
