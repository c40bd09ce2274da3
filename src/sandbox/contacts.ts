/**
 * The live part of the sandbox's state: chat contacts, their participants and transcripts, and the
 * tokens that name them. Everything is in memory. This module also implements ContactControl, the
 * handle the flow runtime uses to act on a contact.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type SandboxClock } from './clock';
import { type FlowRecord, type InstanceRecord } from './catalog';
import { EVENT_TYPE_PREFIX } from '../core/request/limits';
import {
  type ContactControl,
  type ContactRuntime,
  type ContactView,
  SANDBOX_NOTICE_CONTENT_TYPE,
  type FlowLogRecord,
  type FlowLoggingState,
  type ParticipantRole,
  type TranscriptItemInput,
} from './contactRuntime';

/**
 * Sandbox notices are about the sandbox, not the chat: the service layer never delivers them to a
 * participant (GetTranscript or WebSocket); it keeps them on the contact (the admin view) and
 * reports them (the sandbox's onNotice).
 */
const NOTICE_CONTENT_TYPE = SANDBOX_NOTICE_CONTENT_TYPE;

export const EVENT = {
  joined: `${EVENT_TYPE_PREFIX}participant.joined`,
  left: `${EVENT_TYPE_PREFIX}participant.left`,
  ended: `${EVENT_TYPE_PREFIX}chat.ended`,
  typing: `${EVENT_TYPE_PREFIX}typing`,
  delivered: `${EVENT_TYPE_PREFIX}message.delivered`,
  read: `${EVENT_TYPE_PREFIX}message.read`,
  acknowledged: `${EVENT_TYPE_PREFIX}connection.acknowledged`,
} as const;

export type EndReason = Parameters<ContactControl['end']>[0];

/** A transcript item as GetTranscript returns it (wire member names). */
export interface TranscriptItem {
  AbsoluteTime: string;
  Content?: string;
  ContentType: string;
  Id: string;
  Type: string;
  ParticipantId?: string;
  DisplayName?: string;
  ParticipantRole?: ParticipantRole;
  /** Persistent chats only: the past-session contact an item was sent on. */
  RelatedContactId?: string;
  /** Persistent chats only: set on the current session's items. */
  ContactId?: string;
  /** ATTACHMENT items: what was shared (Smithy AttachmentItem). */
  Attachments?: Array<{ ContentType: string; AttachmentId: string; AttachmentName: string; Status: 'APPROVED' | 'REJECTED' | 'IN_PROGRESS' }>;
  MessageMetadata?: {
    MessageId: string;
    Receipts?: Array<{ DeliveredTimestamp?: string; ReadTimestamp?: string; RecipientParticipantId: string }>;
  };
}

export interface Participant {
  participantId: string;
  role: ParticipantRole;
  displayName: string;
  contact: Contact;
  participantToken: string;
  connectionToken?: string;
  connectionExpiry?: Date;
  connected: boolean;
  left: boolean;
  /** Left by its own DisconnectParticipant call: its tokens no longer work at all. */
  disconnected: boolean;
  /** Subscribed WebSockets: each gets every new item of the contact as an `aws/chat` frame. */
  subscribers: Set<(frame: string) => void>;
  /** WebSocket URL tokens handed out (pruned when expired, so reconnecting clients do not pile up). */
  webSocketTokens: string[];
  /** ClientToken -> earlier response, for SendMessage/SendEvent/DisconnectParticipant replays. */
  replies: Map<string, unknown>;
}

export interface Contact {
  contactId: string;
  initialContactId: string;
  previousContactId?: string;
  relatedContactId?: string;
  instance: InstanceRecord;
  flow: FlowRecord;
  attributes: Record<string, string>;
  segmentAttributes: Record<string, unknown>;
  customerId?: string;
  supportedContentTypes: string[];
  durationMinutes: number;
  status: 'ACTIVE' | 'ENDED';
  endReason?: EndReason;
  startedAt: Date;
  endedAt?: Date;
  transcript: TranscriptItem[];
  customer: Participant;
  participants: Participant[];
  initialMessage?: { ContentType: string; Content: string };
  /** One participant id per non-customer role the runtime posts as, so a role keeps its id. */
  roleIds: Partial<Record<ParticipantRole, string>>;
  cancelExpiry?: () => void;
  /** When anything about the contact last changed (DescribeContact's LastUpdateTimestamp). */
  updatedAt: Date;
  /** Set once the flow put the contact in a queue. */
  queue?: { id: string; arn: string; enqueuedAt: Date };
  /** DisconnectOnCustomerExit: ["AGENT"]: the customer leaving also disconnects the agent. */
  disconnectAgentOnCustomerExit?: boolean;
  /** Set once an agent joined (a runtime that brings one in). */
  agent?: { id: string; connectedAt: Date };
  /** The SigV4 credential scope StartChatContact was signed with (an access key ID, not a secret). */
  startedWith?: { accessKeyId: string; region: string };
  /** The sandbox's notices for this contact (never shown to participants), newest last, bounded. */
  notices: string[];
}

