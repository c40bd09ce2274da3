import { ConnectClient, StartChatContactCommand } from '@aws-sdk/client-connect';
import { pollUntil } from '../../support/wait';
import { ConnectParticipantClient, CreateParticipantConnectionCommand, GetTranscriptCommand } from '@aws-sdk/client-connectparticipant';
import WebSocket from 'ws';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { DEMO_FLOWS, DEMO_INSTANCE_ID } from './support';

const ROOT = join(__dirname, '../../../..');
const CLI = join(ROOT, 'dist/cli.js');

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
  firstLine: Promise<string>;
}

function run(args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): Run {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run node scripts/build.mjs first');
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: [stdin, 'pipe', 'pipe'] });
  const r = { child, stdout: '', stderr: '' } as Run;
  const { stdout, stderr } = child as ChildProcess & { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream };
  r.firstLine = new Promise((resolve, reject) => {
    stdout.on('data', (d: Buffer) => {
      r.stdout += d.toString();
      if (r.stdout.includes('\n')) resolve(r.stdout.slice(0, r.stdout.indexOf('\n') + 1));
    });
    child.on('exit', () => reject(new Error(`exited before printing a line; stderr: ${r.stderr}`)));
  });
  r.firstLine.catch(() => undefined);
  stderr.on('data', (d: Buffer) => (r.stderr += d.toString()));
  r.exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return r;
}

