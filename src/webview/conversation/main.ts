/**
 * The conversation panel (browser code, runs in the webview). It draws the ConversationState the
 * host sends (the ChatManager's record, as the customer sees it) and posts one message per user
 * action. No innerHTML anywhere: every value from the chat is set as text. Controls are
 * @vscode-elements/elements (buttons, the composer, icons from the codicons font), so they take
 * the colour theme, high contrast included, and keyboard behaviour of VS Code's own.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import {
  type ConversationAction,
  type ConversationState,
  type ConversationWebviewState,
  type Entry,
  type FromConversation,
  type InteractiveEntry,
  type MdBlock,
  type MdInline,
  type MessageBody,
  type MessageEntry,
  type OptionView,
  parseToConversation,
  parseWebviewState,
} from '../../core/chat/conversationProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

/** How long "… is typing" shows after a typing event (chat widgets show it for a few seconds [UNVERIFIED]). */
const TYPING_SHOWN_MS = 6000;

let saved: ConversationWebviewState | undefined = parseWebviewState(vscode.getState());
let state: ConversationState | undefined;
let firstRender = true;
let lastCount = 0;

function post(m: FromConversation): void {
  vscode.postMessage(m);
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) el.append(c);
  return el;
}

/**
 * A codicon (decorative unless `label` names it for screen readers). Inside messages it is the
 * codicons font's own class (one span, no shadow root: a 1,000-item transcript draws a few
 * thousand of them); the vscode-elements buttons draw theirs with vscode-icon.
 */
function icon(name: string, label?: string): HTMLElement {
  const i = h('span', { class: `codicon codicon-${name}` });
  if (label) {
    i.setAttribute('role', 'img');
    i.setAttribute('aria-label', label);
  } else {
    i.setAttribute('aria-hidden', 'true');
  }
  return i;
}

type Button = HTMLElementTagNameMap['vscode-button'];

/** A vscode-button: `icon` is a codicon name; `secondary` for everything but the main action. */
function button(text: string, o: { icon?: string; secondary?: boolean; label?: string; attrs?: Record<string, string> } = {}): Button {
  const b = h('vscode-button', { ...(o.attrs ?? {}) }, text);
  if (o.icon) b.setAttribute('icon', o.icon);
  if (o.secondary) b.setAttribute('secondary', '');
  if (o.label) {
    b.setAttribute('aria-label', o.label);
    b.setAttribute('title', o.label);
  }
  return b;
}

/** Enables or disables a vscode-button (and says so to assistive technology). */
function setEnabled(b: Button, enabled: boolean): void {
  b.disabled = !enabled;
  if (enabled) b.removeAttribute('aria-disabled');
  else b.setAttribute('aria-disabled', 'true');
}

// ---------------------------------------------------------------------------------------------
// The page: header, the message list (role log), the typing line, the composer

const app = document.getElementById('app')!;
app.textContent = '';
app.removeAttribute('aria-busy');

const titleEl = h('h1', { class: 'title' });
const stateEl = h('span', { class: 'state', role: 'status' });
const contactEl = h('code', { class: 'contact' });
const copyBtn = button('', { icon: 'copy', secondary: true, label: 'Copy contact ID', attrs: { class: 'copy', 'icon-only': '', 'data-action': 'copyContactId' } });
const endBtn = button('End Chat', { icon: 'debug-stop', secondary: true, attrs: { 'data-action': 'end' } });
const relaunchBtn = button('Relaunch', { icon: 'debug-restart', secondary: true, attrs: { 'data-action': 'relaunch' } });
const continueBtn = button('Continue as Persistent Chat', { icon: 'history', secondary: true, attrs: { 'data-action': 'continue' } });
const header = h(
  'header',
  { class: 'head' },
  h('div', { class: 'who' }, titleEl, h('div', { class: 'meta' }, stateEl, h('span', { class: 'contact-wrap' }, 'Contact ', contactEl, ' ', copyBtn))),
  h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Chat actions' }, endBtn, relaunchBtn, continueBtn),
);
const banner = h('div', { class: 'banner error', role: 'alert', hidden: '' });
const log = h('main', { id: 'log', class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' });
const typingIcon = icon('ellipsis');
const typingText = h('span', { class: 'typing-text' });
const typingEl = h('div', { class: 'typing', 'aria-live': 'polite' });
const input = h('vscode-textarea', {
  id: 'composer',
  rows: '2',
  // No resize grip: vscode-textarea draws it from a data: image, which the CSP (no img-src) refuses.
  resize: 'none',
  label: 'Message as the customer',
  'aria-label': 'Message as the customer',
  placeholder: 'Message as the customer (Enter to send, Shift+Enter for a new line)',
});
const sendBtn = button('Send', { icon: 'send', attrs: { class: 'send' } });
const reasonEl = h('p', { class: 'reason', id: 'reason' });
const composer = h('footer', { class: 'composer' }, reasonEl, h('div', { class: 'row' }, input, sendBtn));
app.append(header, banner, log, typingEl, composer);

const actions: Array<[Button, ConversationAction]> = [
  [endBtn, 'end'],
  [relaunchBtn, 'relaunch'],
  [continueBtn, 'continue'],
  [copyBtn, 'copyContactId'],
];
for (const [btn, action] of actions) btn.addEventListener('click', () => post({ type: 'action', action }));

function send(): void {
  const text = input.value;
  if (!state?.canTalk || text.trim() === '') return;
  post({ type: 'send', text });
  input.value = '';
  input.focus();
}
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
});
sendBtn.addEventListener('click', send);
// Typing events: the host sends at most one per 10 s (as the Connect chat widget does).
input.addEventListener('input', () => {
  if (state?.canTalk && input.value !== '') post({ type: 'typing' });
});

