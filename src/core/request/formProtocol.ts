/**
 * The request form's message protocol, shared by the extension host (src/extension/form) and the
 * webview (src/webview/form). Plain data and validators only, and no imports but limits.ts (pure
 * data too): the webview bundle includes both files as they are.
 *
 * The document is the single source of truth. The host sends the whole {@link FormState} after
 * every document change; the webview sends one small change per user action and never holds
 * state of its own beyond what is being typed.
 */

import { DEFAULT_CHAT_MINUTES, MESSAGE_CONTENT_TYPES, MESSAGING_CONTENT_TYPES, START_CHAT_LIMITS } from './limits';

export { MESSAGING_CONTENT_TYPES };

/** ChatDurationInMinutes' range and Connect's default when it is left out, for the form's hints. */
export const CHAT_DURATION = { ...START_CHAT_LIMITS.ChatDurationInMinutes.range, defaultMinutes: DEFAULT_CHAT_MINUTES } as const;

/** Scalar fields, named by their JSON path joined with dots. */
export const SCALAR_FIELDS = [
  'InstanceId',
  'ContactFlowId',
  'ParticipantDetails.DisplayName',
  'ParticipantConfiguration.ResponseMode',
  'InitialMessage.ContentType',
  'InitialMessage.Content',
  'ChatDurationInMinutes',
  'PersistentChat.RehydrationType',
  'PersistentChat.SourceContactId',
  'RelatedContactId',
  'ClientToken',
  'CustomerId',
] as const;
export type ScalarField = (typeof SCALAR_FIELDS)[number];

