import { type Node } from 'jsonc-parser';
import { isJsonEngineLoaded, jsonEngine, REQUEST_SCHEMA_URI } from '../json';
import '../json/static';
import { decodeRequestBytes, maskByteOrderMark } from './bytes';
import { findEnvReferences, hasEnvReference, substituteEnv } from './env';
import { reportJsonProblems } from './jsonProblems';
import { Reporter } from './report';
import { runRules } from './rules';
import { parseRequest } from './syntax';
import type { Diagnostic, DiagnosticSource, Position, ValidateOptions } from './types';

/**
 * The one validation of a request text (CLI, form, launch, editor): VS Code's JSON language
 * service for strict JSON and the request schema (source `json`, its own words and ranges), then
 * Chatreq's checks (leading zeros, nesting depth, the semantic rules). Pure and synchronous once
 * the JSON engine is loaded. Diagnostics come back sorted by position.
 */
export function validateRequestText(text: string, options: ValidateOptions = {}): Diagnostic[] {
  const source = maskByteOrderMark(text);
  const wanted: ReadonlyArray<DiagnosticSource> = options.sources ?? ['json', 'chatreq'];
  let r = new Reporter(source);
  try {
    if (source.trim() === '') {
      // VS Code's JSON service says nothing about an empty file (one being written); a file to check or launch is not that.
      r.at('chatreq/empty-file', 'error', 0, 0, 'The file is empty. A request file holds one JSON object, at least { "ParticipantDetails": { "DisplayName": "..." } }.');
    } else {
      const { root, fatal, checked } = parseRequest(source, r);
      if (wanted.includes('json')) reportJsonProblems(jsonEngine().check(checked, REQUEST_SCHEMA_URI), root, r);
      if (root && !fatal && root.type === 'object') checkTree(root, checked, r, options);
    }
  } catch (e) {
    // The parsers and the checks recurse; absurd nesting must not crash the editor or the CLI.
    if (!(e instanceof RangeError)) throw e;
    r = new Reporter(source);
    const at = tooDeepAt(source);
    r.at(
      'chatreq/json-too-deep',
      'error',
      at,
      Math.min(1, source.length - at),
      `The JSON nests more than ${MAX_DEPTH} levels deep here, too deeply to check. A StartChatContact request nests only a few levels; look for runaway brackets.`,
    );
  }
  const kept = r.diagnostics.filter((d) => wanted.includes(d.source ?? 'chatreq'));
  return kept.sort((a, b) => a.range.offset - b.range.offset || a.code.localeCompare(b.code));
}

/**
 * Where the text stops being JSON that can be edited safely (the form refuses to edit it): the
 * first error that leaves the strict parse's tree unreliable, a number with leading zeros, a
 * value that is not an object, or nesting too deep to check. Needs no JSON engine.
 */
export function blockingSyntaxError(text: string): Position | undefined {
  const source = maskByteOrderMark(text);
  const r = new Reporter(source);
  try {
    const { root, fatalAt } = parseRequest(source, r);
    const notAnObject = root && root.type !== 'object' ? root.offset : Infinity;
    const at = Math.min(fatalAt ?? Infinity, r.diagnostics[0]?.range.offset ?? Infinity, notAnObject);
    return at === Infinity ? undefined : r.lines.position(at);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return r.lines.position(tooDeepAt(source));
  }
}

/**
 * {@link validateRequestText} for a file's bytes: a file that is not UTF-8 text (UTF-16, UTF-32,
 * binary, an invalid UTF-8 byte) gets one `chatreq/json-encoding` error that says so, placed at
 * the bad byte, instead of being checked as if U+FFFD were in it.
 */
export function validateRequestBytes(bytes: Uint8Array, options: ValidateOptions = {}): Diagnostic[] {
  const decoded = decodeRequestBytes(bytes);
  if ('text' in decoded) return validateRequestText(decoded.text, options);
  const r = new Reporter(decoded.lenient);
  r.at('chatreq/json-encoding', 'error', decoded.offset, Math.min(1, decoded.lenient.length - decoded.offset), decoded.problem);
  return r.diagnostics;
}

