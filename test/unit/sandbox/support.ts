/** Shared helpers for the sandbox tests: real SDK clients pointed at a real sandbox on loopback. */
import { ConnectClient, StartChatContactCommand, type StartChatContactCommandInput } from '@aws-sdk/client-connect';
import { ConnectParticipantClient, CreateParticipantConnectionCommand } from '@aws-sdk/client-connectparticipant';
import { request } from 'node:http';
import { pollUntil } from '../../support/wait';
import { WebSocket } from 'ws';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, startSandbox, type SandboxHandle } from '../../../src/sandbox';

export { DEMO_FLOWS, DEMO_INSTANCE_ID };

export function clients(sb: SandboxHandle, maxAttempts = 3): { connect: ConnectClient; participant: ConnectParticipantClient } {
  const cfg = { region: 'us-east-1', endpoint: sb.url, credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' }, maxAttempts };
  // chatjs signs participant calls with empty credentials; do the same to prove they are not checked.
  return {
    connect: new ConnectClient(cfg),
    participant: new ConnectParticipantClient({ ...cfg, credentials: { accessKeyId: '', secretAccessKey: '' } }),
  };
}

export function chatInput(overrides: Partial<StartChatContactCommandInput> = {}): StartChatContactCommandInput {
  return {
    InstanceId: DEMO_INSTANCE_ID,
    ContactFlowId: DEMO_FLOWS.supportBot,
    ParticipantDetails: { DisplayName: 'Ana Customer' },
    ...overrides,
  };
}

export interface StartedChat {
  contactId: string;
  participantId: string;
  participantToken: string;
  connectionToken: string;
  websocketUrl: string;
}

/** StartChatContact + CreateParticipantConnection, as a chat widget does. */
export async function startChat(
  c: ReturnType<typeof clients>,
  overrides: Partial<StartChatContactCommandInput> = {},
): Promise<StartedChat> {
  const s = await c.connect.send(new StartChatContactCommand(chatInput(overrides)));
  const conn = await c.participant.send(
    new CreateParticipantConnectionCommand({ ParticipantToken: s.ParticipantToken!, Type: ['WEBSOCKET', 'CONNECTION_CREDENTIALS'], ConnectParticipant: true }),
  );
  return {
    contactId: s.ContactId!,
    participantId: s.ParticipantId!,
    participantToken: s.ParticipantToken!,
    connectionToken: conn.ConnectionCredentials!.ConnectionToken!,
    websocketUrl: conn.Websocket!.Url!,
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): Record<string, unknown>;
}

/** A hand-made HTTP request, for what no SDK would send. Connect calls get a (fake) SigV4 header. */
export function raw(
  sb: SandboxHandle,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sb.url}${path}`,
      {
        method,
        headers: {
          authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=abc',
          ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) as Record<string, unknown> });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Runs `fn`, which must reject; returns the error for assertions. */
export async function rejects<E = Error & { name: string; $metadata: { httpStatusCode?: number; requestId?: string }; $fault?: string }>(
  p: Promise<unknown>,
): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `ms`. */
export function waitFor<T>(probe: () => T | undefined | false, what: string, ms = 5000): Promise<T> {
  return pollUntil(probe, what, ms);
}

/** The chat items one participant WebSocket received (decoded `aws/chat` frames), and its state. */
export interface OpenSocket {
  ws: WebSocket;
  items: Array<Record<string, unknown>>;
  closed: Promise<{ code: number }>;
}

/** Opens a participant WebSocket and subscribes to aws/chat, as chatjs does. */
export async function openSocket(url: string): Promise<OpenSocket> {
  const ws = new WebSocket(url);
  const items: Array<Record<string, unknown>> = [];
  const closed = new Promise<{ code: number }>((resolve) => ws.once('close', (code) => resolve({ code })));
  let subscribed!: () => void;
  const ready = new Promise<void>((r) => (subscribed = r));
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as { topic?: string; content?: unknown };
    if (frame.topic === 'aws/subscribe') subscribed();
    if (frame.topic === 'aws/chat') items.push(JSON.parse(frame.content as string) as Record<string, unknown>);
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ topic: 'aws/subscribe', content: { topics: ['aws/chat'] } }));
  await ready;
  return { ws, items, closed };
}

/**
 * A new sandbox (no flow runtime) and its SDK clients (one attempt per call) for every test of the
 * describe block that calls this; `use` receives them before each test. Closed after each test.
 */
export function freshSandboxEach(use: (sb: SandboxHandle, c: ReturnType<typeof clients>) => void): void {
  let current: { sb: SandboxHandle; c: ReturnType<typeof clients> } | undefined;
  beforeEach(async () => {
    const sb = await startSandbox();
    current = { sb, c: clients(sb, 1) };
    use(current.sb, current.c);
  });
  afterEach(async () => {
    if (!current) return;
    current.c.connect.destroy();
    current.c.participant.destroy();
    await current.sb.close();
    current = undefined;
  });
}
