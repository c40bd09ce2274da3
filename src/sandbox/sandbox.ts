/** startSandbox: the server, its state and the handle tests and the extension drive it with. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { AgentDesk, AgentError, loadAgentsFile, parseAgentsFile, type AgentsConfig } from './agents';
import { AttachmentStore } from './attachments';
import { DEMO_INSTANCE_ID, demoInstance, loadFlowsFolder, type ContactFlowType, type InstanceRecord } from './catalog';
import { systemClock, type SandboxClock } from './clock';
import { idleRuntime, type ContactRuntime, type FlowLogRecord } from './contactRuntime';
import { ContactStore, type ContactState, type PaceDelays } from './contacts';
import type { FlowFileError } from './flowFile';
import { type SandboxCore } from './core';
import { FaultBox, type FaultRule, type Quotas } from './faults';
import { flowLogGroupName, LogStore } from './flowLogs';
import { createIdentityService, type IdentityOptions, type IdentityService } from './identity';
import { findBuiltInView, ViewTokens } from './participantViews';
import { clientErrorResponse, createHandler, decodePathSegment, hostAllowed, sendJson, type RequestLogEntry } from './server';
import { ChatSockets } from './websocket';


export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** A folder of `*.flow.json` files (and/or subfolders, one instance each). */
  flowsDir?: string;
  /** Drives chats after StartChatContact (the flow runtime). Default: idle, nothing answers. */
  runtime?: ContactRuntime;
  faults?: FaultRule[];
  quotas?: Quotas;
  /** Default: the system clock. Pass a ManualClock to control time in tests. */
  clock?: SandboxClock;
  /** Region used in ARNs. Default us-east-1. */
  region?: string;
  /** Include the built-in demo instance (default true). */
  demo?: boolean;
  /** Largest request body accepted (default 1 MiB); bigger gets 413. */
  maxBodyBytes?: number;
  /**
   * How many ended chats to keep (readable through GetTranscript and the admin route) before the
   * oldest are forgotten, so a long-running sandbox does not grow without bound. Default 10,000.
   */
  maxEndedContacts?: number;
  /** Where a throwing runtime is reported (default: process.emitWarning). The call itself goes on. */
  onRuntimeError?: (message: string) => void;
  /**
   * A flow file in `flowsDir` that cannot be loaded (not JSON, not a valid flow, a duplicate name)
   * is skipped and reported here (default: process.emitWarning); the other flows are served.
   */
  onFlowFileSkipped?: (problem: FlowFileError) => void;
  /** Called once per HTTP request when it ends (for an output channel or a CLI log). */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * The STS (AssumeRole) and SSO (GetRoleCredentials) stand-ins served on the same port, so
   * AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_SSO can name the sandbox URL. Default: on, with the
   * default policy (MFA code 123456 for roles whose name contains "mfa"); false turns them off.
   */
  identity?: IdentityOptions | false;
  /**
   * Flow logs (one record per block run, in log group `/aws/connect/<instance alias>`, readable
   * with CloudWatch Logs FilterLogEvents on the sandbox URL). Real Connect logs only after a Set
   * logging behavior block turns logging on; many flows (the demo ones among them) never run
   * that block, and a developer testing in the sandbox wants to see their flow's path anyway. So:
   * - `always` (default): every block is logged unless a Set logging behavior block turned it off;
   * - `whenEnabled`: Connect's rule, only after a Set logging behavior block turned it on;
   * - `off`: nothing is logged (the groups still exist, empty).
   */
  flowLogs?: 'always' | 'whenEnabled' | 'off';
  /** Flow-log events kept per log group before the oldest are dropped. Default 10,000. */
  maxFlowLogEvents?: number;
  /**
   * Simulated agents per queue (key: queue ID, ARN or name), as in a flows folder's agents.json,
   * which is read when `flowsDir` is set and this is not. See src/sandbox/agents.ts for the format.
   */
  agents?: AgentsConfig;
  /**
   * `instant` (default): flow messages and bot replies arrive at once, for tests.
   * `realistic`: they arrive after typical service latencies (PACE_REALISTIC), with a typing
   * event before each bot and simulated-agent reply, so UI states can be seen.
   */
  pace?: 'instant' | 'realistic';
  /** Called with each sandbox notice about a contact (never shown to participants). */
  onNotice?: (contactId: string, notice: string) => void;
}

export interface SandboxInstanceInfo {
  id: string;
  arn: string;
  alias: string;
  /** `content` is the Flow-language JSON string (what DescribeContactFlow returns as Content). */
  flows: Array<{ id: string; arn: string; name: string; type: ContactFlowType; status: 'PUBLISHED' | 'SAVED'; source: string; content: string }>;
}

