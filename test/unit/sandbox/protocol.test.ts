import { ListContactFlowsCommand, ListInstancesCommand, StartChatContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { GetTranscriptCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { ManualClock, startSandbox, type RequestLogEntry, type SandboxHandle } from '../../../src/sandbox';
import { chatInput, clients, DEMO_INSTANCE_ID, raw, rejects, startChat } from './support';
import { pollUntil } from '../../support/wait';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('sandbox: wire protocol, bad input and robustness', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;

  before(async () => {
    sb = await startSandbox({ maxBodyBytes: 4096 });
    c = clients(sb, 1);
  });
  after(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  function assertAwsError(r: Awaited<ReturnType<typeof raw>>, status: number, type: string, message: RegExp): void {
    assert.equal(r.status, status, r.body);
    assert.equal(r.headers['x-amzn-errortype'], type);
    assert.match(String(r.headers['x-amzn-requestid']), UUID);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.match(String(r.json().Message), message);
  }

  it('answers with x-amzn-RequestId and application/json; errors carry x-amzn-ErrorType and Message', async () => {
    const ok = await raw(sb, 'GET', '/instance');
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['x-amzn-requestid']), UUID);
    assert.ok(Array.isArray(ok.json().InstanceSummaryList));
    assert.equal(typeof (ok.json().InstanceSummaryList as Array<{ CreatedTime: unknown }>)[0].CreatedTime, 'number', 'Connect timestamps are epoch seconds');
    const nf = await raw(sb, 'GET', '/instance/nope');
    assertAwsError(nf, 404, 'ResourceNotFoundException', /nope/);
  });

  it('malformed JSON, a non-object body and a wrong content type get 400/415 in the AWS error shape', async () => {
    assertAwsError(await raw(sb, 'PUT', '/contact/chat', '{"InstanceId": '), 400, 'SerializationException', /not valid JSON/);
    assertAwsError(await raw(sb, 'PUT', '/contact/chat', '[1,2]'), 400, 'SerializationException', /must be a JSON object/);
    assertAwsError(
      await raw(sb, 'PUT', '/contact/chat', 'InstanceId=x', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'UnsupportedMediaTypeException',
      /application\/json/,
    );
    assertAwsError(await raw(sb, 'POST', '/participant/message', '{oops', { 'x-amz-bearer': 'x' }), 400, 'SerializationException', /not valid JSON/);
    assertAwsError(await raw(sb, 'PUT', '/contact/chat', '{"InstanceId": 5}'), 400, 'InvalidParameterException', /'InstanceId'.*must be a string/);
  });

  it('an oversized body gets 413, whether declared up front or streamed', async () => {
    assertAwsError(await raw(sb, 'PUT', '/contact/chat', JSON.stringify({ pad: 'x'.repeat(5000) })), 413, 'RequestEntityTooLargeException', /4096 bytes/);
    const streamed = await new Promise<{ status: number; type: unknown }>((resolve, reject) => {
      const req = request(`${sb.url}/contact/chat`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=abc', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, type: res.headers['x-amzn-errortype'] });
      });
      req.on('error', reject);
      req.write('{"pad":"');
      req.write('y'.repeat(6000));
      req.end('"}');
    });
    assert.deepEqual(streamed, { status: 413, type: 'RequestEntityTooLargeException' });
  });

  it('an unknown route or wrong method gets 404 UnknownOperationException naming what exists', async () => {
    assertAwsError(await raw(sb, 'GET', '/contact/chats'), 404, 'UnknownOperationException', /No operation matches GET \/contact\/chats.*PUT \/contact\/chat/);
    assertAwsError(await raw(sb, 'POST', '/contact/chat', '{}'), 404, 'UnknownOperationException', /StartChatContact is PUT \/contact\/chat/);
    assertAwsError(await raw(sb, 'GET', '/contact-flows/%E0%A4%A/x'), 400, 'SerializationException', /InstanceId path segment/);
  });

  it('Connect calls need a SigV4 Authorization header (any); Participant calls need only X-Amz-Bearer', async () => {
    assertAwsError(await raw(sb, 'GET', '/instance', undefined, { authorization: '' }), 403, 'MissingAuthenticationTokenException', /Signature Version 4/);
    const chat = await startChat(c);
    const r = await raw(sb, 'POST', '/participant/transcript', '{}', { authorization: '', 'x-amz-bearer': chat.connectionToken });
    assert.equal(r.status, 200);
    assert.match(String((r.json().Transcript as Array<{ AbsoluteTime: string }>)[0].AbsoluteTime), /Z$/, 'Participant timestamps are ISO strings');
    assertAwsError(await raw(sb, 'POST', '/participant/transcript', '{}'), 400, 'ValidationException', /X-Amz-Bearer/);
    assertAwsError(await raw(sb, 'POST', '/participant/transcript', '{}', { 'x-amz-bearer': 'forged' }), 403, 'AccessDeniedException', /not valid/);
  });

  it('survives garbage on the socket, aborted uploads and a stalled client, and keeps serving', async () => {
    const garbage = await new Promise<string>((resolve) => {
      const s = tcpConnect(sb.port, '127.0.0.1', () => s.write('THIS IS NOT HTTP\r\n\r\n'));
      let text = '';
      s.on('data', (d) => (text += d.toString()));
      s.on('close', () => resolve(text));
      s.on('error', () => resolve(text));
    });
    assert.match(garbage, /^HTTP\/1\.1 400/);
    // An upload that stops half way: the server must not wait on it before answering others.
    const stalled = request(`${sb.url}/contact/chat`, { method: 'PUT', headers: { 'content-type': 'application/json', 'content-length': '1000', authorization: 'AWS4-HMAC-SHA256 x' } });
    stalled.on('error', () => undefined);
    stalled.write('{"InstanceId":');
    const aborted = request(`${sb.url}/search-contact-flows`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '500', authorization: 'AWS4-HMAC-SHA256 x' } });
    aborted.on('error', () => undefined);
    aborted.write('{"Inst');
    aborted.destroy();
    const r = await c.connect.send(new ListInstancesCommand({}));
    assert.equal(r.InstanceSummaryList!.length, 1);
    stalled.destroy();
  });

  it('a request id is fresh per response and reaches the SDK error metadata', async () => {
    const a = await rejects(c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: 'x' })));
    const b = await rejects(c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: 'x' })));
    assert.match(a.$metadata.requestId!, UUID);
    assert.notEqual(a.$metadata.requestId, b.$metadata.requestId);
  });
});

