/**
 * The request form (browser code, runs in the webview). It renders the FormState the host sends
 * and posts one change per user action; the document in the host stays the source of truth. A
 * field being typed in is never overwritten by the echo of its own edit.
 */
import {
  addedAttributeRow,
  type AttributeRow,
  CHAT_DURATION,
  type FieldValue,
  type FormChange,
  type FormDiagnostic,
  type FormState,
  FORM_LABELS,
  type FormTarget,
  type FromWebview,
  type LabelledTarget,
  MESSAGING_CONTENT_TYPES,
  parseToWebview,
  type ScalarField,
  SELECT_OPTIONS,
  type SuggestionKind,
  takesIncomingValue,
  type TargetNames,
} from '../../core/request/formProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

const TYPING_DELAY_MS = 250;

let state: FormState | undefined;

function post(m: FromWebview): void {
  vscode.postMessage(m);
}

function change(c: FormChange): void {
  post({ type: 'change', change: c, version: state?.version ?? 0 });
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers (no innerHTML: every value is set as text)

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) el.append(c);
  return el;
}

const idFor = (target: string) => `f-${target.replace(/[^A-Za-z0-9]/g, '-')}`;

// Labels follow one scheme (FORM_LABELS): plain words, then the member name in monospace.
const labelText = (target: LabelledTarget) => FORM_LABELS[target].label;
const memberName = (target: LabelledTarget, id?: string) => h('code', { class: 'member', ...(id ? { id } : {}) }, FORM_LABELS[target].member);

// ---------------------------------------------------------------------------------------------
// Diagnostics: one list per target, filled on every state

const diagLists = new Map<string, HTMLUListElement>();

function diagList(target: FormTarget): HTMLUListElement {
  let ul = diagLists.get(target);
  if (!ul) {
    ul = h('ul', { class: 'diags', id: `${idFor(target)}-diags`, 'aria-live': 'polite' });
    diagLists.set(target, ul);
  }
  return ul;
}

function diagItem(d: { severity: FormDiagnostic['severity']; message: string; code?: string; line?: number; column?: number }, where = false): HTMLLIElement {
  const li = h('li', { class: `diag ${d.severity}` });
  li.append(h('span', { class: 'sev' }, d.severity === 'error' ? 'Error' : d.severity === 'warning' ? 'Warning' : 'Info'), ' ', d.message);
  if (d.code) li.append(' ', h('code', { class: 'code', title: d.line ? `line ${d.line}, column ${d.column ?? 1}` : '' }, d.code));
  if (where && d.line) li.append(' ', h('span', { class: 'where' }, `(line ${d.line}, column ${d.column ?? 1})`));
  return li;
}

function renderDiagnostics(s: FormState): void {
  const by = new Map<string, FormDiagnostic[]>();
  for (const d of s.diagnostics) by.set(d.target, [...(by.get(d.target) ?? []), d]);
  for (const [target, ul] of diagLists) {
    ul.replaceChildren(...(by.get(target) ?? []).map((d) => diagItem(d)));
    by.delete(target);
  }
  // Targets without a list of their own (rows that no longer exist, members the form does not show) go to the top.
  // Their position is spelled out, since no field points at it.
  const general = diagList('general');
  general.replaceChildren(...(s.diagnostics.filter((d) => d.target === 'general').map((d) => diagItem(d, true))));
  for (const list of by.values()) general.append(...list.map((d) => diagItem(d, true)));
  for (const [target, ul] of diagLists) {
    const control = document.getElementById(idFor(target));
    if (control) control.setAttribute('aria-invalid', ul.querySelector('.diag.error') ? 'true' : 'false');
  }
}

// ---------------------------------------------------------------------------------------------
// Scalar fields

interface FieldControl {
  el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  note: HTMLElement;
  timer?: ReturnType<typeof setTimeout>;
  /** What this control last sent: its echo must not move the caret. */
  lastSent?: string;
}

const fields = new Map<ScalarField, FieldControl>();

function flush(field: ScalarField, f: FieldControl): void {
  if (f.timer === undefined) return;
  clearTimeout(f.timer);
  f.timer = undefined;
  f.lastSent = f.el.value;
  change({ kind: 'setField', field, value: f.el.value });
}