describe('chatreq sandbox (the CLI command)', function () {
  this.timeout(20_000);
  const children: ChildProcess[] = [];
  let dir: string | undefined;
  let blocker: Server | undefined;
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
    blocker?.close();
  });

  it('prints exactly one line, serves real clients with the flow runtime, and stops cleanly on SIGTERM', async () => {
    const r = run(['sandbox', '--port', '0']);
    children.push(r.child);
    const line = await r.firstLine;
    const m = /^Connect sandbox listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(line);
    assert.ok(m, line);
    assert.notEqual(m[2], '0');
    const cfg = { region: 'us-east-1', endpoint: m[1], credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 };
    const connect = new ConnectClient(cfg);
    const participant = new ConnectParticipantClient(cfg);
    try {
      const s = await connect.send(new StartChatContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Cli' } }));
      const conn = await participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: s.ParticipantToken!, Type: ['CONNECTION_CREDENTIALS'] }));
      const t = await participant.send(new GetTranscriptCommand({ ConnectionToken: conn.ConnectionCredentials!.ConnectionToken!, SortOrder: 'ASCENDING', ScanDirection: 'FORWARD' }));
      const system = t.Transcript!.filter((i) => i.ParticipantRole === 'SYSTEM' && i.Type === 'MESSAGE');
      assert.ok(system.some((i) => /Example Outfitters/.test(i.Content ?? '')), 'the flow runtime greeted the customer');
      // The order-status flow calls the demo Lambda mock that ships with the sandbox.
      const o = await connect.send(new StartChatContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.orderStatus, ParticipantDetails: { DisplayName: 'Cli' }, Attributes: { orderId: '67890' } }));
      const oc = await participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: o.ParticipantToken!, Type: ['CONNECTION_CREDENTIALS'] }));
      const ot = await participant.send(new GetTranscriptCommand({ ConnectionToken: oc.ConnectionCredentials!.ConnectionToken!, SortOrder: 'ASCENDING', ScanDirection: 'FORWARD', MaxResults: 20 }));
      assert.ok(ot.Transcript!.some((i) => /Order 67890 is being packed/.test(i.Content ?? '')), JSON.stringify(ot.Transcript!.map((i) => i.Content)));
    } finally {
      connect.destroy();
      participant.destroy();
    }
    r.child.kill('SIGTERM');
    assert.equal(await r.exit, 0);
    assert.equal(r.stdout, line, 'nothing but the one line on stdout');
  });

  it('stops on SIGINT too, and --log writes one stderr line per request', async () => {
    const r = run(['sandbox', '--log']);
    children.push(r.child);
    const line = await r.firstLine;
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0];
    const res = await fetch(`${url}/instance/nope`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=abc' } });
    assert.equal(res.status, 404);
    r.child.kill('SIGINT');
    assert.equal(await r.exit, 0);
    assert.match(r.stderr, /DescribeInstance GET \/instance\/nope -> 404 ResourceNotFoundException \d+\.\d ms\n/);
    assert.equal(r.stdout, line);
  });

  it('--pace realistic delays the flow\'s messages by the documented latency', async () => {
    const r = run(['sandbox', '--pace', 'realistic']);
    children.push(r.child);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(await r.firstLine)![0];
    const cfg = { region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 };
    const connect = new ConnectClient(cfg);
    const participant = new ConnectParticipantClient(cfg);
    try {
      const s = await connect.send(new StartChatContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Cli' } }));
      const conn = await participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: s.ParticipantToken!, Type: ['CONNECTION_CREDENTIALS'] }));
      const token = conn.ConnectionCredentials!.ConnectionToken!;
      const transcript = async () => (await participant.send(new GetTranscriptCommand({ ConnectionToken: token, SortOrder: 'ASCENDING', ScanDirection: 'FORWARD' }))).Transcript!;
      // Poll (the server's real clock paces it) until the welcome arrives, then compare its time
      // with the customer's join: the flow message came at least 400 ms later.
      const items = await pollUntil(async () => {
        const t = await transcript();
        return t.some((i) => i.Type === 'MESSAGE' && i.ParticipantRole === 'SYSTEM') ? t : undefined;
      }, 'the welcome to arrive', 5000, 20);
      const joined = items.find((i) => i.ParticipantRole === 'CUSTOMER')!;
      const welcome = items.find((i) => i.Type === 'MESSAGE' && i.ParticipantRole === 'SYSTEM');
      assert.ok(welcome, 'the welcome arrived');
      assert.ok(Date.parse(welcome.AbsoluteTime!) - Date.parse(joined.AbsoluteTime!) >= 400, `${joined.AbsoluteTime} -> ${welcome.AbsoluteTime}`);
    } finally {
      connect.destroy();
      participant.destroy();
    }
    r.child.kill('SIGTERM');
    assert.equal(await r.exit, 0);
  });

  it('reports a busy port and a missing flows folder clearly, exit 1; skips a malformed flow file with a message', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const busy = run(['sandbox', '--port', String(port)]);
    assert.equal(await busy.exit, 1);
    assert.match(busy.stderr, new RegExp(`^chatreq sandbox: The Connect sandbox could not listen on port ${port}: it is in use\\. Pick another with --port, or --port 0 for a free one\\.\n$`));
    dir = mkdtempSync(join(tmpdir(), 'chatreq-cli-flows-'));
    writeFileSync(join(dir, 'broken.flow.json'), '{"Version":');
    const bad = run(['sandbox', '--flows', dir]);
    children.push(bad.child);
    assert.match(await bad.firstLine, /^Connect sandbox listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    assert.match(bad.stderr, /chatreq sandbox: skipped .*broken\.flow\.json: not valid JSON/);
    bad.child.kill('SIGTERM');
    assert.equal(await bad.exit, 0);
    const missing = run(['sandbox', '--flows', join(dir, 'nonexistent')]);
    assert.equal(await missing.exit, 1);
    assert.match(missing.stderr, /^chatreq sandbox: the flows folder .*nonexistent does not exist\n$/);
    assert.equal(missing.stdout, '');
  });

  it('on SIGINT sends each open participant WebSocket a close frame (1001, not 1006) before it exits', async () => {
    const r = run(['sandbox']);
    children.push(r.child);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(await r.firstLine)![0];
    const cfg = { region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 };
    const connect = new ConnectClient(cfg);
    const participant = new ConnectParticipantClient(cfg);
    let ws: WebSocket | undefined;
    try {
      const s = await connect.send(new StartChatContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Cli' } }));
      const conn = await participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: s.ParticipantToken!, Type: ['WEBSOCKET'] }));
      const socket = new WebSocket(conn.Websocket!.Url!);
      ws = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      const subscribed = new Promise<void>((resolve) => socket.on('message', (d: Buffer) => (/"aws\/subscribe"/.test(d.toString()) ? resolve() : undefined)));
      socket.send(JSON.stringify({ topic: 'aws/subscribe', content: { topics: ['aws/chat'] } }));
      await subscribed;
      const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      r.child.kill('SIGINT');
      const { code, reason } = await closed;
      assert.equal(code, 1001, `close code ${code} (1006 means the connection was cut without a close frame)`);
      assert.match(reason, /shutting down/);
      assert.equal(await r.exit, 0);
    } finally {
      ws?.terminate();
      connect.destroy();
      participant.destroy();
    }
  });

  it('--exit-with-stdin: stops when stdin closes, and when the process that started it dies', async () => {
    const r = run(['sandbox', '--exit-with-stdin'], 'pipe');
    children.push(r.child);
    await r.firstLine;
    r.child.stdin!.end();
    assert.equal(await r.exit, 0, r.stderr);
    // A parent that is killed outright (no chance to clean up) still ends the sandbox: the pipe closes with it.
    const parentScript = `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(CLI)}, 'sandbox', '--exit-with-stdin'], { stdio: ['pipe', 'pipe', 'inherit'] });
c.stdout.on('data', (d) => process.stdout.write('child ' + c.pid + ' ' + d));`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(parent);
    let out = '';
    const line = await new Promise<RegExpExecArray>((resolve, reject) => {
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^child (\d+) Connect sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m);
      });
      parent.once('exit', () => reject(new Error(`the parent exited first: ${out}`)));
    });
    assert.equal(((await (await fetch(`${line[2]}/sandbox/health`)).json()) as { status: string }).status, 'ok');
    parent.kill('SIGKILL');
    // (Polled over HTTP, not by PID: an orphan may linger as a zombie where nothing reaps it.)
    await pollUntil(
      () =>
        fetch(`${line[2]}/sandbox/health`).then(
          () => undefined,
          () => true,
        ),
      'the orphaned sandbox to stop listening',
      10_000,
      20,
    );
  });

  it('refuses bad arguments with usage (exit 2) and is listed in help', async () => {
    const io = { out: '', err: '', env: {}, cwd: process.cwd(), stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    assert.equal(await runCli(['sandbox', '--port', '70000'], io), 2);
    assert.match(io.err, /--port must be a whole number from 0 to 65535/);
    assert.equal(await runCli(['sandbox', '--colour'], io), 2);
    assert.match(io.err, /unknown option --colour/);
    assert.equal(await runCli(['sandbox', '--flows'], io), 2);
    assert.match(io.err, /--flows needs a value/);
    assert.equal(await runCli(['sandbox', '--pace', 'slow'], io), 2);
    assert.match(io.err, /--pace must be instant or realistic/);
    assert.equal(await runCli(['sandbox', 'extra'], io), 2);
    assert.match(io.err, /unexpected argument 'extra'/);
    assert.equal(await runCli(['help'], io), 0);
    assert.match(io.out, /sandbox\s+Run the local Connect sandbox/);
  });
});
