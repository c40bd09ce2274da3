/**
 * The request form's model, pure: a document's text → what the form shows ({@link formStateOf}),
 * and a form change → the smallest text edit that makes it ({@link formChangeEdits}). Edits keep
 * the user's formatting, comments and every member the form does not know.
 */
import { findNodeAtLocation, findNodeAtOffset, type Node, parseTree } from 'jsonc-parser';
import { applyEdits, memberInsertionIndex, removeNodeEdit, replaceNodeEdit, setValueEdits } from './edits';
import {
  type AttributeRow,
  FIELD_GROUPS,
  type FieldValue,
  type FormChange,
  type FormDiagnostic,
  type FormState,
  type FormTarget,
  CHAT_DURATION,
  MESSAGING_CONTENT_TYPES,
  SCALAR_FIELDS,
  type ScalarField,
  type TargetNames,
} from './formProtocol';
import { resolveEnvReferences } from './env';
import { targetIdsOf, type LiveSource } from './liveContext';
import { pathOf } from './tree';
import type { Diagnostic, JsonPath, TextEdit, ValidateOptions } from './types';
import { blockingSyntaxError, validateRequestText } from './validate';
import { maskByteOrderMark } from './bytes';

/** Members the form has controls for; everything else is listed as "edit as text". */
const SHOWN_MEMBERS = new Set<string>([
  ...SCALAR_FIELDS.map((f) => f.split('.')[0]),
  'Attributes',
  'SupportedMessagingContentTypes',
  'DisconnectOnCustomerExit',
]);

/** Diagnostics that mean the text is not a JSON object the form can edit. */
const BLOCKING = new Set(['chatreq/json-syntax', 'chatreq/json-leading-zero', 'chatreq/json-too-deep', 'chatreq/not-an-object']);

const INTEGER_FIELDS = new Set<ScalarField>(['ChatDurationInMinutes']);

export function fieldPath(field: ScalarField): JsonPath {
  return field.split('.');
}

function parse(text: string): Node | undefined {
  return parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
}

const isBlank = (text: string) => maskByteOrderMark(text).trim() === '';

function jsonText(node: Node): string {
  if (node.type === 'string') return String(node.value);
  if (node.type === 'number' || node.type === 'boolean' || node.type === 'null') return JSON.stringify(node.value);
  return node.type === 'array' ? '[…]' : '{…}';
}

function fieldValue(root: Node | undefined, field: ScalarField): FieldValue {
  const path = fieldPath(field);
  if (path.length === 2 && root) {
    const parent = findNodeAtLocation(root, path.slice(0, 1));
    if (parent && parent.type !== 'object') {
      return { value: '', present: false, editable: false, note: `${path[0]} is a ${parent.type}, not an object: fix it in the text editor.` };
    }
  }
  const node = root ? findNodeAtLocation(root, path) : undefined;
  if (!node) return { value: '', present: false, editable: true };
  const wanted = INTEGER_FIELDS.has(field) ? 'number' : 'string';
  if (node.type !== wanted) {
    return {
      value: jsonText(node),
      present: true,
      editable: false,
      note: `${field} holds ${node.type === 'object' || node.type === 'array' ? `an ${node.type}` : `a ${node.type}`}, not a ${wanted}: fix it in the text editor.`,
    };
  }
  return { value: jsonText(node), present: true, editable: true };
}

function attributesOf(root: Node | undefined): FormState['attributes'] {
  const node = root ? findNodeAtLocation(root, ['Attributes']) : undefined;
  if (!node) return { present: false, editable: true, rows: [] };
  if (node.type !== 'object') {
    return { present: true, editable: false, note: `Attributes is a ${node.type}, not an object: fix it in the text editor.`, rows: [] };
  }
  const rows: AttributeRow[] = (node.children ?? []).map((prop) => {
    const [k, v] = prop.children ?? [];
    const key = String(k?.value ?? '');
    if (!v) return { key, value: '', editable: false, note: 'This attribute has no value: fix it in the text editor.' };
    if (v.type !== 'string') {
      return { key, value: jsonText(v), editable: false, note: `The value is a ${v.type}; Connect takes strings only. Quote it in the text editor.` };
    }
    return { key, value: String(v.value), editable: true };
  });
  return { present: true, editable: true, rows };
}

