/**
 * The live conversation of one test chat, shared by the CLI and the extension: StartChatContact,
 * CreateParticipantConnection, the participant WebSocket (aws/chat, heartbeats), the transcript
 * (deduplicated by Id, backfilled with GetTranscript after every (re)connect so nothing is lost
 * or shown twice), replies, answers to interactive messages, the end, and what Connect knows
 * about the contact (DescribeContact, attributes, flow trace).
 *
 * The record it keeps ({@link ChatRecord}) never holds a token; {@link LiveChat.secrets} hands the
 * tokens to whoever stores them. Nothing here logs a token, a WebSocket URL (it carries one) or a
 * response body.
 */
import type { StartChatContactCommandInput } from '@aws-sdk/client-connect';
import type { Item } from '@aws-sdk/client-connectparticipant';
import { randomUUID } from 'node:crypto';
import type { WebSocket as WsSocket } from 'ws';
import { loadAws } from '../aws/lazy';
import type { AwsSession } from '../aws/session';
import type { Logger } from '../log';
import { describeContact, getContactAttributes, instanceAlias, readFlowTrace } from './contact';
import { ChatCallError, chatError, startChatContact, type ChatError } from './launch';
import { eventNameOf, interactiveResponseContent, isTypingItem, presentItem, TYPING_TYPE } from './present';
import type { ChatItem, ChatOrigin, ChatRecord, ChatSecrets, ChatState, ContactDetails } from './types';
import { INTERACTIVE_RESPONSE } from '../request/limits';

/** How often a typing event may be sent (chatjs sends about one per 10 s [UNVERIFIED]). */
export const TYPING_EVERY_MS = 10_000;

export interface LiveChatDeps {
  session: AwsSession;
  logger: Logger;
  now?: () => Date;
  /** Heartbeat period (default 10 s, as amazon-connect-chatjs). A missed answer reconnects. */
  heartbeatMs?: number;
  /** How long to wait for the WebSocket to open and acknowledge the subscription (default 10 s). */
  socketTimeoutMs?: number;
}

export interface LaunchChatOptions {
  /** From prepareLaunch (its ClientToken is replaced by `clientToken`). */
  input: StartChatContactCommandInput;
  clientToken: string;
  origin: ChatOrigin;
  /** Persistent chat: the contact this one continues; sets PersistentChat when the input has none. */
  continuedFrom?: string;
  /** ENTIRE_PAST_SESSION (default) or FROM_SEGMENT. */
  rehydrationType?: string;
  signal?: AbortSignal;
}

/** Someone is typing (never stored in the transcript). */
export interface TypingEvent {
  participantId?: string;
  displayName?: string;
  role?: string;
  at: string;
}

export interface EndResult {
  /** DisconnectParticipant succeeded (the customer left the chat). */
  disconnected: boolean;
  /** StopContact succeeded (the contact ended for every participant). */
  stopped: boolean;
  /** What did not work, politely (e.g. StopContact not allowed). */
  note?: string;
}

export interface RefreshResult {
  /** One line per part that could not be read (details, attributes, trace). */
  problems: string[];
}

const TEXT_MAX = 1024;
const RECONNECT_MAX_ATTEMPTS = 8;
const TRANSCRIPT_PAGE = 100;
const LIVE: readonly ChatState[] = ['starting', 'connected', 'queued', 'agent'];

