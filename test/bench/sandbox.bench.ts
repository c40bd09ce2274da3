/**
 * Sandbox benchmarks, all through the real AWS SDK v3 clients over loopback:
 *   - StartChatContact and GetTranscript requests per second (bounded counts, a few in flight)
 *   - memory held per 10,000 started chats: the V8 heap delta after a full GC when the process
 *     runs with --expose-gc (global.gc), otherwise the process.memoryUsage().rss delta (noisier);
 *     the figure's name says which one was used.
 */
import { ConnectClient, StartChatContactCommand } from '@aws-sdk/client-connect';
import { ConnectParticipantClient, CreateParticipantConnectionCommand, GetTranscriptCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, startSandbox } from '../../src/sandbox';

type Figure = { name: string; value: number; unit: string };

const REQUESTS = 2000;
const IN_FLIGHT = 8;
const CHATS = 10_000;

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

export async function bench(): Promise<Figure[]> {
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
      return [
        { name: `sandbox StartChatContact (SDK, loopback, ${REQUESTS} requests, ${IN_FLIGHT} in flight)`, value: startRate, unit: 'req/s' },
        { name: `sandbox GetTranscript (SDK, loopback, ${REQUESTS} requests, ${IN_FLIGHT} in flight)`, value: transcriptRate, unit: 'req/s' },
        { name: `sandbox memory per ${CHATS.toLocaleString('en-US')} started chats (${how})`, value: Math.round(((after - before) / 1024 / 1024) * 10) / 10, unit: 'MB' },
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
