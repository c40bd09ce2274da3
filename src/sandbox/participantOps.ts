/**
 * The Amazon Connect Participant Service: CreateParticipantConnection, SendMessage, SendEvent,
 * GetTranscript and DisconnectParticipant (reference §3). Calls authenticate only by the
 * `X-Amz-Bearer` header (SigV4 is never checked, as chatjs signs with empty credentials).
 * Timestamps here are ISO 8601 strings, unlike Connect's epoch seconds.
 */
import { MESSAGE_CONTENT_LENGTHS, SEND_MESSAGE_LIMITS } from '../core/request/limits';
import { EVENT, newToken, type Contact, type Participant, type TranscriptItem } from './contacts';
import { type OperationInput, type SandboxCore } from './core';
import { accessDenied, participantValidation } from './errors';
import { postReceipt } from './receipts';
import { limit, Validator, type JsonObject } from './validate';

const CONNECTION_TOKEN_TTL_MS = 24 * 3600_000;
const WEBSOCKET_URL_TTL_MS = 100_000;
export const WEBSOCKET_PATH = '/participant/websocket';

const EVENT_TYPES = [EVENT.typing, EVENT.acknowledged, EVENT.delivered, EVENT.read];

function bearer(input: OperationInput, member: 'ParticipantToken' | 'ConnectionToken'): string {
  const raw = input.headers['x-amz-bearer'];
  const token = Array.isArray(raw) ? raw[0] : raw;
  const v = new Validator(participantValidation);
  v.str(token, `${member}`, { required: true, min: 1, max: 1000 });
  if (!v.ok) {
    throw participantValidation(
      `1 validation error detected: the ${member} is missing or not 1-1000 characters. Send it in the X-Amz-Bearer header.`,
    );
  }
  return token!;
}

function byParticipantToken(core: SandboxCore, input: OperationInput): Participant {
  const token = bearer(input, 'ParticipantToken');
  const p = core.store.byParticipantToken.get(token);
  if (p) return p;
  if (core.store.byConnectionToken.has(token)) {
    throw accessDenied('CreateParticipantConnection takes the ParticipantToken from StartChatContact in X-Amz-Bearer, not a ConnectionToken.');
  }
  throw accessDenied('You do not have sufficient access to perform this action: the ParticipantToken is not valid.');
}

export function byConnectionToken(core: SandboxCore, input: OperationInput): Participant {
  const token = bearer(input, 'ConnectionToken');
  const p = core.store.byConnectionToken.get(token);
  if (!p) {
    if (core.store.byParticipantToken.has(token)) {
      throw accessDenied('This operation takes the ConnectionToken from CreateParticipantConnection (CONNECTION_CREDENTIALS) in X-Amz-Bearer, not the ParticipantToken.');
    }
    throw accessDenied('You do not have sufficient access to perform this action: the ConnectionToken is not valid.');
  }
  if (p.connectionExpiry && p.connectionExpiry.getTime() <= core.clock.now().getTime()) {
    throw accessDenied('The ConnectionToken has expired. Call CreateParticipantConnection again for a new one.');
  }
  return p;
}

/**
 * After a chat ends (flow, StopContact, expiry) the customer may still connect and read the
 * transcript, so a chat widget can show how it ended; only a participant that disconnected itself
 * loses access altogether.
 */
export function requireReadable(p: Participant): void {
  if (p.disconnected) {
    throw accessDenied('You do not have sufficient access to perform this action: this participant has disconnected from the chat.');
  }
}

export function requireActive(p: Participant): void {
  if (p.left || p.contact.status === 'ENDED') {
    throw accessDenied('You do not have sufficient access to perform this action: the participant has left or the chat has ended.');
  }
}

