/**
 * The conversation panel's view model and message protocol, shared by the extension host
 * (src/extension/conversation) and the webview (src/webview/conversation). Plain data and
 * validators only, no imports: the webview bundle includes this file as is.
 *
 * The ChatManager's record stays the single source of truth: the host sends the whole
 * {@link ConversationState} (built by src/core/chat/conversationView.ts) after every change of
 * the chat; the webview sends one message per user action.
 */
import { SEND_MESSAGE_LIMITS } from '../request/limits';

/** Markdown, parsed into plain data (never HTML): the webview builds DOM nodes from it with text only. */
export type MdInline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'br' }
  | { t: 'em' | 'strong' | 'del'; children: MdInline[] }
  /** Only http(s) and mailto links become links; anything else stays text. */
  | { t: 'link'; href: string; children: MdInline[] };

export type MdBlock =
  | { t: 'p'; children: MdInline[] }
  | { t: 'h'; level: number; children: MdInline[] }
  | { t: 'quote'; children: MdInline[] }
  | { t: 'list'; ordered: boolean; items: MdInline[][] }
  | { t: 'pre'; text: string };

export type MessageBody =
  | { kind: 'text'; text: string }
  | { kind: 'markdown'; blocks: MdBlock[] }
  /** application/json (pretty-printed), or an interactive message the view cannot show as controls. */
  | { kind: 'json'; text: string; note?: string };

export interface OptionView {
  title: string;
  subtitle?: string;
}

export interface InteractiveEntry {
  /** The transcript item the options answer (what chooseOption takes). */
  itemId: string;
  templateType: string;
  title: string;
  subtitle?: string;
  options: OptionView[];
  /** `replyMessage.title`, shown once an option is chosen. */
  replyTitle?: string;
  /** The option the customer answered with (a later customer message with its title). */
  answered?: string;
  /** Carousel: the cards, each a titled group of options. */
  cards?: Array<{ title: string; subtitle?: string; options: OptionView[] }>;
}

export interface ReceiptView {
  /** ISO times, when known. */
  delivered?: string;
  read?: string;
}

export type Side = 'customer' | 'other';

export interface MessageEntry {
  kind: 'message';
  /** The item's Id: stable, the DOM key. */
  key: string;
  side: Side;
  /** CUSTOMER, AGENT, SYSTEM, CUSTOM_BOT, SUPERVISOR or ''. */
  role: string;
  /** Display name (the item's, else one for the role). */
  label: string;
  /** What the role reads as (Bot, Agent, System…), for the icon and screen readers. */
  roleLabel: string;
  time: string;
  /** HH:MM in the viewer's time zone. */
  clock: string;
  body: MessageBody;
  interactive?: InteractiveEntry;
  attachments?: Array<{ name: string; type?: string; status?: string }>;
  /** Customer messages only. */
  receipt?: ReceiptView;
}

export interface EventEntry {
  kind: 'event';
  key: string;
  eventName: string;
  text: string;
  time: string;
  clock: string;
}

export interface DayEntry {
  kind: 'day';
  key: string;
  label: string;
}

export type Entry = MessageEntry | EventEntry | DayEntry;

export interface ConversationState {
  chatId: string;
  title: string;
  state: string;
  stateLabel: string;
  contactId?: string;
  customerName: string;
  /** Whether the composer and options take input; when false `disabledReason` says why. */
  canTalk: boolean;
  disabledReason?: string;
  canEnd: boolean;
  canRelaunch: boolean;
  canContinue: boolean;
  /** A failed launch's error. */
  error?: string;
  entries: Entry[];
}

export type ConversationAction = 'end' | 'relaunch' | 'continue' | 'copyContactId';
export const CONVERSATION_ACTIONS: readonly ConversationAction[] = ['end', 'relaunch', 'continue', 'copyContactId'];

/** Webview → host. */
export type FromConversation =
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'typing' }
  | { type: 'choose'; itemId: string; title: string }
  | { type: 'action'; action: ConversationAction }
  | { type: 'openLink'; href: string };

/** Host → webview. */
export type ToConversation =
  | { type: 'state'; state: ConversationState }
  | { type: 'typing'; label: string; role: string }
  | { type: 'error'; message: string };