/** Where the instance alias and the flow name are shown, under their ID fields. */
const targetNames = new Map<keyof TargetNames, HTMLElement>();

function fieldRow(field: ScalarField, help: string, o: { multiline?: boolean; numeric?: boolean; list?: string; pick?: 'instance' | 'flow'; placeholder?: string } = {}): HTMLElement {
  const id = idFor(field);
  const options = SELECT_OPTIONS[field];
  let el: FieldControl['el'];
  if (options) {
    el = h('select', { id });
    el.append(h('option', { value: '' }, '(not set)'), ...options.map((v) => h('option', { value: v }, v)));
  } else if (o.multiline) {
    el = h('textarea', { id, rows: '4', spellcheck: 'true' });
  } else {
    // Numbers use a text input too: a number input reports "" for text it cannot parse, which
    // would read as "clear the member"; the host checks the number and says what is wrong.
    el = h('input', { id, type: 'text', spellcheck: 'false', autocomplete: 'off' });
    if (o.list) el.setAttribute('list', o.list);
    if (o.numeric) el.setAttribute('inputmode', 'numeric');
  }
  if (o.placeholder) el.setAttribute('placeholder', o.placeholder);
  const helpEl = h('div', { class: 'help', id: `${id}-help` }, help);
  const note = h('div', { class: 'note', id: `${id}-note`, hidden: '' });
  el.setAttribute('aria-describedby', `${id}-member ${o.pick ? `${id}-name ` : ''}${id}-help ${id}-note ${id}-diags`);
  const f: FieldControl = { el, note };
  fields.set(field, f);
  if (el instanceof HTMLSelectElement) {
    el.addEventListener('change', () => {
      f.lastSent = el.value;
      change({ kind: 'setField', field, value: el.value });
    });
  } else {
    el.addEventListener('input', () => {
      clearTimeout(f.timer);
      f.timer = setTimeout(() => flush(field, f), TYPING_DELAY_MS);
    });
    el.addEventListener('blur', () => flush(field, f));
    el.addEventListener('keydown', (e) => {
      if (e instanceof KeyboardEvent && e.key === 'Enter' && !(el instanceof HTMLTextAreaElement)) flush(field, f);
    });
  }
  if (o.list) {
    const kind: SuggestionKind = o.list === 'instances-list' ? 'instances' : 'flows';
    el.addEventListener('focus', () => post({ type: 'suggest', kind }));
  }
  const control = h('div', { class: 'control' }, el);
  const below: HTMLElement[] = [];
  if (o.pick) {
    const target = o.pick;
    const button = h('button', { type: 'button', class: 'secondary pick', id: `${id}-pick`, 'aria-label': `Pick ${target === 'instance' ? 'an instance' : 'a flow'} from the account` }, 'Pick…');
    button.addEventListener('click', () => post({ type: 'pick', target }));
    control.append(button);
    const name = h('div', { class: 'target-name', id: `${id}-name`, hidden: '' });
    targetNames.set(target, name);
    below.push(name);
  }
  const labelLine = h('div', { class: 'label-line' }, h('label', { for: id, class: 'label-text' }, labelText(field)), memberName(field, `${id}-member`));
  return h('div', { class: 'field', 'data-field': field, 'data-member': field }, labelLine, control, ...below, helpEl, note, diagList(field));
}

function renderTargetNames(names: TargetNames): void {
  const say = { instance: (n: string) => `Instance alias: ${n}`, flow: (n: string) => `Flow name: ${n}` };
  for (const [kind, el] of targetNames) {
    const name = names[kind];
    el.textContent = name ? say[kind](name) : '';
    el.hidden = !name;
  }
}

function showNote(note: HTMLElement, text: string | undefined): void {
  note.textContent = text ?? '';
  note.hidden = !text;
}