// ---------------------------------------------------------------------------------------------
// Scroll position, kept through reloads (webview state; the serializer hands it back)

const atEnd = (): boolean => log.scrollHeight - log.scrollTop - log.clientHeight < 24;
let scrollQueued = false;
log.addEventListener('scroll', () => {
  if (scrollQueued) return;
  scrollQueued = true;
  requestAnimationFrame(() => {
    scrollQueued = false;
    remember();
  });
});

/** The entry at the top of the visible part of the list, and its offset from the list's top. */
function topEntry(): { key: string; offset: number } | undefined {
  const box = log.getBoundingClientRect();
  const el = document.elementFromPoint(box.left + box.width / 2, box.top + 1)?.closest<HTMLElement>('[data-key]') ?? document.elementFromPoint(box.left + 24, box.top + 12)?.closest<HTMLElement>('[data-key]');
  const key = el?.dataset.key;
  return el && key ? { key, offset: Math.round(el.getBoundingClientRect().top - box.top) } : undefined;
}

function remember(): void {
  if (!state) return;
  const anchor = topEntry();
  saved = { chatId: state.chatId, scrollTop: Math.round(log.scrollTop), atEnd: atEnd(), ...(anchor ? { anchor } : {}) };
  vscode.setState(saved);
  // Which scroll position is saved (tests wait on it; it is not data from the chat).
  document.body.dataset.savedScrollTop = String(saved.scrollTop);
}

// ---------------------------------------------------------------------------------------------
// Content

function inline(nodes: MdInline[]): Node[] {
  return nodes.map((n): Node => {
    switch (n.t) {
      case 'text':
        return document.createTextNode(n.text);
      case 'code':
        return h('code', {}, n.text);
      case 'br':
        return h('br');
      case 'link': {
        // A button, not an anchor: the host asks before opening anything (and checks the scheme again).
        const b = h('button', { type: 'button', class: 'link', title: n.href }, ...inline(n.children));
        b.addEventListener('click', () => post({ type: 'openLink', href: n.href }));
        return b;
      }
      default:
        return h(n.t, {}, ...inline(n.children));
    }
  });
}

function blocks(bs: MdBlock[]): Node[] {
  return bs.map((b): Node => {
    switch (b.t) {
      case 'p':
        return h('p', {}, ...inline(b.children));
      case 'h':
        return h('p', { class: `md-h md-h${Math.min(b.level, 6)}`, role: 'heading', 'aria-level': String(b.level) }, ...inline(b.children));
      case 'quote':
        return h('blockquote', {}, ...inline(b.children));
      case 'pre':
        return h('pre', {}, h('code', {}, b.text));
      case 'list':
        return h(b.ordered ? 'ol' : 'ul', {}, ...b.items.map((i) => h('li', {}, ...inline(i))));
    }
  });
}

function body(b: MessageBody): Node[] {
  switch (b.kind) {
    case 'text':
      return b.text ? [h('p', { class: 'text' }, b.text)] : [];
    case 'markdown':
      return [h('div', { class: 'md' }, ...blocks(b.blocks))];
    case 'json': {
      const out: Node[] = [];
      if (b.note) out.push(h('p', { class: 'note' }, icon('info'), ' ', b.note));
      out.push(h('details', { class: 'json', open: '' }, h('summary', {}, icon('json'), ' JSON'), h('pre', {}, h('code', {}, b.text))));
      return out;
    }
  }
}