function contentTypesOf(root: Node | undefined): FormState['contentTypes'] {
  const node = root ? findNodeAtLocation(root, ['SupportedMessagingContentTypes']) : undefined;
  if (!node) return { present: false, editable: true, checked: [], others: [] };
  if (node.type !== 'array') {
    return { present: true, editable: false, note: `SupportedMessagingContentTypes is a ${node.type}, not a list: fix it in the text editor.`, checked: [], others: [] };
  }
  const checked: string[] = [];
  const others: string[] = [];
  for (const c of node.children ?? []) {
    const v = c.type === 'string' ? String(c.value) : jsonText(c);
    if (c.type === 'string' && (MESSAGING_CONTENT_TYPES as readonly string[]).includes(v)) {
      if (!checked.includes(v)) checked.push(v);
    } else others.push(v);
  }
  return { present: true, editable: true, checked, others };
}

function disconnectOf(root: Node | undefined): FormState['disconnectAgent'] {
  const node = root ? findNodeAtLocation(root, ['DisconnectOnCustomerExit']) : undefined;
  if (!node) return { present: false, editable: true, checked: false };
  if (node.type !== 'array') {
    return { present: true, editable: false, note: `DisconnectOnCustomerExit is a ${node.type}, not a list: fix it in the text editor.`, checked: false };
  }
  return { present: true, editable: true, checked: (node.children ?? []).some((c) => c.value === 'AGENT') };
}

/** Which part of the form a diagnostic belongs to. */
export function targetOf(root: Node | undefined, d: Diagnostic): FormTarget {
  let path = d.path;
  if (!path && root) {
    const node = findNodeAtOffset(root, d.range.offset, true);
    path = node ? pathOf(node) : [];
  }
  if (!path || path.length === 0) return 'general';
  const [first, second] = path;
  if (first === 'Attributes') {
    const attrs = root ? findNodeAtLocation(root, ['Attributes']) : undefined;
    if (path.length > 1 && attrs?.type === 'object') {
      const i = (attrs.children ?? []).findIndex((p) => d.range.offset >= p.offset && d.range.offset < p.offset + p.length);
      if (i >= 0) return `Attributes[${i}]`;
    }
    return 'Attributes';
  }
  if (first === 'SupportedMessagingContentTypes' || first === 'DisconnectOnCustomerExit') return first;
  const pair = `${String(first)}.${String(second)}`;
  if ((SCALAR_FIELDS as readonly string[]).includes(pair)) return pair as ScalarField;
  if ((SCALAR_FIELDS as readonly string[]).includes(String(first))) return first as ScalarField;
  if ((FIELD_GROUPS as readonly string[]).includes(String(first))) return first as FormTarget;
  return 'general';
}

/**
 * Everything the form shows for `text`. While the text does not parse, `lastValid` (the state of
 * the last text that did) supplies the values, shown read-only under the syntax error; the
 * version, the error and the diagnostics are always the current text's.
 */