function renderField(field: ScalarField, v: FieldValue): void {
  const f = fields.get(field);
  if (!f) return;
  const { el } = f;
  showNote(f.note, v.note);
  el.disabled = !v.editable;
  if (el instanceof HTMLSelectElement) {
    // A value outside the choices (an ${env:…} reference, a typo) is shown as it is, not dropped.
    for (const o of [...el.options]) if (o.dataset.extra) o.remove();
    if (v.value && ![...el.options].some((o) => o.value === v.value)) {
      const extra = h('option', { value: v.value }, `${v.value} (from the file)`);
      extra.dataset.extra = '1';
      el.append(extra);
    }
    el.value = v.value;
    return;
  }
  const focused = document.activeElement === el;
  if (!takesIncomingValue({ focused, pending: f.timer !== undefined, lastSent: f.lastSent, current: el.value, incoming: v.value })) return;
  if (focused) {
    const start = el.selectionStart;
    const end = el.selectionEnd;
    el.value = v.value;
    if (start !== null && end !== null) el.setSelectionRange(Math.min(start, v.value.length), Math.min(end, v.value.length));
  } else el.value = v.value;
  f.lastSent = undefined;
}

// ---------------------------------------------------------------------------------------------
// Attributes

interface AttributeInputs {
  key: HTMLInputElement;
  value: HTMLInputElement;
  /** The key the document has for this row once every change sent so far has landed. */
  expectedKey: string;
  keyTimer?: ReturnType<typeof setTimeout>;
  valueTimer?: ReturnType<typeof setTimeout>;
  keySent?: string;
  valueSent?: string;
}

const attrBody = h('tbody');
const attrNote = h('div', { class: 'note', hidden: '' });
const addAttribute = h('button', { type: 'button', class: 'secondary', id: 'add-attribute' }, 'Add attribute');
let attrRows: AttributeInputs[] = [];
/** The row keys when Add attribute was pressed, until the state with the new row arrives (or the add fails). */
let addingFrom: string[] | undefined;
addAttribute.addEventListener('click', () => {
  addingFrom = attrRows.map((r) => r.expectedKey);
  change({ kind: 'addAttribute' });
});

function attributeRow(index: number, row: AttributeRow): AttributeInputs {
  const keyId = idFor(`Attributes[${index}]`);
  const key = h('input', { id: keyId, type: 'text', spellcheck: 'false', autocomplete: 'off', 'aria-label': `Attribute ${index + 1} key`, 'aria-describedby': `${keyId}-diags` });
  const value = h('input', { type: 'text', spellcheck: 'false', autocomplete: 'off', 'aria-label': `Attribute ${index + 1} value` });
  const remove = h('button', { type: 'button', class: 'secondary icon', 'aria-label': `Remove attribute ${row.key}`, title: 'Remove this attribute' }, '✕');
  const inputs: AttributeInputs = { key, value, expectedKey: row.key };
  key.value = row.key;
  value.value = row.value;
  value.disabled = !row.editable;
  const sendKey = () => {
    if (inputs.keyTimer === undefined) return;
    clearTimeout(inputs.keyTimer);
    inputs.keyTimer = undefined;
    if (key.value === inputs.expectedKey) return;
    change({ kind: 'renameAttribute', index, key: inputs.expectedKey, newKey: key.value });
    inputs.keySent = key.value;
    inputs.expectedKey = key.value;
  };
  const sendValue = () => {
    if (inputs.valueTimer === undefined) return;
    clearTimeout(inputs.valueTimer);
    inputs.valueTimer = undefined;
    inputs.valueSent = value.value;
    change({ kind: 'setAttributeValue', index, key: inputs.expectedKey, value: value.value });
  };
  key.addEventListener('input', () => {
    clearTimeout(inputs.keyTimer);
    inputs.keyTimer = setTimeout(sendKey, TYPING_DELAY_MS);
  });
  key.addEventListener('blur', sendKey);
  value.addEventListener('input', () => {
    clearTimeout(inputs.valueTimer);
    inputs.valueTimer = setTimeout(sendValue, TYPING_DELAY_MS);
  });
  value.addEventListener('blur', sendValue);
  remove.addEventListener('click', () => {
    sendKey();
    change({ kind: 'removeAttribute', index, key: inputs.expectedKey });
  });
  const note = row.note ? h('div', { class: 'note' }, row.note) : '';
  attrBody.append(
    h('tr', {}, h('td', {}, key), h('td', {}, value, note), h('td', { class: 'actions' }, remove)),
    h('tr', { class: 'diag-row' }, h('td', { colspan: '3' }, diagList(`Attributes[${index}]`))),
  );
  return inputs;
}

