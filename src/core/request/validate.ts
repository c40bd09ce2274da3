import { type Node } from 'jsonc-parser';
import { decodeRequestBytes, maskByteOrderMark } from './bytes';
import { findEnvReferences, hasEnvReference, substituteEnv } from './env';
import { Reporter } from './report';
import { runRules } from './rules';
import { requestSchema } from './schema';
import { validateAgainstSchema } from './schemaValidator';
import { parseRequest } from './syntax';
import { type Diagnostic, layerOf, type ValidateOptions } from './types';

/**
 * The one validation engine (CLI and editor): strict JSON syntax, the request schema, then the
 * semantic rules. Pure and synchronous. Diagnostics come back sorted by position.
 */
export function validateRequestText(text: string, options: ValidateOptions = {}): Diagnostic[] {
  const source = maskByteOrderMark(text);
  let r = new Reporter(source);
  try {
    const { root, fatal } = parseRequest(source, r);
    if (root && !fatal) checkTree(root, r, options);
  } catch (e) {
    // The parser and the checks recurse; absurd nesting must not crash the editor or the CLI.
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
  const layers = options.layers;
  const kept = layers ? r.diagnostics.filter((d) => layers.includes(layerOf(d.code))) : r.diagnostics;
  return kept.sort((a, b) => a.range.offset - b.range.offset || a.code.localeCompare(b.code));
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

interface Substituted {
  offset: number;
  length: number;
  /** The value the checks saw. */
  value: string;
}

/**
 * A problem found in a substituted value is about the environment, not the text: no quick fix
 * (it would overwrite the reference with a literal), and the value itself is not repeated (an
 * environment variable may hold a secret); the message names the reference instead.
 */
function aboutEnvironment(r: Reporter, from: number, substituted: Substituted[]): void {
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

function checkTree(root: Node, r: Reporter, options: ValidateOptions): void {
  const substituted = options.env ? substituteTree(root, options.env) : [];
  const from = r.diagnostics.length;
  try {
    checkMembers(root, r, options);
  } finally {
    if (substituted.length > 0) aboutEnvironment(r, from, substituted);
  }
}

function checkMembers(root: Node, r: Reporter, options: ValidateOptions): void {
  if (root.type !== 'object') {
    r.node(
      'chatreq/not-an-object',
      'error',
      root,
      `A request file holds one JSON object with StartChatContact members, not ${root.type === 'array' ? 'an array' : `a ${root.type}`}. Wrap the members in { ... }.`,
    );
    return;
  }
  validateAgainstSchema(root, requestSchema, r);
  runRules(root, r, options);
}