export function createParticipantConnection(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byParticipantToken(core, input);
  const b = input.body;
  const v = new Validator(participantValidation);
  const list = v.list(b.Type, 'Type', { min: 1 });
  const types = (list ?? []).map((t, i) => v.str(t, `Type.${i + 1}.member`, { enum: ['WEBSOCKET', 'CONNECTION_CREDENTIALS', 'WEBRTC_CONNECTION'] }));
  const connect = v.bool(b.ConnectParticipant, 'ConnectParticipant');
  v.check();
  requireReadable(p);
  if (types.includes('WEBRTC_CONNECTION')) {
    throw participantValidation('Type WEBRTC_CONNECTION needs a contact with in-app calling; sandbox chats are text only. Ask for WEBSOCKET and CONNECTION_CREDENTIALS.');
  }
  const now = core.clock.now().getTime();
  const out: JsonObject = {};
  if (types.includes('WEBSOCKET')) {
    const wsToken = newToken();
    core.store.addWebSocketToken(p, wsToken, now + WEBSOCKET_URL_TTL_MS);
    out.Websocket = {
      Url: `${core.wsBase()}${WEBSOCKET_PATH}?connectionToken=${encodeURIComponent(wsToken)}`,
      ConnectionExpiry: new Date(now + WEBSOCKET_URL_TTL_MS).toISOString(),
    };
  }
  if (types.includes('CONNECTION_CREDENTIALS')) {
    if (!p.connectionToken || !p.connectionExpiry || p.connectionExpiry.getTime() <= now) {
      if (p.connectionToken) core.store.byConnectionToken.delete(p.connectionToken);
      p.connectionToken = newToken();
      p.connectionExpiry = new Date(now + CONNECTION_TOKEN_TTL_MS);
      core.store.byConnectionToken.set(p.connectionToken, p);
    }
    out.ConnectionCredentials = { ConnectionToken: p.connectionToken, Expiry: p.connectionExpiry.toISOString() };
  }
  if ((connect === true || types.includes('CONNECTION_CREDENTIALS')) && !p.left) p.connected = true;
  return out;
}

export function replay(p: Participant, token: string | undefined): unknown {
  return token === undefined ? undefined : p.replies.get(token);
}

export function sendMessage(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const b = input.body;
  const v = new Validator(participantValidation);
  const type = v.str(b.ContentType, 'ContentType', limit(SEND_MESSAGE_LIMITS.ContentType));
  const content = v.str(b.Content, 'Content', limit(SEND_MESSAGE_LIMITS.Content));
  const clientToken = v.str(b.ClientToken, 'ClientToken', limit(SEND_MESSAGE_LIMITS.ClientToken));
  v.check();
  const earlier = replay(p, clientToken);
  if (earlier) return earlier as JsonObject;
  requireActive(p);
  const contact = p.contact;
  const max = MESSAGE_CONTENT_LENGTHS[type!];
  if (max === undefined || !contact.supportedContentTypes.includes(type!)) {
    const allowed = contact.supportedContentTypes.filter((t) => t in MESSAGE_CONTENT_LENGTHS);
    throw participantValidation(`ContentType '${type!}' is not supported for this chat. Send one of: ${allowed.join(', ')} (set by SupportedMessagingContentTypes on StartChatContact).`);
  }
  if ([...content!].length > max) {
    throw participantValidation(`Content is too long: ${type!} messages may have at most ${max} characters.`);
  }
  const item = core.store.post(contact, {
    Type: 'MESSAGE',
    ContentType: type!,
    Content: content!,
    ParticipantId: p.participantId,
    DisplayName: p.displayName,
    ParticipantRole: p.role,
  });
  const response = { Id: item.Id, AbsoluteTime: item.AbsoluteTime };
  if (clientToken !== undefined) p.replies.set(clientToken, response);
  const runtime = core.runtime();
  core.store.safely(() => runtime.customerMessage(contact.contactId, { ContentType: type!, Content: content! }));
  core.store.safely(() => core.agents.customerMessage(contact, content!, item.Id));
  return response;
}

export function sendEvent(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const b = input.body;
  const v = new Validator(participantValidation);
  const type = v.str(b.ContentType, 'ContentType', limit(SEND_MESSAGE_LIMITS.ContentType));
  // SendEventRequest.Content has SendMessage's ChatContent length, but is optional here.
  const content = v.str(b.Content, 'Content', SEND_MESSAGE_LIMITS.Content.length);
  const clientToken = v.str(b.ClientToken, 'ClientToken', { max: 500 });
  v.check();
  const earlier = replay(p, clientToken);
  if (earlier) return earlier as JsonObject;
  requireActive(p);
  if (!(EVENT_TYPES as string[]).includes(type!)) {
    throw participantValidation(`ContentType '${type!}' is not a supported event. Send one of: ${EVENT_TYPES.join(', ')}.`);
  }
  const contact = p.contact;
  const base = { ParticipantId: p.participantId, DisplayName: p.displayName, ParticipantRole: p.role } as const;
  let item: TranscriptItem;
  if (type === EVENT.delivered || type === EVENT.read) {
    item = receipt(core, contact, p, type, content);
  } else if (type === EVENT.acknowledged) {
    item = core.store.post(contact, { Type: 'CONNECTION_ACK', ContentType: type, ...base });
  } else {
    // Typing indicators reach the other side live but are not kept in the transcript.
    item = core.store.post(contact, { Type: 'EVENT', ContentType: type!, ...(content !== undefined ? { Content: content } : {}), ...base }, false);
  }
  const response = { Id: item.Id, AbsoluteTime: item.AbsoluteTime };
  if (clientToken !== undefined) p.replies.set(clientToken, response);
  return response;
}