/**
 * The `realistic` pace's delays. These are [UNVERIFIED] estimates of what a chat client sees on
 * Connect (no published figures): a flow's Send message block shows up about 0.4 s after the block
 * before it; a Lex reply is preceded by typing after about 0.3 s and arrives about 1.2 s later;
 * a person typing an answer takes a few seconds (2.5 s here).
 */
export const PACE_REALISTIC: PaceDelays = { flowMessageMs: 400, botTypingMs: 300, botReplyMs: 1200, agentReplyMs: 2500 };

/** An agent action, for the admin route and `SandboxHandle.agent`. */
export type AgentAction = { action: 'join'; name?: string } | { action: 'send'; text: string; contentType?: 'text/plain' | 'text/markdown' } | { action: 'typing' } | { action: 'read' } | { action: 'leave' };

export interface SandboxHandle {
  /** `http://127.0.0.1:PORT`: the endpoint for both the Connect and the Participant clients. */
  url: string;
  port: number;
  region: string;
  clock: SandboxClock;
  instances: SandboxInstanceInfo[];
  /** Stops the server, closes every socket and cancels every timer. */
  close(): Promise<void>;
  setRuntime(runtime: ContactRuntime): void;
  setFaults(rules: FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  listFaults(): Array<FaultRule & { applied: number }>;
  setQuotas(quotas: Quotas): void;
  getQuotas(): Quotas;
  /** A contact's state (attributes, status, participants, transcript, runtime trace). */
  getContact(contactId: string): ContactState | undefined;
  listContacts(): Array<Pick<ContactState, 'contactId' | 'instanceId' | 'contactFlowId' | 'status' | 'startedAt'>>;
  /** The identity stand-ins (their answered calls in `events`), unless turned off. */
  identity?: IdentityService;
  /**
   * Cuts every participant WebSocket of the contact without a close frame (as a network drop
   * does), so clients must reconnect. Returns how many sockets were cut (0 for unknown contacts).
   */
  dropSockets(contactId: string): number;
  /**
   * The flow-log records of an instance's log group (`/aws/connect/<alias>`), oldest first.
   * Without an alias: the demo instance's, or the only instance's.
   */
  flowLogs(alias?: string): FlowLogRecord[];
  /**
   * Acts as the contact's agent: `join` (the contact must have reached a queue), `send` a
   * message, show `typing`, or `leave` (which ends the chat, as an agent closing it does).
   * Throws with a message for an unknown or ended contact or an action out of turn.
   */
  agent(contactId: string, action: AgentAction): { participantId?: string; id?: string; read?: number };
  agentJoin(contactId: string, name?: string): { participantId: string };
  agentSend(contactId: string, text: string): { id: string };
  agentTyping(contactId: string): void;
  agentLeave(contactId: string): void;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const region = options.region ?? 'us-east-1';
  const clock = options.clock ?? systemClock();
  const instances: InstanceRecord[] = [];
  if (options.demo !== false) instances.push(demoInstance(region));
  if (options.flowsDir !== undefined) instances.push(...loadFlowsFolder(options.flowsDir, region, options.onFlowFileSkipped));
  let runtime = options.runtime ?? idleRuntime;
  const faults = new FaultBox();
  if (options.faults) faults.setFaults(options.faults);
  if (options.quotas) faults.setQuotas(options.quotas);
  const store = new ContactStore(clock, () => runtime, options.maxEndedContacts ?? 10_000, options.onRuntimeError);
  const logs = new LogStore(options.maxFlowLogEvents ?? 10_000);
  // Flow logs are on for every sandbox instance, so each has its group from the start (as a new
  // Connect instance has "Enable flow logs" on by default).
  for (const i of instances) logs.createGroup(flowLogGroupName(i.alias));
  store.flowLogPolicy = options.flowLogs ?? 'always';
  store.onFlowLog = (contact, record) => {
    // Stream naming is [UNVERIFIED] (no source found): one stream per flow, named by the flow's ID.
    const stream = record.ContactFlowId.slice(record.ContactFlowId.lastIndexOf('/') + 1);
    const at = Date.parse(record.Timestamp);
    logs.append(flowLogGroupName(contact.instance.alias), stream, Number.isNaN(at) ? clock.now().getTime() : at, JSON.stringify(record), clock.now().getTime());
  };
  if (options.onNotice) {
    const report = options.onNotice;
    store.onNotice = (contact, notice) => report(contact.contactId, notice);
  }
  if (options.pace !== undefined && options.pace !== 'instant' && options.pace !== 'realistic') {
    throw new Error(`startSandbox: options.pace must be 'instant' or 'realistic', got ${JSON.stringify(options.pace)}.`);
  }
  if (options.pace === 'realistic') store.pace = PACE_REALISTIC;
  const agentConfigs = options.agents ? parseAgentsFile(JSON.stringify({ queues: options.agents }), 'options.agents') : options.flowsDir !== undefined ? loadAgentsFile(options.flowsDir) : {};
  const agents = new AgentDesk(
    store,
    clock,
    agentConfigs,
    (contact) => {
      const r = runtime;
      if (r.agentJoined) store.safely(() => r.agentJoined!(contact.contactId));
    },
    () => store.pace?.agentReplyMs ?? 0,
  );
  store.onQueued = (contact, queue) => agents.queued(contact, queue);
  store.agentsFor = (_contact, queueId) => agents.staffing({ id: queueId });
  let port = 0;
  const attachmentStore = new AttachmentStore();
  const viewTokens = new ViewTokens();
  store.issueViewToken = (contact, ref) => {
    const view = findBuiltInView(ref);
    return view ? viewTokens.issue(view, contact.contactId) : undefined;
  };
  store.onForget = (id) => {
    agents.forget(id);
    attachmentStore.forgetContact(id);
    viewTokens.forgetContact(id);
  };
  const core: SandboxCore = {
    region,
    clock,
    instances,
    store,
    faults,
    logs,
    runtime: () => runtime,
    wsBase: () => `ws://127.0.0.1:${port}`,
    httpBase: () => `http://127.0.0.1:${port}`,
    agents,
    attachments: attachmentStore,
    viewTokens,
    startTokens: new Map(),
  };

  const listContacts = () =>
    [...store.contacts.values()].map((c) => ({
      contactId: c.contactId,
      instanceId: c.instance.id,
      contactFlowId: c.flow.id,
      status: c.status,
      startedAt: c.startedAt.toISOString(),
    }));
  const getContact = (id: string) => {
    const c = store.contacts.get(id);
    return c ? store.state(c) : undefined;
  };

  const admin = async (req: IncomingMessage, res: ServerResponse, path: string, body: () => Promise<unknown>): Promise<boolean> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const fail = (status: number, message: string) => sendJson(res, status, { Message: message }, { 'x-amzn-ErrorType': status === 404 ? 'ResourceNotFoundException' : 'InvalidRequestException' });
    const parts = path.split('/').filter(Boolean);
    if (parts[1] === 'health' && parts.length === 2 && method === 'GET') {
      sendJson(res, 200, { status: 'ok', instances: instances.length, contacts: store.contacts.size });
    } else if (parts[1] === 'contacts' && parts.length === 2 && method === 'GET') {
      sendJson(res, 200, { contacts: listContacts() });
    } else if (parts[1] === 'contacts' && parts.length === 3 && method === 'GET') {
      const state = getContact(decodePathSegment(parts[2], 'contact id'));
      if (state) sendJson(res, 200, state);
      else fail(404, `No contact '${parts[2].slice(0, 256)}' in this sandbox.`);
    } else if (parts[1] === 'flow-logs' && parts.length === 3 && method === 'GET') {
      const alias = decodePathSegment(parts[2], 'alias');
      if (!logs.hasGroup(flowLogGroupName(alias))) fail(404, `No instance with the alias '${alias.slice(0, 100)}' in this sandbox.`);
      else sendJson(res, 200, { logGroupName: flowLogGroupName(alias), records: logs.flowRecords(flowLogGroupName(alias)) });
    } else if (parts[1] === 'contacts' && parts.length === 4 && parts[3] === 'drop-sockets' && method === 'POST') {
      req.resume();
      const id = decodePathSegment(parts[2], 'contact id');
      if (!store.contacts.has(id)) fail(404, `No contact '${parts[2].slice(0, 256)}' in this sandbox.`);
      else sendJson(res, 200, { contactId: id, dropped: sockets.dropSockets(id) });
    } else if (parts[1] === 'contacts' && parts.length === 4 && parts[3] === 'agent' && method === 'POST') {
      const id = decodePathSegment(parts[2], 'contact id');
      const b = (await body()) as Record<string, unknown>;
      try {
        sendJson(res, 200, { contactId: id, ...runAgent(id, b as AgentAction) });
      } catch (e) {
        if (!(e instanceof AgentError)) throw e;
        fail(e.status, e.message);
      }
    } else if (parts[1] === 'instances' && parts.length === 2 && method === 'GET') {
      sendJson(res, 200, {
        instances: instances.map((i) => ({ id: i.id, arn: i.arn, alias: i.alias, flows: i.flows.map((f) => ({ id: f.id, arn: f.arn, name: f.name, type: f.type, status: f.status, source: f.source })) })),
      });
    } else if (parts[1] === 'clock' && parts.length === 2 && method === 'GET') {
      sendJson(res, 200, { now: clock.now().toISOString(), canAdvance: typeof clock.advance === 'function' });
    } else if (parts[1] === 'clock' && parts.length === 3 && parts[2] === 'advance' && method === 'POST') {
      const b = (await body()) as { ms?: unknown } | undefined;
      const ms = b?.ms;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 366 * 24 * 3600 * 1000) {
        fail(400, 'send {"ms": N}: N is how many milliseconds to move the clock forward (0 to one year).');
      } else if (!clock.advance) {
        fail(400, 'This sandbox was started with a clock that cannot be moved.');
      } else {
        clock.advance(ms);
        sendJson(res, 200, { now: clock.now().toISOString(), canAdvance: true });
      }
    } else if (parts[1] === 'identity' && parts.length === 3 && parts[2] === 'events' && method === 'GET') {
      if (!identity) fail(404, 'The STS and SSO stand-ins are turned off in this sandbox.');
      else sendJson(res, 200, { events: identity.events });
    } else if ((parts[1] === 'faults' || parts[1] === 'quotas') && parts.length === 2 && (method === 'GET' || method === 'PUT')) {
      if (method === 'PUT') {
        const b = (await body()) as { faults?: unknown };
        try {
          if (parts[1] === 'faults') {
            if (!Array.isArray(b.faults)) throw new Error('send {"faults": [ ...rules ]}');
            faults.setFaults(b.faults as FaultRule[]);
          } else faults.setQuotas(b as Quotas);
        } catch (e) {
          fail(400, e instanceof Error ? e.message : String(e));
          return true;
        }
      }
      sendJson(res, 200, parts[1] === 'faults' ? { faults: faults.listFaults() } : faults.getQuotas());
    } else {
      return false;
    }
    return true;
  };

  const runAgent = (contactId: string, a: AgentAction): { participantId?: string; id?: string; read?: number } => {
    const action = (a as { action?: unknown } | undefined)?.action;
    switch (action) {
      case 'join': {
        const name = (a as { name?: unknown }).name;
        if (name !== undefined && (typeof name !== 'string' || name.length < 1 || name.length > 256)) throw new AgentError(400, 'name must be a string of 1-256 characters.');
        return agents.join(contactId, name);
      }
      case 'send': {
        const { text, contentType } = a as { text?: unknown; contentType?: unknown };
        if (typeof text !== 'string') throw new AgentError(400, 'send needs {"action": "send", "text": "..."}.');
        if (contentType !== undefined && contentType !== 'text/plain' && contentType !== 'text/markdown') throw new AgentError(400, 'contentType must be text/plain or text/markdown.');
        return agents.send(contactId, text, contentType ?? 'text/plain');
      }
      case 'typing':
        agents.typing(contactId);
        return {};
      case 'read':
        return agents.read(contactId);
      case 'leave':
        agents.leave(contactId);
        return {};
      default:
        throw new AgentError(400, 'action must be one of join, send, typing, read, leave.');
    }
  };

  const sockets = new ChatSockets(store, clock);
  const identity = options.identity === false ? undefined : createIdentityService(options.identity ?? {});
  const handler = createHandler(core, {
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    admin,
    ...(identity ? { identity } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  const server = createServer((req, res) => void handler(req, res));
  // A client that opens a request and never finishes it must not hold the server.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.on('upgrade', (req, socket, head) => {
    if (!hostAllowed(req.headers.host)) {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.upgrade(req, socket, head);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable) socket.end(clientErrorResponse(err.code));
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    region,
    clock,
    instances: instances.map((i) => ({
      id: i.id,
      arn: i.arn,
      alias: i.alias,
      flows: i.flows.map((f) => ({ id: f.id, arn: f.arn, name: f.name, type: f.type, status: f.status, source: f.source, content: f.content })),
    })),
    close() {
      closed ??= (async () => {
        for (const c of store.contacts.values()) c.cancelExpiry?.();
        // No new connections while the sockets say goodbye; then cut what is left.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await sockets.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
    setRuntime(r) {
      runtime = r;
    },
    setFaults: (rules) => faults.setFaults(rules),
    addFault: (rule) => faults.addFault(rule),
    clearFaults: () => faults.setFaults([]),
    listFaults: () => faults.listFaults(),
    setQuotas: (q) => faults.setQuotas(q),
    getQuotas: () => faults.getQuotas(),
    getContact,
    listContacts,
    ...(identity ? { identity } : {}),
    dropSockets: (contactId) => sockets.dropSockets(contactId),
    agent: runAgent,
    agentJoin: (contactId, name) => agents.join(contactId, name),
    agentSend: (contactId, text) => agents.send(contactId, text),
    agentTyping: (contactId) => agents.typing(contactId),
    agentLeave: (contactId) => agents.leave(contactId),
    flowLogs(alias) {
      const name = alias ?? (instances.find((i) => i.id === DEMO_INSTANCE_ID) ?? instances[0])?.alias;
      return name === undefined ? [] : logs.flowRecords(flowLogGroupName(name));
    },
  };
}