/** TimePicker slots are ISO dates: shown in words, sent as the date the template gave. */
function optionLabel(i: InteractiveEntry, o: OptionView): string {
  if (i.templateType !== 'TimePicker') return o.title;
  const ms = Date.parse(o.title);
  if (Number.isNaN(ms)) return o.title;
  return new Date(ms).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

function optionButton(i: InteractiveEntry, o: OptionView, enabled: boolean): Button {
  const chosen = i.answered === o.title;
  const label = optionLabel(i, o);
  // An interactive option is a vscode-button (Tab reaches it; Enter and Space choose it).
  const b = button('', { secondary: !chosen, ...(chosen ? { icon: 'check' } : i.templateType === 'TimePicker' ? { icon: 'calendar' } : {}), attrs: { class: `option${chosen ? ' chosen' : ''}`, 'data-title': o.title } });
  b.setAttribute('aria-label', o.subtitle ? `${label}, ${o.subtitle}` : label);
  const words = h('span', { class: 'opt' }, h('span', { class: 'opt-title' }, label));
  if (o.subtitle) words.append(h('span', { class: 'opt-sub' }, o.subtitle));
  b.append(words);
  if (chosen) b.setAttribute('aria-pressed', 'true');
  setEnabled(b, enabled);
  if (enabled) b.addEventListener('click', () => post({ type: 'choose', itemId: i.itemId, title: o.title }));
  return b;
}

function interactive(i: InteractiveEntry, canTalk: boolean): Node {
  const enabled = canTalk && i.answered === undefined;
  const box = h('div', { class: `interactive t-${i.templateType}`, role: 'group', 'aria-label': i.title });
  box.append(h('p', { class: 'i-title' }, i.title));
  if (i.subtitle) box.append(h('p', { class: 'i-sub' }, i.subtitle));
  if (i.cards) {
    const row = h('div', { class: 'cards' });
    for (const c of i.cards) {
      const card = h('div', { class: 'card', role: 'group', 'aria-label': c.title }, h('p', { class: 'i-title' }, c.title));
      if (c.subtitle) card.append(h('p', { class: 'i-sub' }, c.subtitle));
      card.append(h('div', { class: 'options' }, ...c.options.map((o) => optionButton(i, o, enabled))));
      row.append(card);
    }
    box.append(row);
  } else {
    box.append(h('div', { class: 'options' }, ...i.options.map((o) => optionButton(i, o, enabled))));
  }
  if (i.answered !== undefined && i.replyTitle) box.append(h('p', { class: 'i-reply' }, i.replyTitle));
  return box;
}

/** Codicons per role. The SYSTEM role with display name BOT is a Lex bot (chat-extras §4.1). */
const ROLE_ICONS: Record<string, string> = { CUSTOMER: 'account', AGENT: 'person', SYSTEM: 'gear', CUSTOM_BOT: 'hubot', SUPERVISOR: 'eye' };
const roleIcon = (m: MessageEntry): string => (m.role === 'SYSTEM' && m.label.toUpperCase() === 'BOT' ? 'hubot' : (ROLE_ICONS[m.role] ?? 'circle-outline'));

function message(m: MessageEntry, canTalk: boolean): HTMLElement {
  const el = h('div', { class: `msg ${m.side} role-${m.role || 'unknown'}`, 'data-key': m.key });
  const avatar = h('span', { class: 'avatar', title: m.roleLabel }, icon(roleIcon(m), m.roleLabel));
  el.append(avatar);
  const bubble = h('div', { class: 'bubble' });
  const who = h('div', { class: 'who-line' }, h('span', { class: 'name' }, m.label));
  if (m.side === 'other' && m.label !== m.roleLabel) who.append(h('span', { class: 'role' }, m.roleLabel));
  who.append(h('time', { datetime: m.time, title: m.time }, m.clock));
  bubble.append(who, ...body(m.body));
  if (m.attachments) {
    bubble.append(
      h(
        'ul',
        { class: 'attachments', 'aria-label': 'Attachments' },
        ...m.attachments.map((a) => h('li', {}, icon('file'), ' ', h('span', { class: 'att-name' }, a.name), a.type || a.status ? h('span', { class: 'att-type' }, ` ${[a.type, a.status].filter(Boolean).join(' · ')}`) : '')),
      ),
    );
  }
  if (m.interactive) bubble.append(interactive(m.interactive, canTalk));
  if (m.receipt) {
    const r = m.receipt;
    const text = r.read ? 'Read' : r.delivered ? 'Delivered' : 'Sent';
    bubble.append(h('div', { class: `receipt ${text.toLowerCase()}`, title: r.read ?? r.delivered ?? '' }, icon(r.read ? 'check-all' : r.delivered ? 'check' : 'clock'), ' ', text));
  }
  el.append(bubble);
  return el;
}

function entry(e: Entry, canTalk: boolean): HTMLElement {
  switch (e.kind) {
    case 'day':
      return h('div', { class: 'day', role: 'separator', 'aria-label': e.label }, h('span', {}, e.label));
    case 'event':
      return h('div', { class: `event ev-${e.eventName}`, 'data-key': e.key }, h('span', {}, e.text), ' ', h('time', { datetime: e.time, title: e.time }, e.clock));
    case 'message':
      return message(e, canTalk);
  }
}

// ---------------------------------------------------------------------------------------------
// Drawing: entries are keyed; an entry that did not change keeps its DOM node (and focus)

const drawn = new Map<string, { sig: string; el: HTMLElement }>();

function render(s: ConversationState): void {
  const follow = firstRender ? !(saved?.chatId === s.chatId && saved.atEnd === false && saved.scrollTop !== undefined) : atEnd();
  state = s;
  titleEl.textContent = s.title;
  stateEl.textContent = s.stateLabel;
  stateEl.className = `state st-${s.state}`;
  contactEl.textContent = s.contactId ?? '—';
  setEnabled(copyBtn, s.contactId !== undefined);
  setEnabled(endBtn, s.canEnd);
  setEnabled(relaunchBtn, s.canRelaunch);
  setEnabled(continueBtn, s.canContinue);
  banner.hidden = !s.error;
  banner.textContent = s.error ?? '';
  input.disabled = !s.canTalk;
  if (s.canTalk) input.removeAttribute('aria-disabled');
  else input.setAttribute('aria-disabled', 'true');
  setEnabled(sendBtn, s.canTalk);
  reasonEl.textContent = s.disabledReason ?? '';
  reasonEl.hidden = !s.disabledReason;
  if (s.disabledReason) input.setAttribute('aria-describedby', 'reason');
  else input.removeAttribute('aria-describedby');
  // A new item from the other side ends their typing.
  if (!s.canTalk || s.entries.length !== (state === s ? -1 : lastCount)) hideTyping();
  lastCount = s.entries.length;

  const keep = new Set<string>();
  let prev: HTMLElement | undefined;
  for (const e of s.entries) {
    const sig = `${s.canTalk ? 1 : 0}${JSON.stringify(e)}`;
    keep.add(e.key);
    let d = drawn.get(e.key);
    if (!d || d.sig !== sig) {
      const el = entry(e, s.canTalk);
      if (d) d.el.replaceWith(el);
      d = { sig, el };
      drawn.set(e.key, d);
    }
    const want: ChildNode | null = prev ? prev.nextSibling : log.firstChild;
    if (want !== d.el) log.insertBefore(d.el, want);
    prev = d.el;
  }
  for (const [key, d] of drawn) {
    if (!keep.has(key)) {
      d.el.remove();
      drawn.delete(key);
    }
  }
  if (s.entries.length === 0 && !log.querySelector('.empty')) log.append(h('p', { class: 'empty' }, 'No messages yet.'));
  else if (s.entries.length > 0) log.querySelector('.empty')?.remove();

  if (follow) log.scrollTop = log.scrollHeight;
  else if (firstRender && saved?.scrollTop !== undefined) restoreScroll(saved);
  firstRender = false;
  remember();
  document.body.dataset.entries = String(s.entries.length);
}

/**
 * Back at the saved position: at the saved top entry when it is still there (entries out of view
 * are drawn lazily, so the pixel offset alone could land elsewhere), else at the saved offset.
 */
function restoreScroll(at: ConversationWebviewState): void {
  const el = at.anchor ? drawn.get(at.anchor.key)?.el : undefined;
  if (!el) {
    log.scrollTop = at.scrollTop ?? 0;
    return;
  }
  log.scrollTop = at.scrollTop ?? 0;
  const shift = el.getBoundingClientRect().top - log.getBoundingClientRect().top - at.anchor!.offset;
  if (Math.abs(shift) >= 1) log.scrollTop += shift;
}

let typingTimer: ReturnType<typeof setTimeout> | undefined;
function hideTyping(): void {
  clearTimeout(typingTimer);
  typingEl.textContent = '';
}
function showTyping(label: string): void {
  typingText.textContent = `${label} is typing…`;
  typingEl.replaceChildren(typingIcon, ' ', typingText);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, TYPING_SHOWN_MS);
}

window.addEventListener('message', (event: MessageEvent) => {
  const m = parseToConversation(event.data);
  if (!m) return;
  switch (m.type) {
    case 'state':
      banner.hidden = true;
      render(m.state);
      return;
    case 'typing':
      showTyping(m.label);
      return;
    case 'error':
      banner.hidden = false;
      banner.textContent = m.message;
      return;
  }
});

post({ type: 'ready' });