function renderAttributes(a: FormState['attributes']): void {
  showNote(attrNote, a.note);
  addAttribute.disabled = !a.editable;
  const busy = attrRows.some((r) => r.keyTimer !== undefined || r.valueTimer !== undefined);
  if (a.rows.length === attrRows.length && attrRows.length > 0) {
    a.rows.forEach((row, i) => {
      const r = attrRows[i];
      const keyFocused = document.activeElement === r.key;
      const valueFocused = document.activeElement === r.value;
      if (takesIncomingValue({ focused: keyFocused, pending: r.keyTimer !== undefined, lastSent: r.keySent, current: r.key.value, incoming: row.key })) r.key.value = row.key;
      if (takesIncomingValue({ focused: valueFocused, pending: r.valueTimer !== undefined, lastSent: r.valueSent, current: r.value.value, incoming: row.value })) r.value.value = row.value;
      if (r.keyTimer === undefined) r.expectedKey = row.key;
      r.value.disabled = !row.editable;
    });
    return;
  }
  if (busy) return; // the state will come again once the pending row edit lands
  const active = document.activeElement;
  const focus = attrRows.findIndex((r) => r.key === active || r.value === active);
  const focusValue = focus >= 0 && attrRows[focus].value === active;
  for (const k of [...diagLists.keys()]) if (k.startsWith('Attributes[')) diagLists.delete(k);
  attrBody.replaceChildren();
  attrRows = a.rows.map((row, i) => attributeRow(i, row));
  const added = addingFrom ? addedAttributeRow(addingFrom, a.rows.map((r) => r.key)) : undefined;
  if (added !== undefined) {
    // The new row's key holds a placeholder name: select it, so what is typed replaces it.
    addingFrom = undefined;
    attrRows[added].key.focus();
    attrRows[added].key.select();
    return;
  }
  const again = attrRows[Math.min(focus, attrRows.length - 1)];
  if (focus >= 0 && again) (focusValue ? again.value : again.key).focus();
}

// ---------------------------------------------------------------------------------------------
// Content types and DisconnectOnCustomerExit

const contentTypeBoxes = new Map<string, HTMLInputElement>();
const contentTypeOthers = h('div', { class: 'note', hidden: '' });
const contentTypeNote = h('div', { class: 'note', hidden: '' });
const disconnect = h('input', { type: 'checkbox', id: idFor('DisconnectOnCustomerExit'), 'aria-describedby': `${idFor('DisconnectOnCustomerExit')}-diags` });
const disconnectNote = h('div', { class: 'note', hidden: '' });
disconnect.addEventListener('change', () => change({ kind: 'setDisconnectAgent', checked: disconnect.checked }));

function contentTypesFieldset(): HTMLElement {
  const fs = h(
    'fieldset',
    { class: 'checks', id: idFor('SupportedMessagingContentTypes'), 'data-member': 'SupportedMessagingContentTypes', 'aria-describedby': `${idFor('SupportedMessagingContentTypes')}-diags` },
    h('legend', {}, h('span', { class: 'label-text' }, labelText('SupportedMessagingContentTypes')), ' ', memberName('SupportedMessagingContentTypes')),
  );
  for (const ct of MESSAGING_CONTENT_TYPES) {
    const id = idFor(`ct-${ct}`);
    const box = h('input', { type: 'checkbox', id });
    box.addEventListener('change', () => change({ kind: 'setContentType', contentType: ct, checked: box.checked }));
    contentTypeBoxes.set(ct, box);
    fs.append(h('div', { class: 'check' }, box, h('label', { for: id }, ct)));
  }
  fs.append(h('div', { class: 'help' }, 'What the customer’s chat client can show. text/plain is required; Show view blocks need the interactive type, connect:Guide needs both interactive types.'), contentTypeOthers, contentTypeNote, diagList('SupportedMessagingContentTypes'));
  return fs;
}