/** Object members that group scalar fields (a diagnostic about the object itself lands on its group). */
export const FIELD_GROUPS = ['ParticipantDetails', 'ParticipantConfiguration', 'InitialMessage', 'PersistentChat'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/** Where a diagnostic is shown: a field, a group, a list member, one attribute row, or the top of the form. */
export type FormTarget =
  | ScalarField
  | FieldGroup
  | 'Attributes'
  | `Attributes[${number}]`
  | 'SupportedMessagingContentTypes'
  | 'DisconnectOnCustomerExit'
  | 'general';

/** What the form puts a label on: each scalar field, and the members shown as a section or a list. */
export type LabelledTarget = ScalarField | 'Attributes' | 'InitialMessage' | 'SupportedMessagingContentTypes' | 'DisconnectOnCustomerExit';

const LABELS: Record<LabelledTarget, string> = {
  InstanceId: 'Instance',
  ContactFlowId: 'Flow',
  'ParticipantDetails.DisplayName': 'Display name',
  CustomerId: 'Customer ID',
  'ParticipantConfiguration.ResponseMode': 'Response mode',
  Attributes: 'Contact attributes',
  InitialMessage: 'First message',
  'InitialMessage.ContentType': 'Format',
  'InitialMessage.Content': 'Message',
  ChatDurationInMinutes: 'Chat duration (minutes)',
  SupportedMessagingContentTypes: 'Message types the customer’s client shows',
  DisconnectOnCustomerExit: 'Disconnect the agent when the customer leaves',
  'PersistentChat.RehydrationType': 'Transcript to restore',
  'PersistentChat.SourceContactId': 'Earlier contact ID',
  RelatedContactId: 'Related contact ID',
  ClientToken: 'Client token',
};

/**
 * The form's one labelling scheme: every field and every section that stands for one member has
 * a plain-language `label`, and shows the StartChatContact `member` it edits (its JSON path) as
 * secondary, monospace text. Sections that gather several members have a plain heading only.
 */
export const FORM_LABELS: Readonly<Record<LabelledTarget, { label: string; member: LabelledTarget }>> = Object.fromEntries(
  (Object.keys(LABELS) as LabelledTarget[]).map((member) => [member, { label: LABELS[member], member }]),
) as Record<LabelledTarget, { label: string; member: LabelledTarget }>;

/** Choices the select fields offer (a document value outside them is kept and shown as is). */
export const SELECT_OPTIONS: Readonly<Partial<Record<ScalarField, readonly string[]>>> = {
  'ParticipantConfiguration.ResponseMode': START_CHAT_LIMITS['ParticipantConfiguration.ResponseMode'].enum,
  'InitialMessage.ContentType': MESSAGE_CONTENT_TYPES,
  'PersistentChat.RehydrationType': START_CHAT_LIMITS['PersistentChat.RehydrationType'].enum,
};

export interface FieldValue {
  /** Text to show: the string value, or the JSON of a value of another type. */
  value: string;
  /** Whether the member is in the document. */
  present: boolean;
  /** False when the document holds something the field cannot edit safely (then `note` says why). */
  editable: boolean;
  note?: string;
}

export interface AttributeRow {
  key: string;
  value: string;
  editable: boolean;
  note?: string;
}

export interface FormDiagnostic {
  target: FormTarget;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  /** One-based, for people. */
  line: number;
  column: number;
}

export interface FormState {
  /** Document version the state was computed from. */
  version: number;
  /**
   * Set when the document cannot be edited through the form (a JSON syntax error); fields are
   * read-only. `showsLastValid`: the values are those of the last text that parsed (the broken
   * text has none), so the form keeps showing them however often it is reloaded meanwhile.
   */
  readOnly?: { message: string; line: number; column: number; code: string; showsLastValid: boolean };
  /** Whether the workspace is trusted. */
  trusted: boolean;
  /**
   * What Restricted Mode changes, as the extension's trust policy decided it (absent when
   * trusted): the banner text, and the reason each control that is off shows.
   */
  restricted?: { notice: string; launch?: string; pick?: string };
  fields: Record<ScalarField, FieldValue>;
  attributes: { present: boolean; editable: boolean; note?: string; rows: AttributeRow[] };
  contentTypes: { present: boolean; editable: boolean; note?: string; checked: string[]; others: string[] };
  disconnectAgent: { present: boolean; editable: boolean; note?: string; checked: boolean };
  /** Members in the document that the form does not show (kept untouched). */
  otherMembers: string[];
  diagnostics: FormDiagnostic[];
}

/** A change to the request, as the form's controls express it. */
export type FormChange =
  | { kind: 'setField'; field: ScalarField; value: string }
  | { kind: 'addAttribute' }
  | { kind: 'removeAttribute'; index: number; key: string }
  | { kind: 'renameAttribute'; index: number; key: string; newKey: string }
  | { kind: 'setAttributeValue'; index: number; key: string; value: string }
  | { kind: 'setContentType'; contentType: string; checked: boolean }
  | { kind: 'setDisconnectAgent'; checked: boolean };

export type SuggestionKind = 'instances' | 'flows';

export interface Suggestion {
  value: string;
  label: string;
}

/**
 * What the account data says about the request's targets: the instance's alias and the flow's
 * name. A member is left out when it is not known (no guess is shown).
 */
export interface TargetNames {
  instance?: string;
  flow?: string;
}

/** Webview → host. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'change'; change: FormChange; version: number }
  | { type: 'pick'; target: 'instance' | 'flow' }
  | { type: 'suggest'; kind: SuggestionKind }
  | { type: 'openAsText' }
  | { type: 'launch' };

/** Host → webview. */
export type ToWebview =
  | { type: 'state'; state: FormState }
  | { type: 'suggestions'; kind: SuggestionKind; items: Suggestion[] }
  | { type: 'targetNames'; names: TargetNames }
  | { type: 'error'; message: string; target?: FormTarget };

/** Longest text a form message may carry: well above the largest member, InitialMessage.Content. */
export const MAX_TEXT = 4 * START_CHAT_LIMITS['InitialMessage.Content'].length.max;
const MAX_SUGGESTIONS = 5000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 100000;
const isScalarField = (v: unknown): v is ScalarField => typeof v === 'string' && (SCALAR_FIELDS as readonly string[]).includes(v);
const isSuggestionKind = (v: unknown): v is SuggestionKind => v === 'instances' || v === 'flows';

function parseChange(v: unknown): FormChange | undefined {
  if (!isObj(v)) return undefined;
  switch (v.kind) {
    case 'setField':
      return isScalarField(v.field) && isText(v.value) ? { kind: 'setField', field: v.field, value: v.value } : undefined;
    case 'addAttribute':
      return { kind: 'addAttribute' };
    case 'removeAttribute':
      return isIndex(v.index) && isText(v.key) ? { kind: 'removeAttribute', index: v.index, key: v.key } : undefined;
    case 'renameAttribute':
      return isIndex(v.index) && isText(v.key) && isText(v.newKey)
        ? { kind: 'renameAttribute', index: v.index, key: v.key, newKey: v.newKey }
        : undefined;
    case 'setAttributeValue':
      return isIndex(v.index) && isText(v.key) && isText(v.value)
        ? { kind: 'setAttributeValue', index: v.index, key: v.key, value: v.value }
        : undefined;
    case 'setContentType':
      return typeof v.contentType === 'string' &&
        (MESSAGING_CONTENT_TYPES as readonly string[]).includes(v.contentType) &&
        typeof v.checked === 'boolean'
        ? { kind: 'setContentType', contentType: v.contentType, checked: v.checked }
        : undefined;
    case 'setDisconnectAgent':
      return typeof v.checked === 'boolean' ? { kind: 'setDisconnectAgent', checked: v.checked } : undefined;
    default:
      return undefined;
  }
}

/** A message from the webview, checked member by member; anything else is undefined (and ignored). */
export function parseFromWebview(v: unknown): FromWebview | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openAsText':
      return { type: 'openAsText' };
    case 'launch':
      return { type: 'launch' };
    case 'change': {
      const change = parseChange(v.change);
      return change && typeof v.version === 'number' && Number.isInteger(v.version) ? { type: 'change', change, version: v.version } : undefined;
    }
    case 'pick':
      return v.target === 'instance' || v.target === 'flow' ? { type: 'pick', target: v.target } : undefined;
    case 'suggest':
      return isSuggestionKind(v.kind) ? { type: 'suggest', kind: v.kind } : undefined;
    default:
      return undefined;
  }
}