export function formStateOf(text: string, o: { version: number; trusted: boolean; validate?: ValidateOptions; lastValid?: FormState }): FormState {
  const blank = isBlank(text);
  const diagnostics = blank ? [] : validateRequestText(text, o.validate);
  const blocking = diagnostics.find((d) => BLOCKING.has(d.code));
  const root = blocking || blank ? undefined : parse(text);
  const fields = Object.fromEntries(SCALAR_FIELDS.map((f) => [f, fieldValue(root, f)])) as Record<ScalarField, FieldValue>;
  const state: FormState = {
    version: o.version,
    trusted: o.trusted,
    fields,
    attributes: attributesOf(root),
    contentTypes: contentTypesOf(root),
    disconnectAgent: disconnectOf(root),
    otherMembers: root?.type === 'object' ? (root.children ?? []).map((p) => String(p.children?.[0]?.value ?? '')).filter((k) => !SHOWN_MEMBERS.has(k)) : [],
    diagnostics: diagnostics
      .filter((d) => d !== blocking)
      .map(
        (d): FormDiagnostic => ({
          target: blocking ? 'general' : targetOf(root, d),
          severity: d.severity,
          code: d.code,
          message: d.message,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
        }),
      ),
  };
  if (blocking) {
    const last = o.lastValid && !o.lastValid.readOnly ? o.lastValid : undefined;
    if (last) {
      state.fields = last.fields;
      state.attributes = last.attributes;
      state.contentTypes = last.contentTypes;
      state.disconnectAgent = last.disconnectAgent;
      state.otherMembers = last.otherMembers;
    }
    state.readOnly = {
      message: blocking.message,
      code: blocking.code,
      line: blocking.range.start.line + 1,
      column: blocking.range.start.character + 1,
      showsLastValid: last !== undefined,
    };
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// Names of the instance and flow

/** Account data the form may name targets from (undefined: not known, nothing is loaded for it). */
export type TargetLookup = Pick<LiveSource, 'instances' | 'flows'>;

/** A field's value with its ${env:NAME} references resolved; undefined when unset, empty or not a plain value. */
function resolvedValue(v: FieldValue, env: Record<string, string | undefined>): string | undefined {
  if (!v.present || !v.editable) return undefined;
  let value = v.value.trim();
  if (value.includes('${')) {
    try {
      value = resolveEnvReferences(value, env).trim();
    } catch {
      return undefined;
    }
  }
  return value === '' ? undefined : value;
}

/**
 * The instance alias and flow name for the IDs the form shows (`state`'s fields), from what
 * `account` knows; a member is left out when the ID, the entry or its name is unknown.
 */
export function targetNamesOf(state: Pick<FormState, 'fields'>, account: TargetLookup, env: Record<string, string | undefined> = {}): TargetNames {
  const { instanceId, contactFlowId: flowId } = targetIdsOf(resolvedValue(state.fields.InstanceId, env), resolvedValue(state.fields.ContactFlowId, env));
  if (!instanceId) return {};
  const instance = account.instances()?.find((i) => i.Id === instanceId);
  if (!instance) return {};
  const names: TargetNames = instance.InstanceAlias ? { instance: instance.InstanceAlias } : {};
  const flow = flowId ? account.flows(instanceId)?.find((f) => f.Id === flowId) : undefined;
  if (flow?.Name) names.flow = flow.Name;
  return names;
}

// ---------------------------------------------------------------------------------------------
// Changes → edits

export type FormEditResult = { edits: TextEdit[] } | { error: string; target?: FormTarget };

class FormChangeError extends Error {
  constructor(
    message: string,
    readonly target?: FormTarget,
  ) {
    super(message);
  }
}

const spansLines = (text: string, node: Node) => text.slice(node.offset, node.offset + node.length).includes('\n');

/**
 * Adds member `key` to the object at `containerPath` (creating missing objects on the way). In a
 * one-line object the member goes in on the same line, so the rest of the line keeps its layout;
 * in a multi-line object jsonc-parser lays it out like its siblings.
 */
function addMember(text: string, root: Node | undefined, containerPath: JsonPath, key: string, value: unknown): TextEdit[] {
  const container = root ? (containerPath.length ? findNodeAtLocation(root, containerPath) : root) : undefined;
  if (!container) {
    if (containerPath.length === 0) return setValueEdits(text, [key], value);
    return addMember(text, root, containerPath.slice(0, -1), String(containerPath[containerPath.length - 1]), { [key]: value });
  }
  if (container.type !== 'object') {
    throw new FormChangeError(`${containerPath.join('.') || 'The request'} is a ${container.type}, not an object: fix it in the text editor first.`);
  }
  if (spansLines(text, container)) return setValueEdits(text, [...containerPath, key], value);
  const member = `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  const children = container.children ?? [];
  if (children.length === 0) {
    const inner = text.slice(container.offset + 1, container.offset + container.length - 1);
    const pad = inner.length > 0 ? ' ' : '';
    return [{ offset: container.offset + 1, length: inner.length, newText: `${pad}${member}${pad}` }];
  }
  // A request member goes to its usual place among the others; nested members go last.
  const at = containerPath.length === 0 ? memberInsertionIndex(children.map((c) => String(c.children?.[0]?.value)), key) : children.length;
  if (at === 0) return [{ offset: children[0].offset, length: 0, newText: `${member}, ` }];
  const before = children[at - 1];
  return [{ offset: before.offset + before.length, length: 0, newText: `, ${member}` }];
}

/** Removes the member at `path`; an object left empty by it goes too (the form never writes `{}`). */
function removeMember(root: Node, path: JsonPath): TextEdit[] {
  const node = findNodeAtLocation(root, path);
  if (!node?.parent) return [];
  const prop = node.parent;
  const container = prop.parent;
  if (container && container !== root && (container.children ?? []).length === 1) return removeMember(root, pathOf(container));
  return [removeNodeEdit(prop)];
}

/** Sets or (with `undefined`) removes the member at `path`. */
function setMember(text: string, root: Node | undefined, path: JsonPath, value: unknown): TextEdit[] {
  const node = root ? findNodeAtLocation(root, path) : undefined;
  if (value === undefined) return node && root ? removeMember(root, path) : [];
  if (node) return [replaceNodeEdit(node, value)];
  return addMember(text, root, path.slice(0, -1), String(path[path.length - 1]), value);
}

function scalarValue(field: ScalarField, value: string): unknown {
  if (value === '') return undefined;
  if (!INTEGER_FIELDS.has(field)) return value;
  const t = value.trim();
  if (!/^\d{1,9}$/.test(t)) {
    throw new FormChangeError(`${field} takes a whole number of minutes (${CHAT_DURATION.min} to ${CHAT_DURATION.max}); "${value}" is not one. The file keeps its previous value.`, field);
  }
  return Number(t);
}

function attributeAt(root: Node | undefined, index: number, key: string): Node {
  const attrs = root ? findNodeAtLocation(root, ['Attributes']) : undefined;
  const prop = attrs?.type === 'object' ? attrs.children?.[index] : undefined;
  if (!prop || prop.children?.[0]?.value !== key) {
    throw new FormChangeError(`The attribute "${key}" is no longer at row ${index + 1}: the file changed meanwhile. Try again on the refreshed form.`, 'Attributes');
  }
  return prop;
}

function unusedKey(root: Node | undefined): string {
  const attrs = root ? findNodeAtLocation(root, ['Attributes']) : undefined;
  const keys = new Set((attrs?.children ?? []).map((p) => p.children?.[0]?.value as unknown));
  for (let i = 1; ; i++) {
    const k = i === 1 ? 'newAttribute' : `newAttribute${i}`;
    if (!keys.has(k)) return k;
  }
}

function editsFor(text: string, root: Node | undefined, change: FormChange): TextEdit[] {
  switch (change.kind) {
    case 'setField':
      return setMember(text, root, fieldPath(change.field), scalarValue(change.field, change.value));
    case 'addAttribute':
      return setMember(text, root, ['Attributes', unusedKey(root)], '');
    case 'removeAttribute': {
      const prop = attributeAt(root, change.index, change.key);
      return prop.parent?.children?.length === 1 ? removeMember(root!, ['Attributes']) : [removeNodeEdit(prop)];
    }
    case 'renameAttribute': {
      const keyNode = attributeAt(root, change.index, change.key).children![0];
      return [replaceNodeEdit(keyNode, change.newKey)];
    }
    case 'setAttributeValue': {
      const valueNode = attributeAt(root, change.index, change.key).children?.[1];
      if (!valueNode) throw new FormChangeError(`The attribute "${change.key}" has no value to replace: fix it in the text editor.`, `Attributes[${change.index}]`);
      return [replaceNodeEdit(valueNode, change.value)];
    }
    case 'setContentType':
      return contentTypeEdits(text, root, change.contentType, change.checked);
    case 'setDisconnectAgent': {
      const node = root ? findNodeAtLocation(root, ['DisconnectOnCustomerExit']) : undefined;
      if (!change.checked) return setMember(text, root, ['DisconnectOnCustomerExit'], undefined);
      if (node?.type === 'array' && (node.children ?? []).some((c) => c.value === 'AGENT')) return [];
      return setMember(text, root, ['DisconnectOnCustomerExit'], ['AGENT']);
    }
  }
}

function contentTypeEdits(text: string, root: Node | undefined, contentType: string, checked: boolean): TextEdit[] {
  const path = ['SupportedMessagingContentTypes'];
  const list = root ? findNodeAtLocation(root, path) : undefined;
  if (list && list.type !== 'array') throw new FormChangeError('SupportedMessagingContentTypes is not a list: fix it in the text editor first.', 'SupportedMessagingContentTypes');
  const items = list?.children ?? [];
  const matching = items.filter((c) => c.value === contentType);
  if (checked) {
    if (matching.length) return [];
    if (!list) return setMember(text, root, path, [contentType]);
    if (items.length === 0) return [{ offset: list.offset + 1, length: list.length - 2, newText: JSON.stringify(contentType) }];
    if (spansLines(text, list)) return setValueEdits(text, [...path, items.length], contentType, true);
    const last = items[items.length - 1];
    return [{ offset: last.offset + last.length, length: 0, newText: `, ${JSON.stringify(contentType)}` }];
  }
  if (!list || matching.length === 0) return [];
  if (matching.length === items.length) return setMember(text, root, path, undefined);
  // Remove one entry at a time (neighbouring removals would share a comma).
  let current = text;
  for (let n = 0; n < matching.length; n++) {
    const r = parse(current);
    const entry = r && findNodeAtLocation(r, path)?.children?.find((c) => c.value === contentType);
    if (!entry) break;
    current = applyEdits(current, [removeNodeEdit(entry)]);
  }
  return [minimalEdit(text, current)];
}

/** One edit covering only what differs between `before` and `after` (common prefix and suffix kept). */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  return { offset: start, length: endB - start, newText: after.slice(start, endA) };
}

/**
 * The edit that makes `change` in `text`: at most one minimal TextEdit (none when the text
 * already says so), or an error that names the field and what to do. Text with a JSON syntax
 * error is never edited.
 */
export function formChangeEdits(text: string, change: FormChange): FormEditResult {
  const blank = isBlank(text);
  if (!blank) {
    const blocking = blockingSyntaxError(text);
    if (blocking) {
      return { error: `The file has a JSON syntax error at line ${blocking.line + 1}, column ${blocking.character + 1}; fix it in the text editor before editing through the form.` };
    }
  }
  const root = blank ? undefined : parse(text);
  try {
    const source = blank ? '' : text;
    const edits = editsFor(source, root, change);
    if (edits.length === 0) return { edits: [] };
    const after = applyEdits(source, edits);
    const edit = minimalEdit(text, blank ? `${after}\n` : after);
    return { edits: edit.length === 0 && edit.newText === '' ? [] : [edit] };
  } catch (e) {
    if (e instanceof FormChangeError) return { error: e.message, ...(e.target ? { target: e.target } : {}) };
    throw e;
  }
}
