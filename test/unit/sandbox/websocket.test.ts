import { StopContactCommand } from '@aws-sdk/client-connect';
import { SendEventCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { ManualClock, startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { clients, startChat } from './support';

interface Frame {
  topic?: string;
  contentType?: string;
  content?: unknown;
  statusCode?: number;
  message?: string;
  connectionId?: string;
  requestId?: string;
}

/** A WebSocket client that behaves like amazon-connect-chatjs's websocket manager. */
class ChatSocket {
  readonly frames: Frame[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(JSON.parse(data.toString('utf8')) as Frame);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static open(url: string): Promise<ChatSocket> {
    // chatjs accepts only wss:// or ws://127.0.0.1: URLs (validWSUrl).
    assert.match(url, /^(wss:\/\/)\w*|^(ws:\/\/127\.0\.0\.1:)/);
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new ChatSocket(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }
  send(o: unknown): void {
    this.ws.send(JSON.stringify(o));
  }
  async next(pred: (f: Frame) => boolean, ms = 2000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.find(pred);
      if (found) {
        this.frames.splice(this.frames.indexOf(found), 1);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`no matching frame; have ${JSON.stringify(this.frames)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
  chatItems(): Array<Record<string, unknown>> {
    return this.frames.filter((f) => f.topic === 'aws/chat').map((f) => JSON.parse(f.content as string) as Record<string, unknown>);
  }
  close(): void {
    this.ws.terminate();
  }
}

async function subscribe(s: ChatSocket): Promise<void> {
  s.send({ topic: 'aws/subscribe', content: { topics: ['aws/chat'] } });
  const ack = await s.next((f) => f.topic === 'aws/subscribe');
  assert.deepEqual(ack, { topic: 'aws/subscribe', content: { status: 'success', topics: ['aws/chat'] } });
}

describe('sandbox: participant WebSocket (chatjs protocol)', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  let clock: ManualClock;
  const sockets: ChatSocket[] = [];
  const open = async (url: string) => {
    const s = await ChatSocket.open(url);
    sockets.push(s);
    return s;
  };

  before(async () => {
    clock = new ManualClock();
    sb = await startSandbox({ clock });
    c = clients(sb, 1);
  });
  after(async () => {
    for (const s of sockets) s.close();
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  it('subscribes, answers heartbeat and ping, and pushes each new item as an aws/chat frame', async () => {
    const chat = await startChat(c);
    const s = await open(chat.websocketUrl);
    await subscribe(s);
    s.send({ topic: 'aws/heartbeat' });
    assert.deepEqual(await s.next((f) => f.topic === 'aws/heartbeat'), { topic: 'aws/heartbeat' });
    s.send({ topic: 'aws/ping' });
    assert.deepEqual(await s.next((f) => f.topic === 'aws/ping'), { topic: 'aws/ping', statusCode: 200 });

    const sent = await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'over the socket' }));
    const frame = await s.next((f) => f.topic === 'aws/chat');
    assert.equal(frame.contentType, 'application/json');
    assert.equal(typeof frame.content, 'string', 'chatjs JSON.parses message.content');
    const item = JSON.parse(frame.content as string) as Record<string, unknown>;
    assert.equal(item.Id, sent.Id);
    assert.equal(item.Type, 'MESSAGE');
    assert.equal(item.Content, 'over the socket');
    assert.equal(item.ParticipantRole, 'CUSTOMER');
    assert.equal(item.ContactId, chat.contactId);
    assert.equal(item.InitialContactId, chat.contactId);
    assert.equal(item.AbsoluteTime, sent.AbsoluteTime);

    await c.participant.send(new SendEventCommand({ ConnectionToken: chat.connectionToken, ContentType: 'application/vnd.amazonaws.connect.event.typing' }));
    const typing = JSON.parse((await s.next((f) => f.topic === 'aws/chat')).content as string) as Record<string, unknown>;
    assert.equal(typing.ContentType, 'application/vnd.amazonaws.connect.event.typing');
    assert.equal(typing.Type, 'EVENT');
  });

  it('pushes nothing before aws/subscribe, and the end of the chat after it', async () => {
    const chat = await startChat(c);
    const s = await open(chat.websocketUrl);
    await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'unheard' }));
    s.send({ topic: 'aws/heartbeat' });
    await s.next((f) => f.topic === 'aws/heartbeat');
    assert.deepEqual(s.chatItems(), []);
    await subscribe(s);
    await c.connect.send(new StopContactCommand({ InstanceId: sb.instances[0].id, ContactId: chat.contactId }));
    await s.next((f) => f.topic === 'aws/chat' && String(f.content).includes('chat.ended'));
    const types = s.chatItems().map((i) => i.ContentType);
    assert.deepEqual(types, ['application/vnd.amazonaws.connect.event.participant.left']);
  });

  it('answers bad frames and unknown topics with an error frame, and keeps the socket open', async () => {
    const chat = await startChat(c);
    const s = await open(chat.websocketUrl);
    s.ws.send('not json');
    const err = await s.next((f) => f.message !== undefined);
    assert.match(err.message!, /JSON objects with a topic/);
    assert.match(err.connectionId!, /^[0-9a-f-]{36}$/);
    assert.match(err.requestId!, /^[0-9a-f-]{36}$/);
    s.send({ topic: 'aws/teleport' });
    assert.match((await s.next((f) => f.message !== undefined)).message!, /Unknown topic/);
    s.send({ topic: 'aws/subscribe', content: { topics: ['aws/other'] } });
    const nack = await s.next((f) => f.topic === 'aws/subscribe');
    assert.equal((nack.content as { status: string }).status, 'failure');
    await subscribe(s);
  });

  it('refuses an unknown or expired URL (the URL is good for 100 s) and an unknown path', async () => {
    const chat = await startChat(c);
    await assert.rejects(ChatSocket.open(chat.websocketUrl.replace(/connectionToken=[^&]+/, 'connectionToken=forged')), /HTTP 403/);
    await assert.rejects(ChatSocket.open(`ws://127.0.0.1:${sb.port}/elsewhere`), /HTTP 404/);
    clock.advance(100_001);
    await assert.rejects(ChatSocket.open(chat.websocketUrl), /HTTP 403/);
  });

  it('delivers to every subscribed socket of the participant', async () => {
    const chat = await startChat(c);
    const a = await open(chat.websocketUrl);
    const b = await open(chat.websocketUrl);
    await subscribe(a);
    await subscribe(b);
    await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'both' }));
    await a.next((f) => f.topic === 'aws/chat');
    await b.next((f) => f.topic === 'aws/chat');
  });
});