function receipt(core: SandboxCore, contact: Contact, p: Participant, type: string, content: string | undefined): TranscriptItem {
  let messageId: unknown;
  try {
    messageId = content === undefined ? undefined : (JSON.parse(content) as JsonObject).messageId;
  } catch {
    messageId = undefined;
  }
  if (typeof messageId !== 'string') {
    throw participantValidation(`Content: a ${type.slice(type.lastIndexOf('.') + 1)} receipt needs Content as a JSON string like {"messageId":"<Id of the message>"}.`);
  }
  const item = postReceipt(core.store, core.clock.now(), contact, p, messageId, type === EVENT.read ? 'read' : 'delivered');
  if (!item) throw participantValidation(`Content: messageId '${messageId.slice(0, 256)}' names no message in this chat.`);
  return item;
}

/** The contact and the ones it continues (persistent chat), newest first. */
export function chain(core: SandboxCore, contact: Contact): Contact[] {
  const out = [contact];
  let c: Contact | undefined = contact;
  while (c?.previousContactId && out.length < 100) {
    c = core.store.contacts.get(c.previousContactId);
    if (c) out.push(c);
  }
  return out;
}

/**
 * A persistent chat's transcript carries its past sessions, oldest first: items from a past
 * session name the contact they were sent on in RelatedContactId, the current session's items
 * carry ContactId (the model's documentation of Item).
 */
function persistentTranscript(newestFirst: Contact[]): TranscriptItem[] {
  const [current, ...past] = newestFirst;
  const out: TranscriptItem[] = [];
  for (const c of past.reverse()) for (const i of c.transcript) out.push({ ...i, RelatedContactId: c.contactId });
  for (const i of current.transcript) out.push({ ...i, ContactId: current.contactId });
  return out;
}

interface TranscriptCursor {
  c: string;
  i: number;
  d: 'FORWARD' | 'BACKWARD';
}

