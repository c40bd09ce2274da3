/**
 * An agent in the sandbox (issue 12 item 4): a chat that reached a queue can be answered by a
 * simulated agent configured per queue (`agents.json` in the flows folder) or by hand through the
 * admin API and the SandboxHandle. The customer sees what the Participant Service sends when a
 * real agent works the chat (chat-extras §6, itself [INFERRED]/[UNVERIFIED] against a live trace):
 * participant.joined (AGENT), typing events, MESSAGE items with ParticipantRole AGENT, and
 * participant.left; DescribeContact then shows AgentInfo.
 *
 * agents.json:
 * ```json
 * { "queues": { "<queue id, ARN or name>": {
 *     "name": "Sam", "joinAfterSeconds": 5, "greeting": "Hi, Sam here.",
 *     "replies": "echo" | ["first scripted reply", "second"],
 *     "leaveAfterReplies": 2, "farewell": "Bye!" } } }
 * ```
 * An echo agent never leaves by itself unless leaveAfterReplies is set; a scripted agent leaves
 * after its last line unless leaveAfterReplies says otherwise.
 *
 * Receipts: an agent's client reports what it received and read with SendEvent
 * (`…event.message.delivered` / `.read`), which the customer receives as MESSAGEMETADATA items
 * (src/sandbox/receipts.ts, chat-extras §5.1). Every agent here sends DELIVERED as soon as a
 * customer message reaches it; the messages sent before it joined reach it when it joins. A
 * simulated agent sends READ before it starts typing its answer; a hand-driven agent (admin API)
 * sends READ for the messages before its next message or typing event, as a real agent has read
 * what it answers, or when asked to with the `read` action. When a real agent workspace sends READ (on
 * focus, on scroll) is [UNVERIFIED]; that receipts go with two participants only is kept (a
 * supervisor or a second agent is not simulated).
 *
 * The built-in demo instance's Concierge Desk queue is staffed by {@link DEMO_AGENTS} (Sam).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEND_MESSAGE_LIMITS } from '../core/request/limits';
import { DEMO_CONCIERGE_QUEUE_ID } from './catalog';
import { type SandboxClock } from './clock';
import { EVENT, type Contact, type ContactStore, type Participant } from './contacts';
import { postReceipt, type ReceiptKind } from './receipts';

export interface AgentConfig {
  name: string;
  joinAfterSeconds: number;
  greeting?: string;
  replies: 'echo' | string[];
  leaveAfterReplies?: number;
  farewell?: string;
}

export type AgentsConfig = Record<string, AgentConfig>;

export const AGENTS_FILE = 'agents.json';

/** The demo instance's simulated agent, on the Concierge Desk queue (the Concierge demo flow). */
export const DEMO_AGENTS: Readonly<AgentsConfig> = Object.freeze({
  [DEMO_CONCIERGE_QUEUE_ID]: {
    name: 'Sam',
    joinAfterSeconds: 1,
    greeting: 'Hi, Sam from the concierge desk here. What can I do for you?',
    replies: ['Thanks, let me look into that for you.', 'All done: it is sorted. Anything else?'],
    farewell: 'Thanks for chatting with the concierge desk. Bye!',
  },
});

/** Reads and checks an agents.json text; throws with the file and member named. */
export function parseAgentsFile(text: string, file: string): AgentsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const queues = (raw as { queues?: unknown } | null)?.queues;
  if (typeof queues !== 'object' || queues === null || Array.isArray(queues)) throw new Error(`${file}: expected {"queues": {"<queue>": {...agent}}}`);
  const out: AgentsConfig = Object.create(null) as AgentsConfig;
  for (const [queue, value] of Object.entries(queues as Record<string, unknown>)) {
    const at = `${file}: queues["${queue}"]`;
    const a = value as Partial<Record<keyof AgentConfig, unknown>> | null;
    if (typeof a !== 'object' || a === null) throw new Error(`${at} must be an object`);
    const name = a.name ?? 'Agent';
    if (typeof name !== 'string' || name.length < 1 || name.length > 256) throw new Error(`${at}.name must be a string of 1-256 characters`);
    const join = a.joinAfterSeconds ?? 0;
    if (typeof join !== 'number' || !(join >= 0) || join > 86400) throw new Error(`${at}.joinAfterSeconds must be a number from 0 to 86400`);
    const replies = a.replies ?? 'echo';
    if (replies !== 'echo' && !(Array.isArray(replies) && replies.every((r) => typeof r === 'string' && r.length > 0))) {
      throw new Error(`${at}.replies must be "echo" or a list of non-empty strings`);
    }
    for (const k of ['greeting', 'farewell'] as const) {
      if (a[k] !== undefined && (typeof a[k] !== 'string' || a[k] === '')) throw new Error(`${at}.${k} must be a non-empty string`);
    }
    const leave = a.leaveAfterReplies;
    if (leave !== undefined && (typeof leave !== 'number' || !Number.isInteger(leave) || leave < 0)) throw new Error(`${at}.leaveAfterReplies must be a whole number`);
    out[queue] = {
      name,
      joinAfterSeconds: join,
      replies: replies as AgentConfig['replies'],
      ...(a.greeting !== undefined ? { greeting: a.greeting as string } : {}),
      ...(a.farewell !== undefined ? { farewell: a.farewell as string } : {}),
      ...(leave !== undefined ? { leaveAfterReplies: leave } : {}),
    };
  }
  return out;
}

