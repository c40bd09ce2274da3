/**
 * The participant WebSocket, as amazon-connect-chatjs uses it (reference §3.8): the client opens
 * the URL from CreateParticipantConnection, subscribes to `aws/chat`, sends `aws/heartbeat` and
 * `aws/ping` every 10 s, and receives each new chat item as an `aws/chat` frame whose `content` is
 * the item JSON-encoded as a string.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { type ContactStore } from './contacts';
import { type SandboxClock } from './clock';
import { WEBSOCKET_PATH } from './participantOps';

export class ChatSockets {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 });
  /** Open sockets per contact id, so a test can cut them all (dropSockets). */
  private readonly byContact = new Map<string, Set<WebSocket>>();

  constructor(
    private readonly store: ContactStore,
    private readonly clock: SandboxClock,
  ) {}

  /** Handles an HTTP upgrade; refuses (403/404) anything that is not a live participant URL. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WEBSOCKET_PATH) return refuse(socket, 404, 'Not Found');
    const token = url.searchParams.get('connectionToken') ?? '';
    const entry = this.store.byWebSocketToken.get(token);
    if (!entry || entry.expires <= this.clock.now().getTime()) {
      if (entry) this.store.byWebSocketToken.delete(token);
      return refuse(socket, 403, 'Forbidden');
    }
    const participant = entry.participant;
    if (participant.disconnected) return refuse(socket, 403, 'Forbidden');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connectionId = randomUUID();
      const send = (frame: string) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      };
      const reply = (o: unknown) => send(JSON.stringify(o));
      const contactId = participant.contact.contactId;
      let open = this.byContact.get(contactId);
      if (!open) this.byContact.set(contactId, (open = new Set()));
      open.add(ws);
      ws.on('error', () => undefined);
      ws.on('close', () => {
        participant.subscribers.delete(send);
        const set = this.byContact.get(contactId);
        set?.delete(ws);
        if (set?.size === 0) this.byContact.delete(contactId);
      });
      ws.on('message', (data, isBinary) => {
        let msg: unknown;
        try {
          msg = isBinary ? undefined : JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
        } catch {
          msg = undefined;
        }
        const topic = typeof msg === 'object' && msg !== null ? (msg as { topic?: unknown }).topic : undefined;
        if (topic === 'aws/heartbeat') return reply({ topic: 'aws/heartbeat' });
        if (topic === 'aws/ping') return reply({ topic: 'aws/ping', statusCode: 200 });
        if (topic === 'aws/subscribe') {
          const content = (msg as { content?: { topics?: unknown } }).content;
          const topics = Array.isArray(content?.topics) ? content.topics : [];
          if (topics.length > 0 && topics.every((t) => t === 'aws/chat')) {
            participant.subscribers.add(send);
            return reply({ topic: 'aws/subscribe', content: { status: 'success', topics: ['aws/chat'] } });
          }
          return reply({ topic: 'aws/subscribe', content: { status: 'failure', topics, message: 'Only the aws/chat topic can be subscribed to.' } });
        }
        if (topic === 'aws/unsubscribe') {
          participant.subscribers.delete(send);
          return reply({ topic: 'aws/unsubscribe', content: { status: 'success' } });
        }
        reply({
          message: topic === undefined ? 'Frames must be JSON objects with a topic (aws/subscribe, aws/heartbeat, aws/ping).' : `Unknown topic '${JSON.stringify(topic).slice(0, 100)}'.`,
          connectionId,
          requestId: randomUUID(),
        });
      });
    });
  }

  /**
   * Cuts every participant WebSocket of a contact abruptly: the TCP connection is destroyed with no
   * close frame, as when a network drops, so clients see an abnormal closure (1006) and must
   * reconnect (CreateParticipantConnection for a new URL). Returns how many sockets were cut.
   */
  dropSockets(contactId: string): number {
    const open = this.byContact.get(contactId);
    if (!open) return 0;
    const list = [...open];
    this.byContact.delete(contactId);
    for (const ws of list) ws.terminate();
    return list.length;
  }

  /**
   * Closes every socket as a server going away does: a close frame (1001) first, so clients see a
   * clean close rather than 1006, then the TCP connection is cut for any client that has not
   * answered within `graceMs`.
   */
  async close(graceMs = 1000): Promise<void> {
    const open = [...this.wss.clients];
    this.byContact.clear();
    await Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((done) => {
            if (ws.readyState === WebSocket.CLOSED) return done();
            const timer = setTimeout(() => {
              ws.terminate();
              done();
            }, graceMs);
            timer.unref();
            ws.once('close', () => {
              clearTimeout(timer);
              done();
            });
            if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'The Connect sandbox is shutting down.');
          }),
      ),
    );
    this.wss.close();
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
