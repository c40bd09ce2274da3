import { maskByteOrderMark } from '../core/request/bytes';
/**
 * Reading Flow-language documents (Version 2019-10-30, as DescribeContactFlow returns and the
 * console exports them). Only the structure is checked here; what each action does is the flow
 * runtime's business. Every problem names the file and the action it is in.
 */
import { isObject, type JsonObject } from './validate';

export const FLOW_LANGUAGE_VERSION = '2019-10-30';

export interface FlowAction {
  Identifier: string;
  Type: string;
  Parameters: JsonObject;
  Transitions: JsonObject;
}

export interface FlowDocument extends JsonObject {
  Version: string;
  StartAction: string;
  Metadata?: JsonObject;
  Actions: FlowAction[];
}

export class FlowFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`);
    this.name = 'FlowFileError';
  }
}

const FORBIDDEN_ID_CHARS = /[%:()\\/=$,;[\]{}]/;
const RESERVED_IDS = new Set([
  '__proto__',
  'constructor',
  '__defineGetter__',
  '__defineSetter__',
  'toString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'valueOf',
]);
const MAX_ACTIONS = 250;

/** Parses and checks one flow file. Throws FlowFileError naming `file` on any problem. */
export function parseFlowText(text: string, file: string): FlowDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(maskByteOrderMark(text));
  } catch (e) {
    throw new FlowFileError(file, [`not valid JSON: ${describeJsonError(e, text)}`]);
  }
  return checkFlowDocument(doc, file);
}

export function checkFlowDocument(doc: unknown, file: string): FlowDocument {
  const problems: string[] = [];
  if (!isObject(doc)) throw new FlowFileError(file, ['the file must hold one JSON object with Version, StartAction and Actions']);
  if (doc.Version !== FLOW_LANGUAGE_VERSION) {
    problems.push(
      doc.Version === undefined && 'modules' in doc
        ? `this is the legacy console export format ("modules"); export the flow again in the Flow language (Version "${FLOW_LANGUAGE_VERSION}")`
        : `Version must be "${FLOW_LANGUAGE_VERSION}" (found ${JSON.stringify(doc.Version) ?? 'nothing'})`,
    );
  }
  if (doc.Metadata !== undefined && !isObject(doc.Metadata)) problems.push('Metadata must be an object when present');
  const ids = new Set<string>();
  const actions = Array.isArray(doc.Actions) ? doc.Actions : undefined;
  if (!actions) problems.push('Actions must be a list of actions');
  else if (actions.length === 0) problems.push('Actions is empty: a flow needs at least one action');
  else if (actions.length > MAX_ACTIONS) problems.push(`Actions has ${actions.length} actions; a flow may have at most ${MAX_ACTIONS}`);
  for (const [i, a] of (actions ?? []).entries()) {
    const where = `Actions[${i}]`;
    if (!isObject(a)) {
      problems.push(`${where} must be an object`);
      continue;
    }
    const id = a.Identifier;
    if (typeof id !== 'string' || id.length === 0 || id.length > 50) {
      problems.push(`${where}.Identifier must be a string of 1 to 50 characters`);
    } else if (FORBIDDEN_ID_CHARS.test(id) || RESERVED_IDS.has(id)) {
      problems.push(`${where}.Identifier "${id}" is not allowed (no % : ( \\ / ) = $ , ; [ ] { }, and not a reserved name such as toString)`);
    } else if (ids.has(id)) {
      problems.push(`${where}.Identifier "${id}" is used by an earlier action; identifiers must be unique`);
    } else ids.add(id);
    const label = typeof id === 'string' ? `${where} ("${id}")` : where;
    if (typeof a.Type !== 'string' || a.Type.length === 0) problems.push(`${label}.Type must be a non-empty string`);
    if (a.Parameters !== undefined && !isObject(a.Parameters)) problems.push(`${label}.Parameters must be an object`);
    if (!isObject(a.Transitions)) problems.push(`${label}.Transitions must be an object ({} for a terminating action)`);
  }
  // Transition targets are checked once every identifier is known.
  for (const [i, a] of (actions ?? []).entries()) {
    if (!isObject(a) || !isObject(a.Transitions)) continue;
    const label = `Actions[${i}]${typeof a.Identifier === 'string' ? ` ("${a.Identifier}")` : ''}`;
    const t = a.Transitions;
    const target = (value: unknown, path: string) => {
      if (typeof value !== 'string') problems.push(`${label}.Transitions.${path} must be a string naming an action`);
      else if (!ids.has(value)) problems.push(`${label}.Transitions.${path} "${value}" names no action in this flow`);
    };
    if (t.NextAction !== undefined) target(t.NextAction, 'NextAction');
    for (const key of ['Errors', 'Conditions'] as const) {
      if (t[key] === undefined) continue;
      if (!Array.isArray(t[key])) {
        problems.push(`${label}.Transitions.${key} must be a list`);
        continue;
      }
      for (const [j, branch] of (t[key] as unknown[]).entries()) {
        if (!isObject(branch)) problems.push(`${label}.Transitions.${key}[${j}] must be an object`);
        else target(branch.NextAction, `${key}[${j}].NextAction`);
      }
    }
  }
  if (typeof doc.StartAction !== 'string') problems.push('StartAction must be the Identifier of the first action');
  else if (actions && !ids.has(doc.StartAction)) problems.push(`StartAction "${doc.StartAction}" names no action in Actions`);
  if (problems.length) throw new FlowFileError(file, problems);
  for (const a of doc.Actions as JsonObject[]) if (a.Parameters === undefined) a.Parameters = {};
  return doc as FlowDocument;
}

/** Node's JSON.parse message names a character position; turn it into line and column. */
function describeJsonError(e: unknown, text: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}