/** The agents.json of a flows folder, or an empty config when there is none. */
export function loadAgentsFile(flowsDir: string): AgentsConfig {
  const file = join(flowsDir, AGENTS_FILE);
  return existsSync(file) ? parseAgentsFile(readFileSync(file, 'utf8'), file) : {};
}

export class AgentError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Desk {
  agent?: Participant;
  config?: AgentConfig;
  replies: number;
  cancelJoin?: () => void;
  /** Customer messages delivered to the agent and not yet read (by Id). */
  unread: string[];
}

export class AgentDesk {
  private readonly desks = new Map<string, Desk>();

  constructor(
    private readonly store: ContactStore,
    private readonly clock: SandboxClock,
    private readonly configs: AgentsConfig,
    /** Called once an agent joins, so the flow runtime stops routing the contact. */
    private readonly onJoined: (contact: Contact) => void,
    /** Delay before a simulated agent's reply (the `realistic` pace); 0 answers at once. */
    private readonly replyDelayMs: () => number = () => 0,
  ) {}

  private desk(contact: Contact): Desk {
    let d = this.desks.get(contact.contactId);
    if (!d) this.desks.set(contact.contactId, (d = { replies: 0, unread: [] }));
    return d;
  }

  /** How many simulated agents staff a queue (Check queue status). */
  staffing(queue: { id: string; arn?: string; name?: string }): number {
    return this.configFor(queue) ? 1 : 0;
  }

  private configFor(queue: { id: string; arn?: string; name?: string }): AgentConfig | undefined {
    for (const configs of [this.configs, DEMO_AGENTS]) {
      for (const key of [queue.id, queue.arn, queue.name]) {
        if (key !== undefined && Object.prototype.hasOwnProperty.call(configs, key)) return configs[key];
      }
    }
    return undefined;
  }

  /** The contact entered a queue: a configured agent joins after its delay (on the sandbox clock). */
  queued(contact: Contact, queue: { id: string; arn: string; name?: string }): void {
    const config = this.configFor(queue);
    if (!config) return;
    const d = this.desk(contact);
    if (d.agent || d.cancelJoin) return;
    d.config = config;
    d.cancelJoin = this.clock.setTimer(config.joinAfterSeconds * 1000, () => {
      d.cancelJoin = undefined;
      if (contact.status !== 'ACTIVE' || d.agent) return;
      this.join(contact.contactId, config.name, true);
      if (config.greeting) this.send(contact.contactId, config.greeting);
    });
  }

  private active(contactId: string): { contact: Contact; desk: Desk } {
    const contact = this.store.contacts.get(contactId);
    if (!contact) throw new AgentError(404, `No contact '${contactId.slice(0, 256)}' in this sandbox.`);
    if (contact.status !== 'ACTIVE') throw new AgentError(400, `Contact '${contactId}' has ended.`);
    return { contact, desk: this.desk(contact) };
  }

  private present(contactId: string): { contact: Contact; agent: Participant; desk: Desk } {
    const { contact, desk } = this.active(contactId);
    if (!desk.agent || desk.agent.left) throw new AgentError(400, `No agent is in contact '${contactId}'; join first.`);
    return { contact, agent: desk.agent, desk };
  }

  /** An agent joins; `simulated` is the agents.json agent, else the chat is driven by hand. */
  join(contactId: string, name = 'Agent', simulated = false): { participantId: string } {
    const { contact, desk } = this.active(contactId);
    if (!contact.queue) throw new AgentError(400, `Contact '${contactId}' has not reached a queue, so no agent can accept it.`);
    if (desk.agent && !desk.agent.left) throw new AgentError(400, `An agent (${desk.agent.displayName}) is already in contact '${contactId}'.`);
    desk.cancelJoin?.();
    desk.cancelJoin = undefined;
    // A hand-driven agent is not answered for by the simulated one's script.
    if (!simulated) delete desk.config;
    const participantId = randomUUID();
    this.store.trackParticipant(contact, EVENT.joined, 'AGENT', participantId, name);
    this.store.post(contact, { Type: 'EVENT', ContentType: EVENT.joined, ParticipantId: participantId, DisplayName: name, ParticipantRole: 'AGENT' });
    desk.agent = contact.participants.find((p) => p.participantId === participantId);
    // The agent's client loads the chat so far: the customer's earlier messages are delivered to it
    // now, and read with the rest (before its next message or typing, or by the read action).
    // When a real agent workspace reports these is [UNVERIFIED].
    if (desk.agent) {
      for (const item of contact.transcript) {
        if (item.Type !== 'MESSAGE' || item.ParticipantRole !== 'CUSTOMER' || desk.unread.includes(item.Id)) continue;
        this.receipt(contact, desk.agent, item.Id, 'delivered');
        desk.unread.push(item.Id);
      }
    }
    this.onJoined(contact);
    return { participantId };
  }

