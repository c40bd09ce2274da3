/**
 * The conversation panel's pure view model: a chat record → what the customer sees (bubbles by
 * role, day separators, quiet events, receipts on the customer's messages, attachments,
 * interactive templates as controls, Markdown parsed to plain data). No vscode, no DOM.
 *
 * Markdown: a small renderer of our own (no raw HTML at all; emphasis, code, links, lists,
 * headings, quotes). It produces data, never an HTML string, so the webview can only create
 * text nodes and the few elements it knows; {@link markdownToHtml} (escaping everything) exists
 * for tests and tools.
 */
import { isLiveState } from './history';
import { chatStateLabel, isReceiptItem, isTypingItem, parseInteractive, presentItem } from './present';
import type { ChatItem, ChatRecord } from './types';
import { refusalReason } from '../trust';
import { INTERACTIVE, INTERACTIVE_RESPONSE } from '../request/limits';
import {
  type ConversationState,
  type Entry,
  type InteractiveEntry,
  isSafeHref,
  type MdBlock,
  type MdInline,
  type MessageBody,
  type MessageEntry,
  type OptionView,
  type ReceiptView,
} from './conversationProtocol';

// ---------------------------------------------------------------------------------------------
// Markdown

const INLINE_DEPTH = 8;

function pushText(out: MdInline[], text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last?.t === 'text') last.text += text;
  else out.push({ t: 'text', text });
}

/** Finds the closing delimiter `d` from `from` (not escaped, with a non-space before it). */
function findClose(s: string, d: string, from: number): number {
  for (let i = from; i <= s.length - d.length; i++) {
    if (s[i] === '\\') {
      i++;
      continue;
    }
    if (s.startsWith(d, i) && i > from && !/\s/.test(s[i - 1] ?? '')) return i;
  }
  return -1;
}