function toItem(raw: Partial<Item> & Record<string, unknown>): ChatItem | undefined {
  if (typeof raw.Id !== 'string' || typeof raw.Type !== 'string' || typeof raw.ContentType !== 'string') return undefined;
  const item: ChatItem = {
    Id: raw.Id,
    Type: raw.Type,
    ContentType: raw.ContentType,
    AbsoluteTime: typeof raw.AbsoluteTime === 'string' ? raw.AbsoluteTime : new Date().toISOString(),
  };
  for (const k of ['Content', 'ParticipantId', 'DisplayName', 'ParticipantRole', 'ContactId', 'RelatedContactId'] as const) {
    const v = raw[k];
    if (typeof v === 'string') item[k] = v;
  }
  if (raw.MessageMetadata && typeof raw.MessageMetadata === 'object') item.MessageMetadata = raw.MessageMetadata as ChatItem['MessageMetadata'];
  if (Array.isArray(raw.Attachments)) item.Attachments = raw.Attachments;
  return item;
}

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** A participant call refused with AccessDenied: the chat ended or the token is no longer valid. */
function isDenied(e: unknown): boolean {
  const x = e instanceof ChatCallError ? e.cause : e;
  const name = (x as { name?: string } | undefined)?.name;
  return name === 'AccessDeniedException' || (x as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode === 403;
}

function participantError(e: unknown, session: AwsSession, operation: string): ChatError {
  if (isDenied(e)) {
    return {
      message: `${operation} was refused: the chat has ended, or this chat's participant connection is no longer valid.`,
      fix: 'Launch a new chat, or continue this one as a persistent chat.',
      diagnosticCode: 'chatEnded',
    };
  }
  return chatError(e, session, operation);
}

/** The state DescribeContact implies, or undefined when it implies nothing new. Pure. */
export function stateFromContact(c: ContactDetails): ChatState | undefined {
  if (c.disconnectTimestamp) return 'ended';
  if (c.agent?.connectedToAgentTimestamp) return 'agent';
  if (c.queue?.enqueueTimestamp) return 'queued';
  return undefined;
}

export class LiveChat {
  private lastTypingSent = -Infinity;
  private readonly now: () => Date;
  private secretsValue: ChatSecrets | undefined;
  private ws: WsSocket | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private contactTimer: ReturnType<typeof setTimeout> | undefined;
  private awaitingBeat = false;
  private reconnectAttempts = 0;
  private connecting: Promise<void> | undefined;
  private disposed = false;
  private alias: string | undefined;
  private readonly ids = new Map<string, ChatItem>();
  private readonly listeners = new Set<(record: ChatRecord) => void>();
  private readonly typingListeners = new Set<(e: TypingEvent) => void>();

  private constructor(
    private readonly deps: LiveChatDeps,
    /** The chat as it may be persisted and shown (no token). Updated in place; onChange says when. */
    readonly record: ChatRecord,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.alias = record.origin.instanceAlias;
    for (const i of record.transcript) this.ids.set(i.Id, i);
  }

  /**
   * Starts a chat and connects to it. Never throws for what AWS answers: a launch that fails
   * gives a record in state 'failed' with a token-free `error`.
   */
  static async launch(deps: LiveChatDeps, options: LaunchChatOptions): Promise<LiveChat> {
    const now = (deps.now ?? (() => new Date()))().toISOString();
    const input: StartChatContactCommandInput = { ...options.input, ClientToken: options.clientToken };
    if (options.continuedFrom && !input.PersistentChat) {
      input.PersistentChat = {
        SourceContactId: options.continuedFrom,
        RehydrationType: (options.rehydrationType ?? 'ENTIRE_PAST_SESSION') as 'ENTIRE_PAST_SESSION',
      };
    }
    const continuedFrom = input.PersistentChat?.SourceContactId;
    const rehydrationType = input.PersistentChat?.RehydrationType;
    const record: ChatRecord = {
      id: randomUUID(),
      origin: options.origin,
      displayName: input.ParticipantDetails?.DisplayName ?? '',
      clientToken: options.clientToken,
      attributes: { ...(input.Attributes ?? {}) },
      ...(input.SupportedMessagingContentTypes ? { contentTypes: [...input.SupportedMessagingContentTypes] } : {}),
      ...(input.InitialMessage?.ContentType !== undefined && input.InitialMessage.Content !== undefined ? { initialMessage: { ContentType: input.InitialMessage.ContentType, Content: input.InitialMessage.Content } } : {}),
      state: 'starting',
      startedAt: now,
      updatedAt: now,
      ...(continuedFrom ? { continuedFrom } : {}),
      ...(rehydrationType ? { rehydrationType } : {}),
      transcript: [],
    };
    const chat = new LiveChat(deps, record);
    try {
      const started = await startChatContact(deps.session, input, { ...(options.signal ? { signal: options.signal } : {}), logger: deps.logger });
      record.contactId = started.contactId;
      record.participantId = started.participantId;
      chat.secretsValue = { participantToken: started.participantToken };
      chat.touch();
      await chat.connect(options.signal);
    } catch (e) {
      const err = e instanceof ChatCallError ? e.chatError : chatError(e, deps.session, record.contactId ? 'CreateParticipantConnection' : 'StartChatContact');
      chat.fail(err);
      // Cancelled after the contact started: it is stopped (best effort) rather than left active.
      if (record.contactId && (options.signal?.aborted || err.diagnosticCode === 'cancelled')) void chat.stopQuietly();
    }
    return chat;
  }

  /**
   * Reattaches to a chat after a reload: the transcript is backfilled (GetTranscript), then a new
   * WebSocket opens. A chat whose tokens no longer work, or that ended meanwhile, is marked ended.
   */
  static async resume(deps: LiveChatDeps, record: ChatRecord, secrets: ChatSecrets): Promise<LiveChat> {
    const chat = new LiveChat(deps, record);
    chat.secretsValue = { ...secrets };
    if (!LIVE.includes(record.state) || !record.contactId) return chat;
    const expired = secrets.connectionExpiry !== undefined && time(secrets.connectionExpiry) <= chat.now().getTime();
    if (secrets.connectionToken && !expired) {
      try {
        await chat.backfill();
      } catch (e) {
        deps.logger.info(`[chat] ${record.contactId}: the stored connection no longer works (${(e as Error).name}); reconnecting`);
      }
    }
    if (!chat.isLive) return chat;
    try {
      await chat.connect();
    } catch (e) {
      if (isDenied(e)) chat.markEnded();
      else {
        deps.logger.warn(`[chat] ${record.contactId}: could not reconnect yet: ${(e as Error).message}`);
        chat.scheduleReconnect();
      }
    }
    return chat;
  }

  get isLive(): boolean {
    return LIVE.includes(this.record.state) && !this.disposed;
  }

  /** Listens for every change of the record; returns the function that stops listening. */
  onChange(listener: (record: ChatRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Typing indicators from the other participants (transient; not in the transcript). */
  onTyping(listener: (e: TypingEvent) => void): () => void {
    this.typingListeners.add(listener);
    return () => this.typingListeners.delete(listener);
  }

  /**
   * Resolves true as soon as `predicate(record)` holds (checked now and on every change), false
   * when `timeoutMs` passes or the signal aborts first.
   */
  until(predicate: (record: ChatRecord) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (predicate(this.record)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (v: boolean) => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      const off = this.onChange((r) => {
        if (predicate(r)) finish(true);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The current tokens, for SecretStorage (extension) or memory (CLI); undefined before the contact exists. */
  secrets(): ChatSecrets | undefined {
    return this.secretsValue ? { ...this.secretsValue } : undefined;
  }

  /** Sends a customer message (text/plain). */
  /**
   * Tells the other side the customer is typing (SendEvent, `…event.typing`), at most once per
   * {@link TYPING_EVERY_MS} as amazon-connect-chatjs throttles it (its period is [UNVERIFIED]).
   * Resolves false when it was not sent (throttled, or the chat is not connected).
   */
  async sendTyping(): Promise<boolean> {
    const token = this.secretsValue?.connectionToken;
    const now = this.now().getTime();
    if (!this.isLive || !token || now - this.lastTypingSent < TYPING_EVERY_MS) return false;
    this.lastTypingSent = now;
    const aws = await loadAws();
    try {
      await this.deps.session.clients.participant.send(
        new aws.participantApi.SendEventCommand({ ConnectionToken: token, ContentType: TYPING_TYPE, ClientToken: randomUUID() }),
      );
      return true;
    } catch (e) {
      this.deps.logger.debug(`[chat] typing event not sent: ${(e as Error).name ?? 'error'}`);
      return false;
    }
  }

  async reply(text: string): Promise<void> {
    if (text.length < 1 || text.length > TEXT_MAX) throw new Error(`A message must be 1 to ${TEXT_MAX} characters (this one has ${text.length}).`);
    await this.send('text/plain', text);
  }

  /**
   * Answers an interactive message. A plain selection (tapping a ListPicker, Panel or QuickReply
   * element, or a TimePicker slot) is sent the way the hosted chat widget sends it: a text/plain
   * message whose content is the chosen option's title, which the bot matches as an utterance
   * (chat-extras §4.3; the widget behaviour is [UNVERIFIED]). The interactive.response content
   * type is only for action buttons such as SHOW_MORE, which this method does not send.
   */
  async choose(itemId: string, optionTitle: string): Promise<void> {
    const item = this.ids.get(itemId);
    if (!item) throw new Error(`This chat has no item ${itemId}.`);
    const view = presentItem(item);
    if (view.kind !== 'interactive' || !view.interactive) throw new Error('That item is not an interactive message; reply with text instead.');
    const options = view.interactive.options;
    const option = options.find((o) => o.title === optionTitle) ?? options.find((o) => o.title.toLowerCase() === optionTitle.toLowerCase());
    if (!option && options.length > 0) {
      throw new Error(`"${optionTitle}" is not an option of "${view.interactive.title}"; choose one of ${options.map((o) => `"${o.title}"`).join(', ')}.`);
    }
    const title = option?.title ?? optionTitle;
    // A chat that listed interactive.response answers as the Connect chat widget does for a
    // selection it reports as a response; otherwise the title goes as text/plain, which is what
    // Lex matches as an utterance (chat-extras §4.3; both shapes [UNVERIFIED]).
    if (this.record.contentTypes?.includes(INTERACTIVE_RESPONSE)) {
      await this.send(INTERACTIVE_RESPONSE, interactiveResponseContent(view.interactive, option ?? { title }));
    } else {
      await this.send('text/plain', title);
    }
  }

  /**
   * Ends the chat from the customer's side (DisconnectParticipant), then tries StopContact so the
   * contact ends for everyone; a connection without connect:StopContact is told so, politely.
   */
  async end(): Promise<void> {
    await this.endWithResult();
  }

  /** {@link end}, saying what worked. */
  async endWithResult(): Promise<EndResult> {
    const result: EndResult = { disconnected: false, stopped: false };
    const notes: string[] = [];
    const aws = await loadAws();
    const token = this.secretsValue?.connectionToken;
    if (token && this.isLive) {
      try {
        await this.deps.session.clients.participant.send(new aws.participantApi.DisconnectParticipantCommand({ ConnectionToken: token, ClientToken: randomUUID() }));
        result.disconnected = true;
      } catch (e) {
        if (isDenied(e)) notes.push('The customer had already left the chat.');
        else notes.push(`DisconnectParticipant failed: ${participantError(e, this.deps.session, 'DisconnectParticipant').message}`);
      }
    }
    if (this.record.contactId) {
      try {
        await this.deps.session.clients.connect.send(new aws.connectApi.StopContactCommand({ InstanceId: this.record.origin.instanceId, ContactId: this.record.contactId }));
        result.stopped = true;
      } catch (e) {
        const name = (e as { name?: string }).name ?? '';
        if (name === 'ContactNotFoundException' || name === 'ResourceNotFoundException' || name === 'InvalidRequestException') {
          // Already over (or gone): nothing to stop.
        } else if (name === 'AccessDeniedException') {
          notes.push(
            `This connection may not call connect:StopContact, so only the customer left the chat${result.disconnected ? '' : ' (if it could)'}; the flow or an agent ends the contact.`,
          );
        } else {
          notes.push(`StopContact failed: ${chatError(e, this.deps.session, 'StopContact').message}`);
        }
      }
    }
    this.deps.logger.info(`[chat] ${this.record.contactId ?? this.record.id}: ended (disconnected=${result.disconnected}, stopped=${result.stopped})`);
    if (notes.length > 0) result.note = notes.join(' ');
    if (result.disconnected || result.stopped || !this.isLive) this.markEnded();
    return result;
  }

  /**
   * Reads what Connect knows: DescribeContact (record.contact, and the state it implies),
   * GetContactAttributes (record.contactAttributes) and the flow trace (record.trace and
   * traceStatus). Each part fails on its own; the problems are returned, never thrown.
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    const { problems } = await this.refreshWithResult(signal);
    for (const p of problems) this.deps.logger.info(`[chat] ${this.record.contactId ?? this.record.id}: ${p}`);
  }

  /** {@link refresh}, returning what could not be read. */
  async refreshWithResult(signal?: AbortSignal): Promise<RefreshResult> {
    const problems: string[] = [];
    const r = this.record;
    if (!r.contactId) return { problems: ['The chat has no contact (the launch failed).'] };
    const contactId = r.contactId;
    const opts = { logger: this.deps.logger, ...(signal ? { signal } : {}) };
    const details = describeContact(this.deps.session, { instanceId: r.origin.instanceId, contactId }, opts).then(
      (c) => {
        r.contact = c;
        if (c.initialContactId && !r.initialContactId) r.initialContactId = c.initialContactId;
        this.applyContactState(c);
      },
      (e: unknown) => problems.push(`Contact details: ${chatError(e, this.deps.session, 'DescribeContact').message}`),
    );
    await details;
    const attributes = getContactAttributes(this.deps.session, { instanceId: r.origin.instanceId, initialContactId: r.initialContactId ?? contactId }, opts).then(
      (a) => {
        r.contactAttributes = a;
      },
      (e: unknown) => problems.push(`Contact attributes: ${chatError(e, this.deps.session, 'GetContactAttributes').message}`),
    );
    const trace = (async () => {
      try {
        this.alias ??= await instanceAlias(this.deps.session, r.origin.instanceId, opts);
      } catch (e) {
        problems.push(`Flow trace: ${chatError(e, this.deps.session, 'DescribeInstance').message}`);
        return;
      }
      if (!this.alias) {
        r.traceStatus = { kind: 'error', message: 'The instance has no alias, so its flow-log group is unknown.' };
        return;
      }
      const t = await readFlowTrace(this.deps.session, { ...opts, instanceAlias: this.alias, contactId, startTime: r.startedAt, ...(r.endedAt ? { endTime: r.endedAt } : {}) });
      r.trace = t.records;
      r.traceStatus = t.status;
      if (t.status.kind !== 'ok') problems.push(`Flow trace: ${'message' in t.status ? t.status.message : `log group ${t.status.logGroup} does not exist`}`);
    })();
    await Promise.all([attributes, trace]);
    if (this.isLive && !this.ws && !this.connecting && !this.reconnectTimer) this.scheduleReconnect();
    this.touch();
    return { problems };
  }

  /** Closes the socket and stops every timer; the record stays as it is. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopSocket();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.contactTimer) clearTimeout(this.contactTimer);
    this.reconnectTimer = this.contactTimer = undefined;
    this.listeners.clear();
    this.typingListeners.clear();
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  private async stopQuietly(): Promise<void> {
    try {
      const aws = await loadAws();
      await this.deps.session.clients.connect.send(new aws.connectApi.StopContactCommand({ InstanceId: this.record.origin.instanceId, ContactId: this.record.contactId }));
      this.deps.logger.info(`[chat] ${this.record.contactId}: stopped after the launch was cancelled`);
    } catch (e) {
      this.deps.logger.info(`[chat] ${this.record.contactId}: could not stop the cancelled launch's contact (${(e as Error).name})`);
    }
  }

  private async send(contentType: string, content: string): Promise<void> {
    const token = this.secretsValue?.connectionToken;
    if (!this.isLive) throw new ChatCallError({ message: `This chat is ${this.record.state === 'failed' ? 'a failed launch' : 'over'}; messages can no longer be sent.`, diagnosticCode: 'chatEnded' });
    if (!token) throw new ChatCallError({ message: 'This chat is not connected yet; try again in a moment.', diagnosticCode: 'notConnected' });
    const aws = await loadAws();
    let out;
    try {
      out = await this.deps.session.clients.participant.send(
        new aws.participantApi.SendMessageCommand({ ConnectionToken: token, ContentType: contentType, Content: content, ClientToken: randomUUID() }),
      );
    } catch (e) {
      const err = participantError(e, this.deps.session, 'SendMessage');
      if (isDenied(e)) void this.refreshWithResult().catch(() => undefined);
      throw new ChatCallError(err, e);
    }
    // Shown at once; the WebSocket's copy of the same Id (and GetTranscript's) merge into it.
    if (out.Id) {
      this.merge([
        {
          Id: out.Id,
          Type: 'MESSAGE',
          ContentType: contentType,
          Content: content,
          AbsoluteTime: out.AbsoluteTime ?? this.now().toISOString(),
          ...(this.record.participantId ? { ParticipantId: this.record.participantId } : {}),
          DisplayName: this.record.displayName,
          ParticipantRole: 'CUSTOMER',
          ...(this.record.contactId ? { ContactId: this.record.contactId } : {}),
        },
      ]);
      this.touch();
    }
  }

  /** CreateParticipantConnection (with the participant token), the socket, then a backfill. */
  private connect(signal?: AbortSignal): Promise<void> {
    this.connecting ??= this.doConnect(signal).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async doConnect(signal?: AbortSignal): Promise<void> {
    const secrets = this.secretsValue;
    if (!secrets) throw new Error('No participant token to connect with.');
    const aws = await loadAws();
    let out;
    try {
      out = await this.deps.session.clients.participant.send(
        new aws.participantApi.CreateParticipantConnectionCommand({ ParticipantToken: secrets.participantToken, Type: ['WEBSOCKET', 'CONNECTION_CREDENTIALS'], ConnectParticipant: true }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (e) {
      throw new ChatCallError(participantError(e, this.deps.session, 'CreateParticipantConnection'), e);
    }
    const token = out.ConnectionCredentials?.ConnectionToken;
    const url = out.Websocket?.Url;
    if (!token || !url) throw new ChatCallError({ message: 'CreateParticipantConnection answered without a WebSocket URL or connection token.', diagnosticCode: 'badResponse' });
    this.secretsValue = {
      participantToken: secrets.participantToken,
      connectionToken: token,
      ...(out.ConnectionCredentials?.Expiry ? { connectionExpiry: out.ConnectionCredentials.Expiry } : {}),
    };
    if (this.disposed) return;
    await this.openSocket(url);
    if (this.record.state === 'starting') this.record.state = 'connected';
    this.touch();
    // Whatever was said before the socket listened (or while it was down) comes from GetTranscript.
    try {
      await this.backfill();
    } catch (e) {
      if (isDenied(e)) throw e;
      this.deps.logger.warn(`[chat] ${this.record.contactId}: GetTranscript failed (${(e as Error).name}); the socket's items still arrive`);
    }
    this.deps.logger.info(`[chat] ${this.record.contactId}: connected (${this.record.transcript.length} items)`);
  }

  private openSocket(url: string): Promise<void> {
    this.stopSocket();
    return loadAws().then(
      (aws) =>
        new Promise<void>((resolve, reject) => {
          const ws = new aws.WebSocket(url);
          this.ws = ws;
          let settled = false;
          const timer = setTimeout(() => fail(new Error('The chat WebSocket did not open and subscribe in time.')), this.deps.socketTimeoutMs ?? 10_000);
          const fail = (e: Error) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            if (this.ws === ws) this.ws = undefined;
            ws.terminate();
            reject(new ChatCallError({ message: `Could not open the chat's WebSocket: ${e.message.replace(/[?&]\S*/g, '')}`, fix: 'Check that WebSocket (wss) traffic to the Participant Service is allowed.', diagnosticCode: 'websocket' }, e));
          };
          ws.on('error', (e: Error) => fail(e));
          ws.on('open', () => ws.send(JSON.stringify({ topic: 'aws/subscribe', content: { topics: ['aws/chat'] } })));
          ws.on('message', (data: Buffer) => {
            let frame: { topic?: string; content?: unknown; statusCode?: number };
            try {
              frame = JSON.parse(data.toString('utf8')) as typeof frame;
            } catch {
              return;
            }
            if (frame.topic === 'aws/subscribe') {
              const status = (frame.content as { status?: string } | undefined)?.status;
              if (status === 'success' && !settled) {
                settled = true;
                clearTimeout(timer);
                this.startHeartbeat(ws);
                resolve();
              } else if (status !== 'success') fail(new Error('the aws/chat subscription was refused'));
            } else if (frame.topic === 'aws/heartbeat' || frame.topic === 'aws/ping') {
              this.awaitingBeat = false;
            } else if (frame.topic === 'aws/chat' && typeof frame.content === 'string') {
              try {
                this.onSocketItem(JSON.parse(frame.content) as Record<string, unknown>);
              } catch (e) {
                this.deps.logger.warn(`[chat] ${this.record.contactId}: an aws/chat frame could not be read: ${(e as Error).message}`);
              }
            }
          });
          ws.on('close', (code: number) => {
            if (!settled) fail(new Error(`closed with code ${code}`));
            if (this.ws !== ws) return;
            this.ws = undefined;
            this.stopHeartbeat();
            if (this.isLive) {
              this.deps.logger.info(`[chat] ${this.record.contactId}: WebSocket closed (${code}); reconnecting`);
              this.scheduleReconnect();
            }
          });
        }),
    );
  }

  private startHeartbeat(ws: WsSocket): void {
    this.stopHeartbeat();
    this.awaitingBeat = false;
    this.heartbeat = setInterval(() => {
      if (this.ws !== ws) return;
      if (this.awaitingBeat) {
        // No answer since the last beat: the connection is dead even if TCP has not noticed.
        this.deps.logger.info(`[chat] ${this.record.contactId}: heartbeat missed; reconnecting`);
        ws.terminate();
        return;
      }
      this.awaitingBeat = true;
      ws.send(JSON.stringify({ topic: 'aws/heartbeat' }));
      ws.send(JSON.stringify({ topic: 'aws/ping' }));
    }, this.deps.heartbeatMs ?? 10_000);
    this.heartbeat.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private stopSocket(): void {
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.removeAllListeners('close');
      ws.on('error', () => undefined);
      ws.terminate();
    }
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.connecting || !this.isLive) return;
    const attempt = this.reconnectAttempts++;
    const delay = attempt === 0 ? 0 : Math.min(250 * 2 ** (attempt - 1), 10_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.isLive) return;
      this.connect().then(
        () => {
          this.reconnectAttempts = 0;
          if (this.record.error?.diagnosticCode === 'disconnected') {
            delete this.record.error;
            this.touch();
          }
        },
        (e: unknown) => {
          if (isDenied(e)) {
            this.markEnded();
            return;
          }
          if (this.reconnectAttempts >= RECONNECT_MAX_ATTEMPTS) {
            this.record.error = { message: `Lost the connection to the chat and could not reconnect: ${(e as Error).message}`, fix: 'Refresh the chat to try again.', diagnosticCode: 'disconnected' };
            this.reconnectAttempts = 0;
            this.touch();
            return;
          }
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref?.();
  }

  /** Every page of GetTranscript (oldest first), merged into the transcript by Id. */
  private async backfill(): Promise<void> {
    const token = this.secretsValue?.connectionToken;
    if (!token) return;
    const aws = await loadAws();
    const items: ChatItem[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      // FORWARD + ASCENDING without a StartPosition reads from the first item on (the sandbox;
      // that real Connect pages the same way is [UNVERIFIED]: its documented default is BACKWARD).
      const out = await this.deps.session.clients.participant.send(
        new aws.participantApi.GetTranscriptCommand({ ConnectionToken: token, MaxResults: TRANSCRIPT_PAGE, ScanDirection: 'FORWARD', SortOrder: 'ASCENDING', ...(next ? { NextToken: next } : {}) }),
      );
      if (out.InitialContactId && !this.record.initialContactId) this.record.initialContactId = out.InitialContactId;
      for (const raw of out.Transcript ?? []) {
        const item = toItem(raw as Partial<Item> & Record<string, unknown>);
        if (item && !isTypingItem(item)) items.push(item);
      }
      next = out.NextToken;
      pages++;
    } while (next && pages < 1000);
    const added = this.merge(items);
    for (const i of added) this.applyEvent(i);
    this.touch();
  }

  private onSocketItem(raw: Record<string, unknown>): void {
    const item = toItem(raw);
    if (!item) return;
    if (isTypingItem(item)) {
      if (item.ParticipantId !== undefined && item.ParticipantId === this.record.participantId) return;
      const e: TypingEvent = {
        at: item.AbsoluteTime,
        ...(item.ParticipantId ? { participantId: item.ParticipantId } : {}),
        ...(item.DisplayName ? { displayName: item.DisplayName } : {}),
        ...(item.ParticipantRole ? { role: item.ParticipantRole } : {}),
      };
      for (const l of [...this.typingListeners]) {
        try {
          l(e);
        } catch (err) {
          this.deps.logger.warn(`[chat] a typing listener threw: ${(err as Error).message}`);
        }
      }
      return;
    }
    const initial = raw.InitialContactId;
    if (typeof initial === 'string' && !this.record.initialContactId) this.record.initialContactId = initial;
    const added = this.merge([item]);
    for (const i of added) this.applyEvent(i);
    this.touch();
  }

  /**
   * Adds new items in time order and updates known ones in place (an attachment's status, a
   * receipt folded in). Returns the items that were new.
   */
  private merge(items: readonly ChatItem[]): ChatItem[] {
    const added: ChatItem[] = [];
    const t = this.record.transcript;
    for (const item of items) {
      const known = this.ids.get(item.Id);
      if (known) {
        Object.assign(known, item);
        continue;
      }
      this.ids.set(item.Id, item);
      added.push(item);
      const at = time(item.AbsoluteTime);
      let i = t.length;
      while (i > 0 && time(t[i - 1].AbsoluteTime) > at) i--;
      t.splice(i, 0, item);
    }
    return added;
  }

  private applyEvent(item: ChatItem): void {
    // A persistent chat's past session (RelatedContactId without ContactId) says nothing about now.
    if (item.RelatedContactId !== undefined && item.ContactId === undefined) return;
    if (item.ContactId !== undefined && this.record.contactId !== undefined && item.ContactId !== this.record.contactId && item.RelatedContactId !== undefined) return;
    const name = eventNameOf(item);
    if (name === 'ended') {
      this.markEnded(item.AbsoluteTime);
      return;
    }
    if (!this.isLive) return;
    if (name === 'joined' && item.ParticipantRole === 'AGENT') this.setState('agent');
    else if (name === 'left' && item.ParticipantRole === 'AGENT' && this.record.state === 'agent') this.setState('connected');
    else if (name === 'transfer-succeeded') this.scheduleContactCheck();
  }

  /** After a transfer, DescribeContact tells whether the chat is now queued (once, shortly after). */
  private scheduleContactCheck(): void {
    if (this.contactTimer || !this.record.contactId) return;
    this.contactTimer = setTimeout(() => {
      this.contactTimer = undefined;
      if (!this.isLive || !this.record.contactId) return;
      describeContact(this.deps.session, { instanceId: this.record.origin.instanceId, contactId: this.record.contactId }, { logger: this.deps.logger }).then(
        (c) => {
          this.record.contact = c;
          this.applyContactState(c);
          this.touch();
        },
        (e: unknown) => this.deps.logger.debug(`[chat] DescribeContact after a transfer failed: ${(e as Error).name}`),
      );
    }, 250);
    this.contactTimer.unref?.();
  }

  private applyContactState(c: ContactDetails): void {
    const s = stateFromContact(c);
    if (s === 'ended') this.markEnded(c.disconnectTimestamp);
    else if (s && this.isLive && !(s === 'queued' && this.record.state === 'agent')) this.setState(s);
  }

  private setState(s: ChatState): void {
    if (this.record.state === s) return;
    this.record.state = s;
  }

  private markEnded(at?: string): void {
    if (this.record.state === 'ended' || this.record.state === 'failed') return;
    this.record.state = 'ended';
    this.record.endedAt ??= at ?? this.now().toISOString();
    this.stopSocket();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.touch();
  }

  private fail(error: ChatError): void {
    this.stopSocket();
    this.record.state = 'failed';
    this.record.error = error;
    this.record.endedAt = this.now().toISOString();
    this.deps.logger.warn(`[chat] launch failed: ${error.message}`);
    this.touch();
  }

  private touch(): void {
    this.record.updatedAt = this.now().toISOString();
    for (const l of [...this.listeners]) {
      try {
        l(this.record);
      } catch (e) {
        this.deps.logger.warn(`[chat] a change listener threw: ${(e as Error).message}`);
      }
    }
  }
}