export function getTranscript(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const b = input.body;
  const v = new Validator(participantValidation);
  const contactId = v.str(b.ContactId, 'ContactId', { min: 1, max: 256 });
  const max = v.int(b.MaxResults, 'MaxResults', { min: 0, max: 100 });
  const nextToken = v.str(b.NextToken, 'NextToken', { min: 1, max: 1000 });
  const scan = v.str(b.ScanDirection, 'ScanDirection', { enum: ['FORWARD', 'BACKWARD'] }) as TranscriptCursor['d'] | undefined;
  const sort = v.str(b.SortOrder, 'SortOrder', { enum: ['DESCENDING', 'ASCENDING'] });
  // amazon-connect-chatjs always sends a StartPosition object, empty when no position is wanted.
  const spRaw = v.obj(b.StartPosition, 'StartPosition');
  const sp = spRaw && Object.values(spRaw).some((x) => x !== undefined && x !== null) ? spRaw : undefined;
  const spId = sp ? v.str(sp.Id, 'StartPosition.Id', { min: 1, max: 256 }) : undefined;
  const spTime = sp ? v.str(sp.AbsoluteTime, 'StartPosition.AbsoluteTime', { min: 1, max: 100 }) : undefined;
  const spRecent = sp ? v.int(sp.MostRecent, 'StartPosition.MostRecent', { min: 0, max: 100 }) : undefined;
  if (sp && [spId, spTime, spRecent].filter((x) => x !== undefined).length !== 1) {
    v.fail('StartPosition', 'Member must set exactly one of Id, AbsoluteTime and MostRecent');
  }
  if (spTime !== undefined && Number.isNaN(Date.parse(spTime))) v.fail('StartPosition.AbsoluteTime', 'Member must be an ISO 8601 time such as 2019-11-08T02:41:28.172Z');
  v.check();
  requireReadable(p);

  const contacts = chain(core, p.contact);
  const target = contactId === undefined ? p.contact : contacts.find((c) => c.contactId === contactId);
  if (!target) throw accessDenied(`ContactId '${contactId!}' is not in this participant's contact chain.`);
  // Every item of the current session carries ContactId (Item.ContactId: "populated only when the
  // transcript item is from the current chat session"); a past session's items carry RelatedContactId.
  const items =
    contactId === undefined && contacts.length > 1
      ? persistentTranscript(contacts)
      : target === p.contact
        ? target.transcript.map((i) => ({ ...i, ContactId: target.contactId }))
        : target.transcript.map((i) => ({ ...i, RelatedContactId: target.contactId }));
  const size = max === undefined || max === 0 ? 10 : max;

  let start: number;
  let dir: TranscriptCursor['d'];
  if (nextToken !== undefined) {
    const cur = decodeCursor(nextToken);
    if (!cur || cur.c !== target.contactId) throw participantValidation('NextToken is not valid for this transcript. Send the NextToken from the previous page unchanged, with the same ContactId.');
    start = cur.i;
    dir = cur.d;
  } else if (sp) {
    dir = scan ?? 'FORWARD';
    if (spId !== undefined) {
      start = items.findIndex((i) => i.Id === spId);
      if (start < 0) throw participantValidation(`StartPosition.Id '${spId.slice(0, 256)}' names no item in this transcript.`);
    } else if (spTime !== undefined) {
      const t = Date.parse(spTime);
      if (dir === 'FORWARD') {
        start = items.findIndex((i) => Date.parse(i.AbsoluteTime) >= t);
        if (start < 0) start = items.length;
      } else {
        start = -1;
        items.forEach((i, n) => Date.parse(i.AbsoluteTime) <= t && (start = n));
      }
    } else {
      start = Math.max(0, items.length - 1 - spRecent!);
    }
  } else {
    dir = scan ?? 'BACKWARD';
    start = dir === 'BACKWARD' ? items.length - 1 : 0;
  }

  const picked: TranscriptItem[] = [];
  let i = start;
  const step = dir === 'FORWARD' ? 1 : -1;
  while (i >= 0 && i < items.length && picked.length < size) {
    picked.push(items[i]);
    i += step;
  }
  const more = i >= 0 && i < items.length;
  if (dir === 'BACKWARD') picked.reverse(); // now oldest first
  if ((sort ?? 'DESCENDING') === 'DESCENDING') picked.reverse();
  return {
    InitialContactId: target.initialContactId,
    Transcript: picked,
    ...(more ? { NextToken: Buffer.from(JSON.stringify({ c: target.contactId, i, d: dir })).toString('base64url') } : {}),
  };
}

function decodeCursor(token: string): TranscriptCursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TranscriptCursor>;
    if (typeof c.c === 'string' && Number.isInteger(c.i) && (c.d === 'FORWARD' || c.d === 'BACKWARD')) return c as TranscriptCursor;
  } catch {
    // fall through: reported by the caller
  }
  return undefined;
}

export function disconnectParticipant(core: SandboxCore, input: OperationInput): JsonObject {
  const p = byConnectionToken(core, input);
  const v = new Validator(participantValidation);
  const clientToken = v.str(input.body.ClientToken, 'ClientToken', { max: 500 });
  v.check();
  const earlier = replay(p, clientToken);
  if (earlier) return earlier as JsonObject;
  requireActive(p);
  p.disconnected = true;
  const contact = p.contact;
  if (core.agents.hasAgent(contact) && !contact.disconnectAgentOnCustomerExit) {
    // Without DisconnectOnCustomerExit: ["AGENT"] the agent stays until they close the chat; only
    // the customer leaves. (A simulated agent closes it at once; a hand-driven one when told.)
    p.left = true;
    p.connected = false;
    core.store.post(contact, { Type: 'EVENT', ContentType: EVENT.left, ParticipantId: p.participantId, DisplayName: p.displayName, ParticipantRole: p.role });
    core.store.safely(() => core.agents.customerLeft(contact));
  } else {
    // With the flag (or no agent) the customer's exit disconnects everyone and ends the contact.
    core.store.end(contact, 'CUSTOMER_DISCONNECT', true, p);
  }
  const response = {};
  if (clientToken !== undefined) p.replies.set(clientToken, response);
  return response;
}