describe('sandbox: quotas and injected faults', () => {
  let sb: SandboxHandle;
  let clock: ManualClock;
  let once: ReturnType<typeof clients>;
  let retrying: ReturnType<typeof clients>;

  before(async () => {
    clock = new ManualClock();
    sb = await startSandbox({ clock });
    once = clients(sb, 1);
    retrying = clients(sb, 3);
  });
  afterEach(() => {
    sb.clearFaults();
    sb.setQuotas({});
  });
  after(async () => {
    for (const c of [once, retrying]) {
      c.connect.destroy();
      c.participant.destroy();
    }
    await sb.close();
  });

  it('TPS quota per operation: 429 TooManyRequestsException (unmodelled) or ThrottlingException (modelled)', async () => {
    sb.setQuotas({ tps: { StartChatContact: 2, ListContactFlows: 1 } });
    await once.connect.send(new StartChatContactCommand(chatInput()));
    await once.connect.send(new StartChatContactCommand(chatInput()));
    const e = await rejects(once.connect.send(new StartChatContactCommand(chatInput())));
    assert.equal(e.name, 'TooManyRequestsException');
    assert.equal(e.$metadata.httpStatusCode, 429);
    await once.connect.send(new ListContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID }));
    const t = await rejects(once.connect.send(new ListContactFlowsCommand({ InstanceId: DEMO_INSTANCE_ID })));
    assert.equal(t.name, 'ThrottlingException');
    clock.advance(1000);
    await once.connect.send(new StartChatContactCommand(chatInput()));
  });

  it('concurrent active chats: LimitExceededException until a chat ends', async () => {
    const active = sb.listContacts().filter((x) => x.status === 'ACTIVE').length;
    sb.setQuotas({ maxActiveChats: active + 1 });
    const chat = await startChat(once);
    const e = await rejects(once.connect.send(new StartChatContactCommand(chatInput())));
    assert.equal(e.name, 'LimitExceededException');
    assert.equal(e.$metadata.httpStatusCode, 429);
    assert.match(e.message, /quota/);
    await once.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: chat.contactId }));
    await once.connect.send(new StartChatContactCommand(chatInput()));
  });

  it('injected 500s use each service own error name; the SDK retries one away', async () => {
    sb.addFault({ operation: 'ListInstances', kind: 'error', count: 1 });
    const e = await rejects(once.connect.send(new ListInstancesCommand({})));
    assert.equal(e.name, 'InternalServiceException');
    assert.equal(e.$fault, 'server');
    const chat = await startChat(once);
    sb.addFault({ operation: 'GetTranscript', kind: 'error', count: 1 });
    const p = await rejects(once.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken })));
    assert.equal(p.name, 'InternalServerException');
    sb.addFault({ operation: 'ListInstances', kind: 'error', count: 1 });
    const ok = await retrying.connect.send(new ListInstancesCommand({}));
    assert.equal(ok.$metadata.attempts, 2);
    assert.deepEqual(sb.listFaults().map((f) => f.applied), [1, 1, 1]);
  });

  it('custom status and type, skip and count', async () => {
    sb.setFaults([{ operation: '*', kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'no entry', skip: 1, count: 1 }]);
    await once.connect.send(new ListInstancesCommand({}));
    const e = await rejects(once.connect.send(new ListInstancesCommand({})));
    assert.equal(e.name, 'AccessDeniedException');
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.message, 'no entry');
    await once.connect.send(new ListInstancesCommand({}));
  });

  it('ClientToken survives a retried StartChatContact: one chat, even when the first answer is lost', async () => {
    const before = sb.listContacts().length;
    sb.addFault({ operation: 'StartChatContact', kind: 'drop', afterHandling: true, count: 1 });
    const r = await retrying.connect.send(new StartChatContactCommand(chatInput()));
    assert.equal(r.$metadata.attempts, 2, 'the SDK retried with the same ClientToken');
    assert.equal(sb.listContacts().length, before + 1, 'the retry got the first attempt\'s chat, not a second one');
    assert.equal(sb.getContact(r.ContactId!)!.status, 'ACTIVE');
    // A drop before handling does nothing, so the retry is the first to start a chat.
    sb.addFault({ operation: 'StartChatContact', kind: 'drop', count: 1 });
    const again = await retrying.connect.send(new StartChatContactCommand(chatInput()));
    assert.equal(again.$metadata.attempts, 2);
    assert.equal(sb.listContacts().length, before + 2);
  });

  it('dropped connections and latency', async () => {
    sb.addFault({ operation: 'SendMessage', kind: 'drop', count: 1 });
    const chat = await startChat(once);
    const e = await rejects(once.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'x' })));
    assert.match(`${e.name} ${e.message}`, /socket hang up|ECONNRESET|aborted/i);
    sb.addFault({ operation: 'ListInstances', kind: 'latency', latencyMs: 150, count: 1 });
    const t0 = Date.now();
    await once.connect.send(new ListInstancesCommand({}));
    assert.ok(Date.now() - t0 >= 140, 'the injected delay was applied');
  });

  it('admin routes configure faults and quotas over HTTP and refuse bad rules', async () => {
    const put = await raw(sb, 'PUT', '/sandbox/faults', JSON.stringify({ faults: [{ operation: 'DescribeInstance', kind: 'error', status: 503, errorType: 'ServiceUnavailable' }] }));
    assert.equal(put.status, 200);
    assert.equal((put.json().faults as unknown[]).length, 1);
    const bad = await raw(sb, 'PUT', '/sandbox/faults', JSON.stringify({ faults: [{ operation: 'Nope', kind: 'error' }] }));
    assert.equal(bad.status, 400);
    assert.match(String(bad.json().Message), /unknown operation "Nope"/);
    const q = await raw(sb, 'PUT', '/sandbox/quotas', JSON.stringify({ tps: { GetTranscript: 0 } }));
    assert.equal(q.status, 400);
    assert.match(String(q.json().Message), /positive number/);
    const ok = await raw(sb, 'PUT', '/sandbox/quotas', JSON.stringify({ maxActiveChats: 50 }));
    assert.deepEqual(ok.json(), { maxActiveChats: 50 });
    assert.throws(() => sb.addFault({ operation: 'SendMessage', kind: 'latency' }), /latencyMs/);
    const health = await raw(sb, 'GET', '/sandbox/health');
    assert.equal(health.json().status, 'ok');
  });
});