function renderChecks(s: FormState): void {
  for (const [ct, box] of contentTypeBoxes) {
    box.checked = s.contentTypes.checked.includes(ct);
    box.disabled = !s.contentTypes.editable;
  }
  showNote(contentTypeOthers, s.contentTypes.others.length ? `Also in the list (kept as they are): ${s.contentTypes.others.join(', ')}` : undefined);
  showNote(contentTypeNote, s.contentTypes.note);
  disconnect.checked = s.disconnectAgent.checked;
  disconnect.disabled = !s.disconnectAgent.editable;
  showNote(disconnectNote, s.disconnectAgent.note);
}

// ---------------------------------------------------------------------------------------------
// Layout

const banner = h('div', { class: 'banner error', role: 'alert', hidden: '' });
const trustBanner = h('div', { class: 'banner info', hidden: '' });
const flash = h('div', { class: 'banner warning', role: 'alert', hidden: '' });
const otherMembers = h('p', { class: 'note', hidden: '' });
const form = h('fieldset', { class: 'form' });

/** A section that gathers several members: a plain heading. */
function section(title: string, ...children: HTMLElement[]): HTMLElement {
  return h('section', {}, h('h2', {}, title), ...children);
}

/** A section that stands for one member: its plain label, then the member name. */
function memberSection(member: LabelledTarget, ...children: HTMLElement[]): HTMLElement {
  return h('section', { 'data-member': member }, h('h2', {}, h('span', { class: 'label-text' }, labelText(member)), ' ', memberName(member)), ...children);
}

function group(name: FormTarget, ...children: HTMLElement[]): HTMLElement {
  return h('div', { class: 'group' }, ...children, diagList(name));
}

