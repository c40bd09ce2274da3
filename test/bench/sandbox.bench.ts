/**
 * Sandbox benchmarks, all through the real AWS SDK v3 clients over loopback:
 *   - start time of the sandbox as the extension runs it: `chatreq sandbox` (dist/cli.js) spawned
 *     as a child process, until its "listening" line (median of several starts; target <= 300 ms)
 *   - StartChatContact per second against that child process
 *   - StartChatContact and GetTranscript requests per second (bounded counts, a few in flight)
 *   - memory held per 10,000 started chats: the V8 heap delta after a full GC when the process
 *     runs with --expose-gc (global.gc), otherwise the process.memoryUsage().rss delta (noisier);
 *     the figure's name says which one was used.
 */
import { ConnectClient, StartChatContactCommand } from '@aws-sdk/client-connect';
import { ConnectParticipantClient, CreateParticipantConnectionCommand, GetTranscriptCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, startSandbox } from '../../src/sandbox';
import { parseListeningLine } from '../../src/sandbox/protocol';

type Figure = { name: string; value: number; unit: string };

const REQUESTS = 2000;
const IN_FLIGHT = 8;
const CHATS = 10_000;
const CHILD_STARTS = 9;
const CLI = join(__dirname, '../../../dist/cli.js');

/** Spawns `chatreq sandbox` as the extension does; resolves once it prints its "listening" line. */
async function childSandbox(): Promise<{ url: string; ms: number; stop: () => Promise<void> }> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run node scripts/build.mjs first');
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--exit-with-stdin'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      const parsed = out.includes('\n') ? parseListeningLine(line) : undefined;
      if (parsed) resolve(parsed.url);
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it listened`)));
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    ms,
    stop: () => {
      child.stdin.end();
      return exited;
    },
  };
}

/** Runs `count` calls of `f`, `parallel` at a time; returns calls per second. */
async function throughput(count: number, parallel: number, f: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await f(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return Math.round(count / seconds);
}

function settle(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  }
  return process.memoryUsage().rss;
}

/** Start-to-listening times of the child-process sandbox, and StartChatContact throughput against one. */
async function childFigures(): Promise<Figure[]> {
  const times: number[] = [];
  for (let i = 0; i < CHILD_STARTS + 1; i++) {
    const c = await childSandbox();
    if (i > 0) times.push(c.ms); // the first start warms the file cache
    await c.stop();
  }
  times.sort((a, b) => a - b);
  const c = await childSandbox();
  const connect = new ConnectClient({ region: 'us-east-1', endpoint: c.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  try {
    const start = () => connect.send(new StartChatContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Bench' }, InitialMessage: { ContentType: 'text/plain', Content: 'hello' } }));
    await throughput(100, IN_FLIGHT, start);
    const rate = await throughput(REQUESTS, IN_FLIGHT, start);
    return [
      { name: `sandbox child process start to "listening" (chatreq sandbox, median of ${CHILD_STARTS}; target <= 300 ms)`, value: Math.round(times[Math.floor(times.length / 2)]), unit: 'ms' },
      { name: `sandbox child process start to "listening", slowest of ${CHILD_STARTS}`, value: Math.round(times[times.length - 1]), unit: 'ms' },
      { name: `sandbox StartChatContact, child process (SDK, loopback, ${REQUESTS} requests, ${IN_FLIGHT} in flight)`, value: rate, unit: 'req/s' },
    ];
  } finally {
    connect.destroy();
    await c.stop();
  }
}

export async function bench(): Promise<Figure[]> {
  const child = await childFigures();
  const sb = await startSandbox();
  const cfg = { region: 'us-east-1', endpoint: sb.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 };
  const connect = new ConnectClient(cfg);
  const participant = new ConnectParticipantClient(cfg);
  const start = () =>
    connect.send(new StartChatContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Bench' }, InitialMessage: { ContentType: 'text/plain', Content: 'hello' } }));
  try {
    await throughput(100, IN_FLIGHT, start); // warm-up
    const startRate = await throughput(REQUESTS, IN_FLIGHT, start);

    const chat = await start();
    const conn = await participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.ParticipantToken!, Type: ['CONNECTION_CREDENTIALS'] }));
    const token = conn.ConnectionCredentials!.ConnectionToken!;
    for (let i = 0; i < 20; i++) await participant.send(new SendMessageCommand({ ConnectionToken: token, ContentType: 'text/plain', Content: `message ${i}` }));
    const transcript = () => participant.send(new GetTranscriptCommand({ ConnectionToken: token, MaxResults: 15, SortOrder: 'ASCENDING' }));
    await throughput(100, IN_FLIGHT, transcript);
    const transcriptRate = await throughput(REQUESTS, IN_FLIGHT, transcript);
    sb.close().catch(() => undefined);

    // Memory: a fresh sandbox, so only the chats started here are counted.
    const fresh = await startSandbox();
    const client = new ConnectClient({ ...cfg, endpoint: fresh.url });
    try {
      const before = settle();
      await throughput(CHATS, 16, () =>
        client.send(new StartChatContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Bench' }, Attributes: { orderId: 'A-1001' }, InitialMessage: { ContentType: 'text/plain', Content: 'hello' } })),
      );
      const after = settle();
      if (fresh.listContacts().length !== CHATS) throw new Error(`expected ${CHATS} chats, the sandbox holds ${fresh.listContacts().length}`);
      const how = (globalThis as { gc?: () => void }).gc ? 'heap delta after gc' : 'rss delta, no gc';
      const perChatKb = Math.round(((after - before) / CHATS / 1024) * 10) / 10;
      return [
        ...child,
        { name: `sandbox StartChatContact (SDK, loopback, ${REQUESTS} requests, ${IN_FLIGHT} in flight)`, value: startRate, unit: 'req/s' },
        { name: `sandbox GetTranscript (SDK, loopback, ${REQUESTS} requests, ${IN_FLIGHT} in flight)`, value: transcriptRate, unit: 'req/s' },
        { name: `sandbox memory per ${CHATS.toLocaleString('en-US')} started chats (${how})`, value: Math.round(((after - before) / 1024 / 1024) * 10) / 10, unit: 'MB' },
        { name: `sandbox memory per 1,000 active chats (${how})`, value: Math.round(perChatKb * 1000 / 1024 * 10) / 10, unit: 'MB' },
        { name: `sandbox memory per active chat (${how})`, value: perChatKb, unit: 'KB' },
      ];
    } finally {
      client.destroy();
      await fresh.close();
    }
  } finally {
    connect.destroy();
    participant.destroy();
    await sb.close();
  }
}