export interface ContactState {
  contactId: string;
  initialContactId: string;
  previousContactId?: string;
  relatedContactId?: string;
  instanceId: string;
  contactFlowId: string;
  status: 'ACTIVE' | 'ENDED';
  endReason?: EndReason;
  startedAt: string;
  endedAt?: string;
  attributes: Record<string, string>;
  segmentAttributes: Record<string, unknown>;
  participants: Array<{ participantId: string; role: ParticipantRole; displayName: string; connected: boolean; left: boolean }>;
  transcript: TranscriptItem[];
  /** The sandbox's notices about this contact (they never reach a participant). */
  notices: string[];
  /** Who started it: the access key ID and region of StartChatContact's signature (admin view only). */
  startedWith?: { accessKeyId: string; region: string };
  trace?: unknown;
}

const DISPLAY_NAMES: Partial<Record<ParticipantRole, string>> = { SYSTEM: 'SYSTEM_MESSAGE', CUSTOM_BOT: 'BOT' };

/** Tokens are opaque secrets: long, random, and never logged. */
/**
 * Participant, connection and WebSocket tokens. Real ones are long standard-base64 strings (with
 * `+`, `/` and `=`); base64url would start with `-` about 1 time in 64, which the AWS CLI's
 * argument parser takes for an option. Standard base64 never starts with `-`.
 */
/** Delays of the `realistic` pace, in ms (see SandboxOptions.pace). */
export interface PaceDelays {
  flowMessageMs: number;
  botTypingMs: number;
  botReplyMs: number;
  agentReplyMs: number;
}

export function newToken(): string {
  return randomBytes(96).toString('base64');
}

export class ContactStore {
  readonly contacts = new Map<string, Contact>();
  readonly byParticipantToken = new Map<string, Participant>();
  readonly byConnectionToken = new Map<string, Participant>();
  readonly byWebSocketToken = new Map<string, { participant: Participant; expires: number }>();

  /**
   * Where the flow runtime's flow-log records go (set by the sandbox). Called only for records the
   * logging policy lets through.
   */
  onFlowLog: ((contact: Contact, record: FlowLogRecord) => void) | undefined;
  /**
   * `always` (the sandbox default): every block is logged unless a Set logging behavior block
   * turned logging off. `whenEnabled`: as in Connect, only after a Set logging behavior block
   * turned it on. `off`: nothing is logged.
   */
  flowLogPolicy: 'always' | 'whenEnabled' | 'off' = 'always';
  /** Where notices are reported besides the contact (e.g. the sandbox's log). */
  onNotice: ((contact: Contact, notice: string) => void) | undefined;

  /** Ended contacts, oldest first: beyond `maxEndedContacts` the oldest are forgotten. */
  private readonly endedOrder: Contact[] = [];

  constructor(
    private readonly clock: SandboxClock,
    private readonly runtime: () => ContactRuntime,
    private readonly maxEndedContacts = 10_000,
    private readonly onRuntimeError: (message: string) => void = (m) => process.emitWarning(m),
  ) {}