function build(): void {
  const openText = h('button', { type: 'button', class: 'secondary', id: 'open-as-text' }, 'Open as Text');
  openText.addEventListener('click', () => post({ type: 'openAsText' }));
  const launch = h('button', { type: 'button', class: 'primary', id: 'launch', title: 'Launch a test chat with this request (Chatreq: Launch Test Chat)' }, '▶ Launch test chat');
  launch.addEventListener('click', () => post({ type: 'launch' }));
  form.append(
    section(
      'Where the chat starts',
      fieldRow('InstanceId', 'The Amazon Connect instance ID (the part after instance/ in its ARN). Leave empty to be asked at launch.', { list: 'instances-list', pick: 'instance' }),
      fieldRow('ContactFlowId', 'The contact flow that handles the chat (the part after contact-flow/ in its ARN). Leave empty to be asked at launch.', { list: 'flows-list', pick: 'flow' }),
    ),
    section(
      'Customer',
      group('ParticipantDetails', fieldRow('ParticipantDetails.DisplayName', 'The customer’s name in the chat (required, 1-256 characters).')),
      fieldRow('CustomerId', 'The customer’s own identifier (sensitive: prefer ${env:NAME}).'),
      group('ParticipantConfiguration', fieldRow('ParticipantConfiguration.ResponseMode', 'How bot replies arrive (INCREMENTAL streams them).')),
    ),
    memberSection(
      'Attributes',
      h('table', { class: 'attributes', 'aria-label': labelText('Attributes') }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Remove')))), attrBody),
      h('div', { class: 'help' }, 'What the flow reads as $.Attributes.<key>. Keys: letters, digits, - and _; values are strings.'),
      attrNote,
      addAttribute,
      diagList('Attributes'),
    ),
    memberSection(
      'InitialMessage',
      group(
        'InitialMessage',
        fieldRow('InitialMessage.ContentType', 'How the message is written: plain text or Markdown.'),
        fieldRow('InitialMessage.Content', 'Posted as the customer’s first message.', { multiline: true }),
      ),
    ),
    section(
      'Chat',
      fieldRow('ChatDurationInMinutes', `From ${CHAT_DURATION.min} to ${CHAT_DURATION.max} minutes (7 days). Empty: Connect’s default of ${CHAT_DURATION.defaultMinutes / 60} hours.`, { numeric: true }),
      contentTypesFieldset(),
      h(
        'div',
        { class: 'field check', 'data-member': 'DisconnectOnCustomerExit' },
        disconnect,
        h('label', { for: idFor('DisconnectOnCustomerExit'), class: 'label-text' }, labelText('DisconnectOnCustomerExit')),
        memberName('DisconnectOnCustomerExit'),
        disconnectNote,
        diagList('DisconnectOnCustomerExit'),
      ),
    ),
    section(
      'Continuing a chat',
      group(
        'PersistentChat',
        fieldRow('PersistentChat.RehydrationType', 'Which past contact supplies the transcript.'),
        fieldRow('PersistentChat.SourceContactId', 'Contact ID of the earlier chat (an ID, not an ARN).'),
      ),
      fieldRow('RelatedContactId', 'An existing contact this chat is linked to (not together with a continued chat above).'),
      fieldRow('ClientToken', 'Idempotency token. Leave empty for a fresh one per launch.'),
    ),
  );
  const header = h('header', {}, h('h1', {}, 'StartChatContact request'), launch, openText);
  const app = document.getElementById('app') ?? document.body;
  app.replaceChildren(
    header,
    banner,
    trustBanner,
    flash,
    diagList('general'),
    h('datalist', { id: 'instances-list' }),
    h('datalist', { id: 'flows-list' }),
    form,
    otherMembers,
  );
  app.setAttribute('aria-busy', 'false');
}

function render(s: FormState): void {
  state = s;
  // Which document version the form shows (tests wait on it; it is not data from the file).
  document.body.dataset.version = String(s.version);
  if (s.readOnly) {
    banner.textContent = `The file is not valid JSON at line ${s.readOnly.line}, column ${s.readOnly.column}: ${s.readOnly.message} (${s.readOnly.code}). The form is read-only until the text is fixed${s.readOnly.showsLastValid ? ' and shows the last version that was valid' : ''}; nothing in the file was changed.`;
  }
  banner.hidden = !s.readOnly;
  form.disabled = Boolean(s.readOnly);
  // What Restricted Mode turns off is the extension's trust policy; the form only shows it.
  const restricted = s.restricted;
  trustBanner.textContent = restricted?.notice ?? '';
  trustBanner.hidden = !restricted;
  // While the JSON is broken the host sends the values of the last version that parsed (if any).
  for (const field of fields.keys()) renderField(field, s.fields[field]);
  const launchButton = document.getElementById('launch') as HTMLButtonElement | null;
  if (launchButton) {
    launchButton.disabled = Boolean(restricted?.launch) || Boolean(s.readOnly);
    launchButton.title = restricted?.launch
      ? restricted.launch
      : s.readOnly
        ? 'Fix the JSON first: a request that does not parse cannot be launched.'
        : 'Launch a test chat with this request (Chatreq: Launch Test Chat)';
  }
  for (const pick of document.querySelectorAll<HTMLButtonElement>('button.pick')) {
    pick.disabled = Boolean(restricted?.pick);
    pick.title = restricted?.pick ?? (restricted ? 'Choose from the current connection’s account (Restricted Mode: with your user settings only)' : 'Choose from the current connection’s account');
  }
  renderAttributes(s.attributes);
  renderChecks(s);
  renderDiagnostics(s);
  otherMembers.textContent = s.otherMembers.length ? `Also in the file, kept as they are (edit them as text): ${s.otherMembers.join(', ')}` : '';
  otherMembers.hidden = s.otherMembers.length === 0;
}

function showFlash(message: string, target: FormTarget | undefined): void {
  addingFrom = undefined; // a refused change may be the add
  const list = target ? diagLists.get(target) : undefined;
  if (list) {
    list.append(diagItem({ severity: 'error', message }));
    return;
  }
  flash.textContent = message;
  flash.hidden = false;
  setTimeout(() => (flash.hidden = true), 10_000);
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = parseToWebview(e.data);
  if (!m) return;
  switch (m.type) {
    case 'state':
      render(m.state);
      return;
    case 'suggestions': {
      const list = document.getElementById(m.kind === 'instances' ? 'instances-list' : 'flows-list');
      list?.replaceChildren(...m.items.map((i) => h('option', { value: i.value, label: i.label || i.value })));
      return;
    }
    case 'targetNames':
      renderTargetNames(m.names);
      return;
    case 'error':
      showFlash(m.message, m.target);
      return;
  }
});

build();
post({ type: 'ready' });