const MAX_DEPTH = 100;

/** Offset of the first bracket that opens a level deeper than MAX_DEPTH (0 when none does). */
function tooDeepAt(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === '}' || c === ']') depth--;
  }
  return 0;
}

/** A string value as launch would send it: its `${env:NAME}` references filled in from the environment. */
interface Substituted {
  offset: number;
  length: number;
  /** The value the checks saw. */
  value: string;
}

/**
 * Where `${env:NAME}` references are set in `env`, checks see the value launch would send: each
 * string node gets its substituted value (ranges still point at what is written). Strings with an
 * unset reference keep their text and are skipped by the checks, as before.
 */
function substituteTree(node: Node, env: Record<string, string | undefined>, out: Substituted[] = []): Substituted[] {
  if (node.type === 'string' && typeof node.value === 'string' && hasEnvReference(node.value)) {
    const value = substituteEnv(node.value, env);
    if (value !== node.value) {
      out.push({ offset: node.offset, length: node.length, value });
      (node as { value: unknown }).value = value;
    }
  }
  for (const c of node.children ?? []) substituteTree(c, env, out);
  return out;
}

/**
 * The schema problems of substituted values: the JSON service checks the text with each value
 * written in, and the problems that fall on a substituted value are kept, at the reference's
 * range. They are Chatreq's (the editor's JSON service sees only the reference).
 */
function checkSubstitutedSchema(checked: string, substituted: readonly Substituted[], r: Reporter): void {
  if (substituted.length === 0 || !isJsonEngineLoaded()) return;
  let text = '';
  let last = 0;
  const moved: Array<Substituted & { at: number; written: number }> = [];
  for (const s of [...substituted].sort((a, b) => a.offset - b.offset)) {
    text += checked.slice(last, s.offset);
    const literal = JSON.stringify(s.value);
    moved.push({ ...s, at: text.length, written: literal.length });
    text += literal;
    last = s.offset + s.length;
  }
  text += checked.slice(last);
  const scratch = new Reporter(text);
  reportJsonProblems(jsonEngine().check(text, REQUEST_SCHEMA_URI), undefined, scratch);
  for (const d of scratch.diagnostics) {
    const s = moved.find((m) => d.range.offset >= m.at && d.range.offset + d.range.length <= m.at + m.written);
    if (!s) continue;
    const same = r.diagnostics.some((x) => x.source === 'json' && x.range.offset === s.offset && x.range.length === s.length && x.message === d.message);
    if (!same) r.at(d.code, d.severity, s.offset, s.length, d.message, d.path ? { path: d.path } : {});
  }
}

/**
 * A problem found in a substituted value is about the environment, not the text: no quick fix
 * (it would overwrite the reference with a literal), and the value itself is not repeated (an
 * environment variable may hold a secret); the message names the reference instead.
 */
function aboutEnvironment(r: Reporter, from: number, substituted: readonly Substituted[]): void {
  for (const d of r.diagnostics.slice(from)) {
    const s = substituted.find((x) => d.range.offset >= x.offset && d.range.offset + d.range.length <= x.offset + x.length);
    if (!s) continue;
    const written = r.text.slice(s.offset + 1, s.offset + s.length - 1);
    delete d.fixes;
    d.env = [...new Set(findEnvReferences(written).map((e) => e.name))];
    let message = d.message.split(JSON.stringify(s.value)).join(JSON.stringify(written));
    if (s.value.length >= 3) message = message.split(s.value).join(written);
    d.message = `${message} (checked with ${written} as set in the environment)`;
  }
}

function checkTree(root: Node, checked: string, r: Reporter, options: ValidateOptions): void {
  const substituted = options.env ? substituteTree(root, options.env) : [];
  const from = r.diagnostics.length;
  try {
    checkSubstitutedSchema(checked, substituted, r);
    runRules(root, r, options);
  } finally {
    if (substituted.length > 0) aboutEnvironment(r, from, substituted);
  }
}