function isFieldValue(v: unknown): v is FieldValue {
  return isObj(v) && typeof v.value === 'string' && typeof v.present === 'boolean' && typeof v.editable === 'boolean';
}

function isFormState(v: unknown): v is FormState {
  if (!isObj(v) || typeof v.version !== 'number' || typeof v.trusted !== 'boolean') return false;
  if (v.readOnly !== undefined && !(isObj(v.readOnly) && typeof v.readOnly.message === 'string' && typeof v.readOnly.showsLastValid === 'boolean')) return false;
  const fields = v.fields;
  if (!isObj(fields) || !SCALAR_FIELDS.every((f) => isFieldValue(fields[f]))) return false;
  const a = v.attributes;
  if (!isObj(a) || !Array.isArray(a.rows) || !a.rows.every((r) => isObj(r) && typeof r.key === 'string' && typeof r.value === 'string')) return false;
  const c = v.contentTypes;
  if (!isObj(c) || !Array.isArray(c.checked) || !Array.isArray(c.others)) return false;
  if (!isObj(v.disconnectAgent) || typeof v.disconnectAgent.checked !== 'boolean') return false;
  if (!Array.isArray(v.otherMembers) || !v.otherMembers.every((m) => typeof m === 'string')) return false;
  return Array.isArray(v.diagnostics) && v.diagnostics.every((d) => isObj(d) && typeof d.target === 'string' && typeof d.message === 'string' && typeof d.code === 'string');
}

/** A message from the host, checked by shape (the webview drops anything else). */
export function parseToWebview(v: unknown): ToWebview | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'state':
      return isFormState(v.state) ? { type: 'state', state: v.state } : undefined;
    case 'suggestions':
      return isSuggestionKind(v.kind) &&
        Array.isArray(v.items) &&
        v.items.length <= MAX_SUGGESTIONS &&
        v.items.every((i) => isObj(i) && typeof i.value === 'string' && typeof i.label === 'string')
        ? { type: 'suggestions', kind: v.kind, items: v.items as Suggestion[] }
        : undefined;
    case 'targetNames': {
      const n = v.names;
      if (!isObj(n) || (n.instance !== undefined && !isText(n.instance)) || (n.flow !== undefined && !isText(n.flow))) return undefined;
      return { type: 'targetNames', names: { ...(n.instance !== undefined ? { instance: n.instance } : {}), ...(n.flow !== undefined ? { flow: n.flow } : {}) } };
    }
    case 'error':
      return typeof v.message === 'string' ? { type: 'error', message: v.message, ...(typeof v.target === 'string' ? { target: v.target as FormTarget } : {}) } : undefined;
    default:
      return undefined;
  }
}

/**
 * The row an Add attribute made: the index of the one key in `after` (the rows of the new state)
 * that `before` (the rows when the button was pressed) does not account for, or undefined when
 * the rows are not `before` plus exactly one.
 */
export function addedAttributeRow(before: readonly string[], after: readonly string[]): number | undefined {
  if (after.length !== before.length + 1) return undefined;
  const unmatched = new Map<string, number>();
  for (const k of before) unmatched.set(k, (unmatched.get(k) ?? 0) + 1);
  let added: number | undefined;
  for (let i = 0; i < after.length; i++) {
    const n = unmatched.get(after[i]) ?? 0;
    if (n > 0) unmatched.set(after[i], n - 1);
    else if (added === undefined) added = i;
    else return undefined;
  }
  return added;
}

/**
 * Whether a control should take the value a new state brings. A control the user is typing in
 * keeps its text while an edit is pending (not yet sent) and when the incoming value is just
 * the echo of what it sent; a real change from elsewhere (Undo, the text editor) still lands.
 */
export function takesIncomingValue(c: { focused: boolean; pending: boolean; lastSent: string | undefined; current: string; incoming: string }): boolean {
  if (c.current === c.incoming) return false;
  if (!c.focused) return true;
  if (c.pending) return false;
  return c.incoming !== c.lastSent;
}