/** Inline Markdown → data. Everything that is not a construct it knows stays text (HTML included). */
export function parseInline(s: string, depth = 0): MdInline[] {
  const out: MdInline[] = [];
  if (depth > INLINE_DEPTH) {
    pushText(out, s);
    return out;
  }
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && /[\\`*_{}[\]()#+\-.!>~|<]/.test(s[i + 1])) {
      pushText(out, s[i + 1]);
      i += 2;
      continue;
    }
    if (c === '\n') {
      out.push({ t: 'br' });
      i++;
      continue;
    }
    if (c === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i + 1) {
        out.push({ t: 'code', text: s.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (c === '[' || (c === '!' && s[i + 1] === '[')) {
      const image = c === '!';
      const m = /^!?\[([^\]\n]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s<>]*\))*)>?(?:\s+"[^"]*")?\s*\)/.exec(s.slice(i));
      if (m) {
        const text = m[1] ?? '';
        const href = m[2] ?? '';
        if (image) {
          // Images are not loaded (the CSP allows none from outside): shown as their description, linked.
          const label = text || href;
          if (isSafeHref(href)) out.push({ t: 'link', href, children: [{ t: 'text', text: `🖼 ${label}` }] });
          else pushText(out, label);
        } else if (isSafeHref(href)) {
          out.push({ t: 'link', href, children: text ? parseInline(text, depth + 1) : [{ t: 'text', text: href }] });
        } else {
          // An unsafe or relative target (javascript:, data:, file:…): the words only.
          out.push(...parseInline(text, depth + 1));
        }
        i += m[0].length;
        continue;
      }
    }
    if (c === 'h' || c === 'm') {
      const m = /^(?:https?:\/\/|mailto:)[^\s<>()]+[^\s<>().,;:!?'"]/.exec(s.slice(i));
      if (m && (i === 0 || /[\s(]/.test(s[i - 1])) && isSafeHref(m[0])) {
        out.push({ t: 'link', href: m[0], children: [{ t: 'text', text: m[0] }] });
        i += m[0].length;
        continue;
      }
    }
    const delims: Array<[string, 'strong' | 'em' | 'del']> = [
      ['**', 'strong'],
      ['__', 'strong'],
      ['~~', 'del'],
      ['*', 'em'],
      ['_', 'em'],
    ];
    let matched = false;
    for (const [d, t] of delims) {
      if (!s.startsWith(d, i)) continue;
      const start = i + d.length;
      if (start >= s.length || /\s/.test(s[start])) continue;
      // Intraword underscores (snake_case) are not emphasis.
      if (d[0] === '_' && i > 0 && /[A-Za-z0-9]/.test(s[i - 1])) continue;
      const end = findClose(s, d, start);
      if (end < 0) continue;
      if (d[0] === '_' && /[A-Za-z0-9]/.test(s[end + d.length] ?? '')) continue;
      out.push({ t, children: parseInline(s.slice(start, end), depth + 1) });
      i = end + d.length;
      matched = true;
      break;
    }
    if (matched) continue;
    pushText(out, c);
    i++;
  }
  return out;
}

/** Markdown → blocks: paragraphs, ATX headings, fenced and indented code, quotes, lists. */
export function parseMarkdown(md: string): MdBlock[] {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MdBlock[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) blocks.push({ t: 'p', children: parseInline(para.join('\n').trim()) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s{0,3}(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(fence[1])) body.push(lines[i++]);
      blocks.push({ t: 'pre', text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const h = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      blocks.push({ t: 'h', level: h[1].length, children: parseInline(h[2] ?? '') });
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      flush();
      const body: string[] = [];
      while (i < lines.length && /^\s{0,3}>/.test(lines[i])) body.push(lines[i++].replace(/^\s{0,3}>\s?/, ''));
      i--;
      blocks.push({ t: 'quote', children: parseInline(body.join('\n')) });
      continue;
    }
    const li = /^\s{0,3}([*+-]|\d{1,9}[.)])\s+/.exec(line);
    if (li) {
      flush();
      const ordered = /\d/.test(li[1]);
      const items: MdInline[][] = [];
      while (i < lines.length) {
        const m = /^\s{0,3}([*+-]|\d{1,9}[.)])\s+(.*)$/.exec(lines[i]);
        if (!m || /\d/.test(m[1]) !== ordered) break;
        items.push(parseInline(m[2] ?? ''));
        i++;
      }
      i--;
      blocks.push({ t: 'list', ordered, items });
      continue;
    }
    if (para.length === 0 && /^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || lines[i].trim() === '')) body.push(lines[i++].replace(/^( {4}|\t)/, ''));
      i--;
      blocks.push({ t: 'pre', text: body.join('\n').replace(/\n+$/, '') });
      continue;
    }
    para.push(line);
  }
  flush();
  return blocks;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function inlineHtml(nodes: MdInline[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return esc(n.text);
        case 'code':
          return `<code>${esc(n.text)}</code>`;
        case 'br':
          return '<br>';
        case 'link':
          return `<a href="${esc(n.href)}">${inlineHtml(n.children)}</a>`;
        default:
          return `<${n.t}>${inlineHtml(n.children)}</${n.t}>`;
      }
    })
    .join('');
}

/** The blocks as HTML, every text escaped (for tests and tools; the webview builds DOM nodes instead). */
export function markdownToHtml(blocks: MdBlock[]): string {
  return blocks
    .map((b) => {
      switch (b.t) {
        case 'p':
          return `<p>${inlineHtml(b.children)}</p>`;
        case 'h':
          return `<h${b.level}>${inlineHtml(b.children)}</h${b.level}>`;
        case 'quote':
          return `<blockquote>${inlineHtml(b.children)}</blockquote>`;
        case 'pre':
          return `<pre><code>${esc(b.text)}</code></pre>`;
        case 'list': {
          const tag = b.ordered ? 'ol' : 'ul';
          return `<${tag}>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</${tag}>`;
        }
      }
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Conversation

const ROLE_LABELS: Record<string, string> = { CUSTOMER: 'Customer', AGENT: 'Agent', SYSTEM: 'System', CUSTOM_BOT: 'Bot', SUPERVISOR: 'Supervisor' };
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface ConversationOptions {
  /** Whether the workspace is trusted (talking calls the service). */
  trusted: boolean;
  /** Minutes to add to UTC for the viewer's clock (-Date#getTimezoneOffset()); 0 = UTC. */
  utcOffsetMinutes?: number;
}

export const UNTRUSTED_REASON = refusalReason('talkInChat');

function local(iso: string, offset: number): Date | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms + offset * 60_000);
}

const pad = (n: number): string => String(n).padStart(2, '0');

function clockOf(iso: string, offset: number): string {
  const d = local(iso, offset);
  return d ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : '';
}

function dayOf(iso: string, offset: number): { key: string; label: string } | undefined {
  const d = local(iso, offset);
  if (!d) return undefined;
  return { key: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, label: `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}` };
}

function prettyJson(content: string): string {
  try {
    return JSON.stringify(JSON.parse(content), null, 2);
  } catch {
    return content;
  }
}

function cardsOf(content: string | undefined): InteractiveEntry['cards'] {
  try {
    const t = JSON.parse(content ?? '') as { data?: { content?: { elements?: unknown[] } } };
    const elements = t.data?.content?.elements;
    if (!Array.isArray(elements)) return undefined;
    const cards = elements.flatMap((e) => {
      const v = parseInteractive(JSON.stringify(e));
      return v ? [{ title: v.title, ...(v.subtitle ? { subtitle: v.subtitle } : {}), options: v.options }] : [];
    });
    return cards.length ? cards : undefined;
  } catch {
    return undefined;
  }
}

function viewIdOf(content: string | undefined): string | undefined {
  try {
    const id = (JSON.parse(content ?? '') as { data?: { content?: { viewId?: unknown } } }).data?.content?.viewId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

const KNOWN_TEMPLATES = new Set(['ListPicker', 'Panel', 'QuickReply', 'TimePicker', 'Carousel']);

function bodyOf(item: ChatItem, text: string): MessageBody {
  const content = item.Content ?? '';
  if (item.ContentType === 'text/markdown') return { kind: 'markdown', blocks: parseMarkdown(content) };
  if (item.ContentType === 'application/json') return { kind: 'json', text: prettyJson(content) };
  if (item.ContentType === INTERACTIVE_RESPONSE) return { kind: 'text', text };
  return { kind: 'text', text: content };
}

/** Receipts of one message: from receipt items about it and from its own MessageMetadata.Receipts. */
function addReceipt(map: Map<string, ReceiptView>, messageId: string, patch: ReceiptView): void {
  const r = map.get(messageId) ?? {};
  if (patch.delivered && (!r.delivered || patch.delivered < r.delivered)) r.delivered = patch.delivered;
  if (patch.read && (!r.read || patch.read < r.read)) r.read = patch.read;
  map.set(messageId, r);
}

function collectReceipts(items: ChatItem[]): Map<string, ReceiptView> {
  const map = new Map<string, ReceiptView>();
  for (const item of items) {
    const meta = item.MessageMetadata;
    if (!meta) continue;
    const isReceipt = isReceiptItem(item);
    const about = meta.MessageId || (isReceipt ? undefined : item.Id);
    if (!about) continue;
    for (const r of meta.Receipts ?? []) addReceipt(map, about, { ...(r.DeliveredTimestamp ? { delivered: r.DeliveredTimestamp } : {}), ...(r.ReadTimestamp ? { read: r.ReadTimestamp } : {}) });
    if (isReceipt && !(meta.Receipts ?? []).length) {
      // A receipt item without Receipts: its own time is when it was delivered/read [UNVERIFIED].
      const read = item.Type === 'MESSAGE_READ' || item.ContentType.endsWith('.read');
      addReceipt(map, about, read ? { read: item.AbsoluteTime } : { delivered: item.AbsoluteTime });
    }
  }
  return map;
}

function interactiveOf(item: ChatItem): { entry: InteractiveEntry; body?: MessageBody } {
  const view = parseInteractive(item.Content);
  if (view?.templateType === 'ViewResource') {
    // What a Show view block sends to chat (the sandbox: data.content.viewId/viewToken) and how
    // the chat widget draws it are not documented (chat-extras §4.1 [UNVERIFIED]): shown as sent.
    const viewId = viewIdOf(item.Content);
    return {
      entry: { itemId: item.Id, templateType: 'ViewResource', title: viewId ? `View ${viewId}` : 'View', options: [] },
      body: {
        kind: 'json',
        text: prettyJson(item.Content ?? ''),
        note: `A view from a Show view block${viewId ? ` (${viewId})` : ''}. How Connect's chat widget draws a view is not documented, so Chatreq shows the JSON it sent.`,
      },
    };
  }
  if (!view || !KNOWN_TEMPLATES.has(view.templateType)) {
    const name = view?.templateType;
    const entry: InteractiveEntry = { itemId: item.Id, templateType: name ?? 'unknown', title: view?.title ?? 'Interactive message', options: view?.options ?? [] };
    return {
      entry,
      body: { kind: 'json', text: prettyJson(item.Content ?? ''), note: name ? `Chatreq does not know the "${name}" template: shown as its JSON.` : 'Not an interactive template Chatreq can read: shown as sent.' },
    };
  }
  const entry: InteractiveEntry = {
    itemId: item.Id,
    templateType: view.templateType,
    title: view.title,
    ...(view.subtitle ? { subtitle: view.subtitle } : {}),
    options: view.options,
    ...(view.replyTitle ? { replyTitle: view.replyTitle } : {}),
  };
  if (view.templateType === 'Carousel') {
    const cards = cardsOf(item.Content);
    if (cards) entry.cards = cards;
  }
  return { entry };
}