  /** The runtime must not throw, but a bug in it must not take the service down either. */
  safely<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      try {
        this.onRuntimeError(`chatreq sandbox: the contact runtime threw: ${e instanceof Error ? e.message : String(e)}`);
      } catch {
        // Reporting must not fail the call either.
      }
      return undefined;
    }
  }

  /** Registers a fresh WebSocket URL token for `p`, dropping its expired ones. */
  addWebSocketToken(p: Participant, token: string, expires: number): void {
    const now = this.clock.now().getTime();
    p.webSocketTokens = p.webSocketTokens.filter((t) => {
      const entry = this.byWebSocketToken.get(t);
      if (entry && entry.expires > now) return true;
      this.byWebSocketToken.delete(t);
      return false;
    });
    p.webSocketTokens.push(token);
    this.byWebSocketToken.set(token, { participant: p, expires });
  }

  /** Show view: mints a DescribeView token for a built-in view (set by the sandbox). */
  issueViewToken?: (contact: Contact, ref: string) => string | undefined;
  /** The flow put a contact in a queue (the agent desk may send an agent). */
  onQueued?: (contact: Contact, queue: { id: string; arn: string; name?: string }) => void;
  /** How many simulated agents staff a queue (agents.json); none by default. */
  agentsFor?: (contact: Contact, queueId: string) => number;

  /** Called when an ended contact is dropped for good (attachments and view tokens go with it). */
  onForget?: (contactId: string) => void;

  private forget(contact: Contact): void {
    this.contacts.delete(contact.contactId);
    this.onForget?.(contact.contactId);
    for (const p of contact.participants) {
      if (p.participantToken) this.byParticipantToken.delete(p.participantToken);
      if (p.connectionToken) this.byConnectionToken.delete(p.connectionToken);
      for (const t of p.webSocketTokens) this.byWebSocketToken.delete(t);
      p.subscribers.clear();
    }
  }

  activeCount(instanceId: string): number {
    let n = 0;
    for (const c of this.contacts.values()) if (c.status === 'ACTIVE' && c.instance.id === instanceId) n++;
    return n;
  }

  create(init: {
    instance: InstanceRecord;
    flow: FlowRecord;
    displayName: string;
    attributes: Record<string, string>;
    segmentAttributes: Record<string, unknown>;
    customerId?: string;
    supportedContentTypes: string[];
    durationMinutes: number;
    previousContactId?: string;
    relatedContactId?: string;
    initialMessage?: { ContentType: string; Content: string };
  }): Contact {
    const contactId = randomUUID();
    const contact = {
      contactId,
      initialContactId: contactId,
      ...(init.previousContactId ? { previousContactId: init.previousContactId } : {}),
      ...(init.relatedContactId ? { relatedContactId: init.relatedContactId } : {}),
      instance: init.instance,
      flow: init.flow,
      attributes: init.attributes,
      segmentAttributes: init.segmentAttributes,
      ...(init.customerId !== undefined ? { customerId: init.customerId } : {}),
      supportedContentTypes: init.supportedContentTypes,
      durationMinutes: init.durationMinutes,
      status: 'ACTIVE',
      startedAt: this.clock.now(),
      transcript: [],
      participants: [],
      roleIds: {},
      updatedAt: this.clock.now(),
      notices: [],
      ...(init.initialMessage ? { initialMessage: init.initialMessage } : {}),
    } as unknown as Contact;
    const customer: Participant = {
      participantId: randomUUID(),
      role: 'CUSTOMER',
      displayName: init.displayName,
      contact,
      participantToken: newToken(),
      connected: false,
      left: false,
      disconnected: false,
      webSocketTokens: [],
      subscribers: new Set(),
      replies: new Map(),
    };
    contact.customer = customer;
    contact.participants.push(customer);
    this.contacts.set(contactId, contact);
    this.byParticipantToken.set(customer.participantToken, customer);
    contact.cancelExpiry = this.clock.setTimer(init.durationMinutes * 60_000, () => this.end(contact, 'EXPIRED', true));
    return contact;
  }

  /** Appends an item to the transcript and pushes it to every subscribed WebSocket of the contact. */
  post(contact: Contact, item: Omit<TranscriptItem, 'Id' | 'AbsoluteTime'>, store = true): TranscriptItem {
    const full: TranscriptItem = { AbsoluteTime: this.clock.now().toISOString(), Id: randomUUID(), ...item };
    contact.updatedAt = this.clock.now();
    if (store) contact.transcript.push(full);
    this.push(contact, full);
    return full;
  }

  push(contact: Contact, item: TranscriptItem): void {
    let frame: string | undefined;
    for (const p of contact.participants) {
      if (p.subscribers.size === 0) continue;
      frame ??= JSON.stringify({
        topic: 'aws/chat',
        contentType: 'application/json',
        content: JSON.stringify({ ...item, InitialContactId: contact.initialContactId, ContactId: contact.contactId }),
      });
      for (const send of p.subscribers) send(frame);
    }
  }

  /** Ends a contact: participants still present leave, then the chat-ended event. */
  end(contact: Contact, reason: EndReason, notifyRuntime: boolean, leaving?: Participant): void {
    if (contact.status === 'ENDED') return;
    const order = leaving ? [leaving, ...contact.participants.filter((p) => p !== leaving)] : contact.participants;
    for (const p of order) {
      if (p.left) continue;
      p.left = true;
      p.connected = false;
      this.post(contact, { Type: 'EVENT', ContentType: EVENT.left, ParticipantId: p.participantId, DisplayName: p.displayName, ParticipantRole: p.role });
    }
    this.post(contact, { Type: 'EVENT', ContentType: EVENT.ended });
    contact.status = 'ENDED';
    contact.endReason = reason;
    contact.endedAt = this.clock.now();
    contact.updatedAt = contact.endedAt;
    contact.cancelExpiry?.();
    delete contact.cancelExpiry;
    this.endedOrder.push(contact);
    while (this.endedOrder.length > this.maxEndedContacts) this.forget(this.endedOrder.shift()!);
    if (notifyRuntime) this.safely(() => this.runtime().contactEnded(contact.contactId));
  }

  view(contact: Contact): ContactView {
    return {
      contactId: contact.contactId,
      initialContactId: contact.initialContactId,
      ...(contact.previousContactId ? { previousContactId: contact.previousContactId } : {}),
      instanceId: contact.instance.id,
      instanceArn: contact.instance.arn,
      contactFlowId: contact.flow.id,
      channel: 'CHAT',
      attributes: { ...contact.attributes },
      segmentAttributes: structuredClone(contact.segmentAttributes),
      ...(contact.customerId !== undefined ? { customerId: contact.customerId } : {}),
      customerDisplayName: contact.customer.displayName,
      customerParticipantId: contact.customer.participantId,
      ...(contact.initialMessage ? { initialMessage: { ...contact.initialMessage } } : {}),
      supportedContentTypes: [...contact.supportedContentTypes],
    };
  }

  private recordNotice(contact: Contact, content: string | undefined): void {
    let text = content ?? '';
    try {
      const parsed = JSON.parse(text) as { notice?: unknown };
      if (typeof parsed.notice === 'string') text = parsed.notice;
    } catch {
      // keep the raw content
    }
    contact.notices.push(text);
    if (contact.notices.length > 100) contact.notices.shift();
    const report = this.onNotice;
    if (report) this.safely(() => report(contact, text));
  }

  /**
   * The `realistic` pace: what the runtime posts reaches the chat later, in order (each item
   * waits for the one before). Undefined (the `instant` pace, the default) delivers at once.
   */
  pace?: PaceDelays;
  /** Per contact: when the last paced item is due (epoch ms). */
  private readonly paceDue = new Map<string, number>();

  /** Runs `deliver` now (instant pace) or after the paced delay, keeping the contact's order. */
  private paced(contact: Contact, extraMs: number, deliver: () => void): void {
    const pace = this.pace;
    if (!pace) {
      deliver();
      return;
    }
    const now = this.clock.now().getTime();
    const due = Math.max(now, this.paceDue.get(contact.contactId) ?? 0) + extraMs;
    if (due <= now) {
      deliver();
      return;
    }
    this.paceDue.set(contact.contactId, due);
    this.clock.setTimer(due - now, () => {
      if (this.paceDue.get(contact.contactId) === due) this.paceDue.delete(contact.contactId);
      this.safely(deliver);
    });
  }

  control(contact: Contact): ContactControl {
    const postNow = (input: TranscriptItemInput) => {
      if (contact.status === 'ENDED') return;
      const role = input.ParticipantRole;
      const participantId = input.ParticipantId ?? (role === 'CUSTOMER' ? contact.customer.participantId : (contact.roleIds[role] ??= randomUUID()));
      const displayName = input.DisplayName ?? (role === 'CUSTOMER' ? contact.customer.displayName : DISPLAY_NAMES[role]);
      const item: Omit<TranscriptItem, 'Id' | 'AbsoluteTime'> = {
        Type: input.Type,
        ContentType: input.ContentType,
        ...(input.Content !== undefined ? { Content: input.Content } : {}),
        ParticipantId: participantId,
        ...(displayName !== undefined ? { DisplayName: displayName } : {}),
        ParticipantRole: role,
      };
      this.trackParticipant(contact, input.ContentType, role, participantId, displayName);
      // Typing indicators are pushed live but, as in Connect, not kept in the transcript.
      this.post(contact, item, input.ContentType !== EVENT.typing);
    };
    return {
      post: (input: TranscriptItemInput) => {
        if (input.ContentType === NOTICE_CONTENT_TYPE) {
          this.recordNotice(contact, input.Content);
          return;
        }
        if (contact.status === 'ENDED') return;
        const pace = this.pace;
        if (pace && input.Type === 'MESSAGE') {
          if (input.DisplayName === 'BOT') {
            // A bot reply: typing first, then the message, as a Lex bot is seen answering.
            this.paced(contact, pace.botTypingMs, () => postNow({ Type: 'EVENT', ContentType: EVENT.typing, ParticipantRole: input.ParticipantRole, DisplayName: 'BOT' }));
            this.paced(contact, pace.botReplyMs, () => postNow(input));
          } else {
            this.paced(contact, pace.flowMessageMs, () => postNow(input));
          }
          return;
        }
        if (pace) {
          this.paced(contact, 0, () => postNow(input));
          return;
        }
        postNow(input);
      },
      setAttributes: (attributes) => {
        contact.attributes = { ...attributes };
        contact.updatedAt = this.clock.now();
      },
      flowLog: (record: FlowLogRecord, logging: FlowLoggingState) => {
        const policy = this.flowLogPolicy;
        const on = policy === 'always' ? logging !== 'disabled' : policy === 'whenEnabled' ? logging === 'enabled' : false;
        const sink = this.onFlowLog;
        if (on && sink) sink(contact, record);
      },
      queued: (queue) => {
        if (contact.status === 'ENDED') return;
        contact.queue = { id: queue.id, arn: queue.arn, enqueuedAt: this.clock.now() };
        contact.updatedAt = this.clock.now();
        this.safely(() => this.onQueued?.(contact, queue));
      },
      showView: (ref) => this.issueViewToken?.(contact, ref),
      queueMetrics: (queueId) => {
        const now = this.clock.now().getTime();
        let contactsInQueue = 0;
        let oldest = 0;
        for (const c of this.contacts.values()) {
          if (c.status !== 'ACTIVE' || c.instance !== contact.instance || !c.queue || (c.queue.id !== queueId && c.queue.arn !== queueId)) continue;
          contactsInQueue++;
          oldest = Math.max(oldest, Math.floor((now - c.queue.enqueuedAt.getTime()) / 1000));
        }
        const agents = this.agentsFor?.(contact, queueId) ?? 0;
        return { contactsInQueue, oldestContactAgeSeconds: oldest, agentsAvailable: agents, agentsOnline: agents, agentsStaffed: agents };
      },
      contactStatus: (id) => {
        const c = this.contacts.get(id);
        return c && c.instance === contact.instance ? c.status : undefined;
      },
      // Paced: the end waits for the items posted before it.
      end: (reason) => this.paced(contact, 0, () => this.end(contact, reason, false)),
      now: () => this.clock.now(),
      setTimer: (ms, fn) =>
        this.clock.setTimer(ms, () => {
          this.safely(fn);
        }),
    };
  }

  /**
   * An agent or bot the runtime brings in (its participant.joined event) becomes a participant of
   * the contact, so the end of the chat also shows it leaving, as Connect's transcripts do.
   */
  trackParticipant(contact: Contact, contentType: string, role: ParticipantRole, participantId: string, displayName: string | undefined): void {
    if (role === 'CUSTOMER') return;
    const known = contact.participants.find((p) => p.participantId === participantId);
    if (contentType === EVENT.joined && !known) {
      if (role === 'AGENT' && !contact.agent) contact.agent = { id: participantId, connectedAt: this.clock.now() };
      contact.participants.push({
        participantId,
        role,
        displayName: displayName ?? role,
        contact,
        participantToken: '',
        connected: true,
        left: false,
        disconnected: false,
        webSocketTokens: [],
        subscribers: new Set(),
        replies: new Map(),
      });
    } else if (contentType === EVENT.left && known) {
      known.left = true;
      known.connected = false;
    }
  }

  state(contact: Contact): ContactState {
    const runtime = this.runtime();
    const trace = runtime.getTrace ? this.safely(() => runtime.getTrace!(contact.contactId)) : undefined;
    return {
      contactId: contact.contactId,
      initialContactId: contact.initialContactId,
      ...(contact.previousContactId ? { previousContactId: contact.previousContactId } : {}),
      ...(contact.relatedContactId ? { relatedContactId: contact.relatedContactId } : {}),
      instanceId: contact.instance.id,
      contactFlowId: contact.flow.id,
      status: contact.status,
      ...(contact.endReason ? { endReason: contact.endReason } : {}),
      startedAt: contact.startedAt.toISOString(),
      ...(contact.endedAt ? { endedAt: contact.endedAt.toISOString() } : {}),
      attributes: { ...contact.attributes },
      segmentAttributes: structuredClone(contact.segmentAttributes),
      participants: contact.participants.map((p) => ({
        participantId: p.participantId,
        role: p.role,
        displayName: p.displayName,
        connected: p.connected,
        left: p.left,
      })),
      transcript: structuredClone(contact.transcript),
      notices: [...contact.notices],
      ...(contact.startedWith ? { startedWith: { ...contact.startedWith } } : {}),
      ...(trace !== undefined ? { trace } : {}),
    };
  }
}