describe('sandbox: CORS for the Participant Service and the request log', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  const log: RequestLogEntry[] = [];

  before(async () => {
    sb = await startSandbox({ onRequest: (e) => log.push(e) });
    c = clients(sb, 1);
  });
  after(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  it('answers CORS preflights on /participant/* and marks participant responses', async () => {
    const pre = await raw(sb, 'OPTIONS', '/participant/message', undefined, {
      origin: 'vscode-webview://abc',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-amz-bearer',
    });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers['access-control-allow-origin'], 'vscode-webview://abc', 'a webview origin is echoed, never *');
    assert.match(String(pre.headers['access-control-allow-headers']), /x-amz-bearer/);
    const chat = await startChat(c);
    const r = await raw(sb, 'POST', '/participant/transcript', '{}', { 'x-amz-bearer': chat.connectionToken, origin: 'http://localhost:8080' });
    assert.equal(r.headers['access-control-allow-origin'], 'http://localhost:8080');
    assert.match(String(r.headers['access-control-expose-headers']), /x-amzn-RequestId/);
    const connect = await raw(sb, 'GET', '/instance');
    assert.equal(connect.headers['access-control-allow-origin'], undefined, 'the Connect control plane has no CORS');
  });

  it('reports each request to onRequest with operation, status and error type, never a token', async () => {
    log.length = 0;
    const chat = await startChat(c);
    await rejects(c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'image/png', Content: 'x' })));
    sb.addFault({ operation: 'ListInstances', kind: 'drop', count: 1 });
    await rejects(c.connect.send(new ListInstancesCommand({})));
    // A dropped request is reported when its socket closes, which can come after the client gave up.
    await pollUntil(() => log.length >= 4, 'the fourth request log entry', 5000).catch(() => undefined); // the assertion below says what came
    assert.deepEqual(
      log.map((e) => `${e.operation} ${e.status} ${e.errorType ?? ''}`.trim()),
      ['StartChatContact 200', 'CreateParticipantConnection 200', 'SendMessage 400 ValidationException', 'ListInstances 0'],
    );
    assert.ok(log.every((e) => e.ms >= 0 && !JSON.stringify(e).includes(chat.connectionToken) && !JSON.stringify(e).includes(chat.participantToken)));
    assert.match(log[0].requestId!, UUID);
  });
});
