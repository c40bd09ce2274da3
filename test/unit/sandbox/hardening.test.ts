/**
 * Issue 12 item 3, the request-handling fixes: token shape, persistent chat continued once, strict
 * bodies and headers, `__proto__` attribute keys, and the loopback-only Host / CORS policy.
 */
import { ConnectClient, StartChatContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { awsCliEnv } from '../../support/awsCli';
import { CreateParticipantConnectionCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { WebSocket } from 'ws';
import { type SandboxHandle } from '../../../src/sandbox';
import { chatInput, type clients, DEMO_FLOWS, DEMO_INSTANCE_ID, raw, rejects, startChat, freshSandboxEach } from './support';

/** The AWS CLI with throwaway credentials and no config files. */
function aws(url: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['--endpoint-url', url, '--output', 'json', ...args],
      {
        env: awsCliEnv(),
        timeout: 20_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Sends raw bytes and returns the raw HTTP response text (for what no HTTP client would send). */
function rawSocket(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = netConnect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString('utf8')));
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', reject);
    s.write(bytes);
  });
}

const STANDARD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

describe('sandbox: request hardening and real-looking tokens', function () {
  this.timeout(60_000);
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  freshSandboxEach((s, k) => {
    sb = s;
    c = k;
  });

  it('issues participant and connection tokens in standard base64 that never start with "-"', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 60; i++) {
      const chat = await startChat(c);
      tokens.push(chat.participantToken, chat.connectionToken);
    }
    for (const t of tokens) {
      assert.match(t, STANDARD_BASE64, `token ${t.slice(0, 20)}… is not standard base64`);
      assert.ok(!t.startsWith('-'));
    }
    // 120 random 96-byte tokens without one + or / would be a miracle: they are standard base64.
    assert.ok(tokens.some((t) => /[+/]/.test(t)));
  });

  it('the AWS CLI passes a token that starts with a base64 symbol to create-participant-connection', async () => {
    // Take tokens until one starts with '+' or '/' (a real token may), then let the CLI use it.
    let token: string | undefined;
    for (let i = 0; i < 400 && token === undefined; i++) {
      const s = await c.connect.send(new StartChatContactCommand(chatInput()));
      if (/^[+/]/.test(s.ParticipantToken!)) token = s.ParticipantToken!;
    }
    assert.ok(token, 'no token began with + or / in 400 chats');
    const r = await aws(sb.url, ['connectparticipant', 'create-participant-connection', '--participant-token', token, '--type', 'CONNECTION_CREDENTIALS']);
    assert.equal(r.code, 0, r.stderr);
    assert.match((JSON.parse(r.stdout) as { ConnectionCredentials: { ConnectionToken: string } }).ConnectionCredentials.ConnectionToken, STANDARD_BASE64);
  });

  it('continues a persistent chat from a SourceContactId only once', async () => {
    const first = await startChat(c);
    await c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: first.contactId }));
    const persistent = { PersistentChat: { RehydrationType: 'FROM_SEGMENT' as const, SourceContactId: first.contactId }, SupportedMessagingContentTypes: ['text/plain'] };
    const second = await c.connect.send(new StartChatContactCommand(chatInput(persistent)));
    assert.ok(second.ContactId);
    const again = await rejects(c.connect.send(new StartChatContactCommand(chatInput(persistent))));
    assert.equal(again.name, 'InvalidRequestException');
    assert.equal(again.$metadata.httpStatusCode, 400);
    assert.match(again.message, /already/);
  });

  it('keeps an attribute key __proto__ like any other key (through the AWS CLI)', async () => {
    const started = await aws(sb.url, [
      'connect', 'start-chat-contact', '--instance-id', DEMO_INSTANCE_ID, '--contact-flow-id', DEMO_FLOWS.orderStatus,
      '--participant-details', 'DisplayName=Proto', '--attributes', '{"__proto__":"kept","plain":"v"}',
    ]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /ContactId/);
    const contactId = (JSON.parse(started.stdout) as { ContactId: string }).ContactId;
    // Read back with the CLI too: Python has no __proto__ pitfall, so what it prints is what was sent.
    const got = await aws(sb.url, ['connect', 'get-contact-attributes', '--instance-id', DEMO_INSTANCE_ID, '--initial-contact-id', contactId]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /"__proto__": "kept"/);
    assert.match(got.stdout, /"plain": "v"/);
  });

  it('refuses invalid UTF-8 in a body with a 400 SerializationException instead of storing U+FFFD', async () => {
    const body = Buffer.concat([
      Buffer.from(`{"InstanceId":"${DEMO_INSTANCE_ID}","ContactFlowId":"${DEMO_FLOWS.orderStatus}","ParticipantDetails":{"DisplayName":"bad `),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}'),
    ]);
    const r = await raw(sb, 'PUT', '/contact/chat', body);
    assert.equal(r.status, 400);
    assert.equal(r.headers['x-amzn-errortype'], 'SerializationException');
    assert.match(String(r.json().Message), /UTF-8/);
    assert.equal(sb.listContacts().length, 0);
  });

  it('rejects a malformed Authorization header as AWS does and still accepts any well-formed SigV4 header', async () => {
    for (const auth of ['AWS4-HMAC-SHA256 garbage', 'AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=abc', 'Bearer abc', 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=not-hex']) {
      const r = await raw(sb, 'GET', '/instance', undefined, { authorization: auth });
      assert.equal(r.status, 403, auth);
      assert.equal(r.headers['x-amzn-errortype'], 'IncompleteSignatureException', auth);
      assert.ok(r.json().Message, auth);
    }
    const good = await raw(sb, 'GET', '/instance', undefined, {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-2/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcdef',
    });
    assert.equal(good.status, 200);
  });

  it('shows in the admin contact view the access key ID and region StartChatContact was signed with (no secret)', async () => {
    const other = new ConnectClient({ region: 'eu-west-2', endpoint: sb.url, credentials: { accessKeyId: 'AKIAOTHERCALLER00001', secretAccessKey: 'other-caller-secret' } });
    try {
      const s = await other.send(new StartChatContactCommand(chatInput()));
      const view = await raw(sb, 'GET', `/sandbox/contacts/${s.ContactId!}`);
      assert.equal(view.status, 200);
      assert.deepEqual(view.json().startedWith, { accessKeyId: 'AKIAOTHERCALLER00001', region: 'eu-west-2' });
      assert.ok(!view.body.includes('other-caller-secret'));
      const mine = await c.connect.send(new StartChatContactCommand(chatInput()));
      assert.deepEqual((await raw(sb, 'GET', `/sandbox/contacts/${mine.ContactId!}`)).json().startedWith, { accessKeyId: 'AKIDSANDBOX', region: 'us-east-1' });
    } finally {
      other.destroy();
    }
  });

  it('answers malformed percent-encoding in a path with 400, never 500', async () => {
    for (const path of ['/sandbox/contacts/%E0%A4%A', '/sandbox/contacts/%zz/drop-sockets', '/sandbox/flow-logs/%', '/contacts/%zz/abc']) {
      const method = path.endsWith('drop-sockets') ? 'POST' : 'GET';
      const r = await raw(sb, method, path);
      assert.equal(r.status, 400, path);
      assert.ok(r.json().Message, path);
    }
  });

  it('gives Node-level parse errors an AWS error body', async () => {
    const text = await rawSocket(sb.port, 'GET /instance HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n');
    assert.match(text, /^HTTP\/1\.1 400/);
    assert.match(text, /x-amzn-ErrorType: SerializationException/i);
    const json = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { Message: string };
    assert.ok(json.Message);
  });

  it('accepts loopback Host names only and sends no wildcard CORS origin', async () => {
    for (const host of ['127.0.0.1', `127.0.0.1:${sb.port}`, `localhost:${sb.port}`, 'LOCALHOST', `[::1]:${sb.port}`]) {
      const r = await raw(sb, 'GET', '/instance', undefined, { host });
      assert.equal(r.status, 200, host);
    }
    for (const host of ['evil.example', `evil.example:${sb.port}`, '127.0.0.1.evil.example', 'localhost.evil.example']) {
      const r = await raw(sb, 'GET', '/instance', undefined, { host });
      assert.equal(r.status, 403, host);
      assert.ok(r.json().Message);
      const ws = await raw(sb, 'GET', '/sandbox/health', undefined, { host });
      assert.equal(ws.status, 403, host);
    }
    const preflight = await raw(sb, 'OPTIONS', '/participant/message', undefined, { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    assert.notEqual(preflight.headers['access-control-allow-origin'], '*');
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    const local = await raw(sb, 'OPTIONS', '/participant/message', undefined, { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' });
    assert.equal(local.headers['access-control-allow-origin'], 'http://localhost:5173');
    const chat = await startChat(c);
    const conn = await c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.participantToken, Type: ['CONNECTION_CREDENTIALS'] }));
    assert.ok(conn.ConnectionCredentials?.ConnectionToken, 'the SDK (Host 127.0.0.1:port) still works');
    // The participant WebSocket checks Host too (a rebound page could otherwise open it).
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(chat.websocketUrl, { headers: { host: 'evil.example' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.terminate();
        resolve(101);
      });
      ws.on('error', () => undefined);
    });
    assert.equal(status, 403);
  });
});