function optionsOf(e: InteractiveEntry): OptionView[] {
  return e.cards ? e.cards.flatMap((c) => c.options) : e.options;
}

/** The whole panel state for a record. Typing events are never in it (the host sends them apart). */
export function buildConversation(record: ChatRecord, options: ConversationOptions): ConversationState {
  const offset = options.utcOffsetMinutes ?? 0;
  const items = record.transcript;
  const receipts = collectReceipts(items);
  const entries: Entry[] = [];
  let lastDay: string | undefined;
  const openInteractive: InteractiveEntry[] = [];
  for (const item of items) {
    if (isTypingItem(item) || isReceiptItem(item)) continue;
    const v = presentItem(item);
    const day = dayOf(item.AbsoluteTime, offset);
    if (day && day.key !== lastDay) {
      lastDay = day.key;
      entries.push({ kind: 'day', key: `day:${day.key}`, label: day.label });
    }
    const clock = clockOf(item.AbsoluteTime, offset);
    if (v.kind === 'event') {
      entries.push({ kind: 'event', key: item.Id, eventName: v.eventName ?? 'event', text: v.text, time: item.AbsoluteTime, clock });
      continue;
    }
    const role = item.ParticipantRole ?? '';
    const side = role === 'CUSTOMER' ? 'customer' : 'other';
    const m: MessageEntry = {
      kind: 'message',
      key: item.Id,
      side,
      role,
      label: item.DisplayName ?? ROLE_LABELS[role] ?? (role || 'Unknown'),
      roleLabel: ROLE_LABELS[role] ?? (role || 'Unknown'),
      time: item.AbsoluteTime,
      clock,
      body: { kind: 'text', text: v.text },
    };
    if (v.kind === 'attachment') {
      m.attachments = (item.Attachments ?? []).map((a) => ({ name: a.AttachmentName ?? a.AttachmentId ?? 'attachment', ...(a.ContentType ? { type: a.ContentType } : {}), ...(a.Status ? { status: a.Status } : {}) }));
      m.body = item.Content ? bodyOf(item, item.Content) : { kind: 'text', text: '' };
    } else if (item.ContentType === INTERACTIVE) {
      const { entry, body } = interactiveOf(item);
      m.interactive = entry;
      m.body = body ?? { kind: 'text', text: '' };
      if (!body) openInteractive.push(entry);
    } else {
      m.body = bodyOf(item, v.text);
      if (side === 'customer') {
        // The customer's answer to the latest open interactive message (sent as the option's title, chat-extras §4.3).
        const said = v.text.trim().toLowerCase();
        for (let k = openInteractive.length - 1; k >= 0; k--) {
          const e = openInteractive[k];
          const hit = optionsOf(e).find((o) => o.title.toLowerCase() === said);
          if (hit) {
            e.answered = hit.title;
            openInteractive.splice(k, 1);
            break;
          }
        }
      }
    }
    if (side === 'customer') m.receipt = receipts.get(item.Id) ?? {};
    entries.push(m);
  }
  const live = isLiveState(record.state);
  const reason = !live ? (record.state === 'failed' ? 'The launch failed: this chat never started.' : 'The chat has ended: it takes no more messages.') : !options.trusted ? UNTRUSTED_REASON : undefined;
  const title = `${record.origin.requestName ?? record.origin.contactFlowName ?? record.origin.contactFlowId} · ${record.displayName}`;
  return {
    chatId: record.id,
    title,
    state: record.state,
    stateLabel: chatStateLabel(record.state),
    ...(record.contactId ? { contactId: record.contactId } : {}),
    customerName: record.displayName,
    canTalk: reason === undefined,
    ...(reason ? { disabledReason: reason } : {}),
    canEnd: live,
    canRelaunch: options.trusted,
    canContinue: options.trusted && record.contactId !== undefined,
    ...(record.error ? { error: `${record.error.message}${record.error.fix ? ` ${record.error.fix}` : ''}` } : {}),
    entries,
  };
}