  /** The hand-driven agent reads what the customer sent (the agent workspace shows it): READ receipts. */
  read(contactId: string): { read: number } {
    const { contact, agent, desk } = this.present(contactId);
    const n = desk.unread.length;
    this.readAll(contact, agent, desk);
    return { read: n };
  }

  send(contactId: string, text: string, contentType = 'text/plain'): { id: string } {
    const { contact, agent, desk } = this.present(contactId);
    const { min, max } = SEND_MESSAGE_LIMITS.Content.length;
    if (text.length < min || text.length > max) throw new AgentError(400, `text must be ${min}-${max} characters.`);
    this.readAll(contact, agent, desk);
    const item = this.store.post(contact, { Type: 'MESSAGE', ContentType: contentType, Content: text, ParticipantId: agent.participantId, DisplayName: agent.displayName, ParticipantRole: 'AGENT' });
    return { id: item.Id };
  }

  typing(contactId: string): void {
    const { contact, agent, desk } = this.present(contactId);
    this.readAll(contact, agent, desk);
    // Typing reaches the customer live and is not kept in the transcript (chat-extras §5.2).
    this.store.post(contact, { Type: 'EVENT', ContentType: EVENT.typing, ParticipantId: agent.participantId, DisplayName: agent.displayName, ParticipantRole: 'AGENT' }, false);
  }

  /** The agent leaves; Connect then ends the chat (the agent's disconnect), as the sandbox does. */
  leave(contactId: string): void {
    const { contact, agent } = this.present(contactId);
    agent.left = true;
    agent.connected = false;
    this.store.post(contact, { Type: 'EVENT', ContentType: EVENT.left, ParticipantId: agent.participantId, DisplayName: agent.displayName, ParticipantRole: 'AGENT' });
    this.store.end(contact, 'AGENT_DISCONNECT', true);
  }

  /** Whether an agent is in the chat now. */
  hasAgent(contact: Contact): boolean {
    const a = this.desks.get(contact.contactId)?.agent;
    return a !== undefined && !a.left;
  }

  /** The agent's client reports a receipt for a customer message (as SendEvent would). */
  private receipt(contact: Contact, agent: Participant, messageId: string, kind: ReceiptKind): void {
    postReceipt(this.store, this.clock.now(), contact, agent, messageId, kind);
  }

  /** The agent has read every customer message delivered to it. */
  private readAll(contact: Contact, agent: Participant, desk: Desk): void {
    for (const id of desk.unread.splice(0)) this.receipt(contact, agent, id, 'read');
  }

  /**
   * A customer message reached the chat: the agent's client reports it delivered, and a simulated
   * agent reads and answers it. `messageId` is the message's Id (receipts name it).
   */
  customerMessage(contact: Contact, content: string, messageId?: string): void {
    const d = this.desks.get(contact.contactId);
    if (!d || !d.agent || d.agent.left) return;
    if (messageId !== undefined) {
      this.receipt(contact, d.agent, messageId, 'delivered');
      d.unread.push(messageId);
    }
    const config = d.config;
    if (!config) return;
    // A simulated agent reads what it answers at once (and before it types).
    this.readAll(contact, d.agent, d);
    const script = config.replies;
    const reply = script === 'echo' ? `You said: ${content}` : script[d.replies];
    const limit = config.leaveAfterReplies ?? (script === 'echo' ? Infinity : script.length);
    const gone = () => contact.status !== 'ACTIVE' || !d.agent || d.agent.left;
    const answer = () => {
      if (gone()) return;
      if (reply !== undefined && d.replies < limit) {
        this.send(contact.contactId, reply);
        d.replies++;
      }
      if (d.replies >= limit) {
        if (config.farewell) this.send(contact.contactId, config.farewell);
        this.leave(contact.contactId);
      }
    };
    // The agent is seen typing first; at the realistic pace the reply follows after a while.
    if (reply !== undefined && d.replies < limit) this.typing(contact.contactId);
    const delay = this.replyDelayMs();
    if (delay > 0) this.clock.setTimer(delay, () => this.store.safely(answer));
    else answer();
  }

  /** The customer left while an agent stayed (no DisconnectOnCustomerExit): a simulated agent closes the chat. */
  customerLeft(contact: Contact): void {
    const d = this.desks.get(contact.contactId);
    if (d?.config && d.agent && !d.agent.left && contact.status === 'ACTIVE') this.leave(contact.contactId);
  }

  forget(contactId: string): void {
    this.desks.get(contactId)?.cancelJoin?.();
    this.desks.delete(contactId);
  }
}