/** What the webview keeps through a reload (vscode.setState / the serializer's state). */
export interface ConversationWebviewState {
  chatId: string;
  scrollTop?: number;
  /** Whether the list was scrolled to the end (then it follows new messages). */
  atEnd?: boolean;
  /**
   * The entry at the top of the list and how far (px) its top was below the list's top: the
   * position comes back at that entry even when the entries above it are drawn at another size.
   */
  anchor?: { key: string; offset: number };
}

/** The most a message sent from the panel may hold: SendMessage's Content limit. */
export const MAX_MESSAGE = SEND_MESSAGE_LIMITS.Content.length.max;
const MAX_ID = 512;
const MAX_HREF = 4096;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max: number, min = 0): v is string => typeof v === 'string' && v.length >= min && v.length <= max;

/** Whether a link may be opened: http, https and mailto only. */
export function isSafeHref(href: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what it rejects
  return /^(https?:\/\/|mailto:)[^\s"'<>`\\\u0000-\u001f]+$/i.test(href) && href.length <= MAX_HREF;
}

/** Validates a message from the webview; undefined when it is not one (then the host ignores it). */
export function parseFromConversation(raw: unknown): FromConversation | undefined {
  if (!isObj(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'send':
      return isStr(raw.text, MAX_MESSAGE, 1) && raw.text.trim() !== '' ? { type: 'send', text: raw.text } : undefined;
    case 'typing':
      return { type: 'typing' };
    case 'choose':
      return isStr(raw.itemId, MAX_ID, 1) && isStr(raw.title, MAX_MESSAGE, 1) ? { type: 'choose', itemId: raw.itemId, title: raw.title } : undefined;
    case 'action':
      return CONVERSATION_ACTIONS.includes(raw.action as ConversationAction) ? { type: 'action', action: raw.action as ConversationAction } : undefined;
    case 'openLink':
      return isStr(raw.href, MAX_HREF, 1) && isSafeHref(raw.href) ? { type: 'openLink', href: raw.href } : undefined;
    default:
      return undefined;
  }
}

function isState(v: unknown): v is ConversationState {
  return (
    isObj(v) &&
    typeof v.chatId === 'string' &&
    typeof v.title === 'string' &&
    typeof v.state === 'string' &&
    typeof v.stateLabel === 'string' &&
    typeof v.customerName === 'string' &&
    typeof v.canTalk === 'boolean' &&
    typeof v.canEnd === 'boolean' &&
    typeof v.canRelaunch === 'boolean' &&
    typeof v.canContinue === 'boolean' &&
    Array.isArray(v.entries) &&
    v.entries.every((e) => isObj(e) && typeof e.key === 'string' && (e.kind === 'message' || e.kind === 'event' || e.kind === 'day'))
  );
}

/** Validates a message from the host (the webview checks what it renders). */
export function parseToConversation(raw: unknown): ToConversation | undefined {
  if (!isObj(raw)) return undefined;
  switch (raw.type) {
    case 'state':
      return isState(raw.state) ? { type: 'state', state: raw.state } : undefined;
    case 'typing':
      return typeof raw.label === 'string' && typeof raw.role === 'string' ? { type: 'typing', label: raw.label, role: raw.role } : undefined;
    case 'error':
      return typeof raw.message === 'string' ? { type: 'error', message: raw.message } : undefined;
    default:
      return undefined;
  }
}

/** Validates the webview state VS Code hands back after a reload. */
export function parseWebviewState(raw: unknown): ConversationWebviewState | undefined {
  if (!isObj(raw) || !isStr(raw.chatId, MAX_ID, 1)) return undefined;
  return {
    chatId: raw.chatId,
    ...(typeof raw.scrollTop === 'number' && Number.isFinite(raw.scrollTop) && raw.scrollTop >= 0 ? { scrollTop: raw.scrollTop } : {}),
    ...(typeof raw.atEnd === 'boolean' ? { atEnd: raw.atEnd } : {}),
    ...(isObj(raw.anchor) && isStr(raw.anchor.key, MAX_ID, 1) && typeof raw.anchor.offset === 'number' && Number.isFinite(raw.anchor.offset) ? { anchor: { key: raw.anchor.key, offset: raw.anchor.offset } } : {}),
  };
}
