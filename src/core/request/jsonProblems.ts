import { findNodeAtOffset, type Node } from 'jsonc-parser';
import type { JsonProblem } from '../json';
import { removeNodeEdit, replaceNodeEdit, setValueEdits } from './edits';
import type { Reporter } from './report';
import { deref, memberSchema, schemaAtPath } from './schema';
import { pathOf } from './tree';
import type { JsonPath, QuickFix, Severity, TextEdit } from './types';

/**
 * Turns the JSON language service's problems into Chatreq diagnostics: the service's words and
 * ranges unchanged (they are what VS Code shows for the same file), a stable code per kind of
 * problem, and the quick fixes Chatreq offers for them. The editor matches a fix to the service's
 * diagnostic by its range, which is the same by construction: one engine.
 */

// The service's ErrorCode values (a const enum in its typings, which isolatedModules cannot read).
const ErrorCode = { EnumValueMismatch: 1, Deprecated: 2, CommaExpected: 514, TrailingComma: 519, DuplicateKey: 520, CommentNotPermitted: 521, SchemaResolveError: 0x300 } as const;

/** A placeholder value for a required member a quick fix adds. */
const requiredPlaceholders: Record<string, unknown> = { DisplayName: 'Customer', ContentType: 'text/plain', Content: 'Hello' };

/** Syntax problems are the service's parse errors (an ErrorCode); schema problems have none, or an enum/deprecation code. */
export function isSchemaProblem(p: JsonProblem): boolean {
  return p.code === undefined || p.code === ErrorCode.EnumValueMismatch || p.code === ErrorCode.Deprecated;
}

/**
 * Schema problems are warnings in VS Code (its JSON service's fixed default); Chatreq counts them
 * as errors, because Connect rejects a request that breaks its schema. Duplicate keys too: which of
 * the two values a JSON reader keeps is not defined. Everything else keeps the service's severity.
 */
function severityOf(p: JsonProblem): Severity {
  if (isSchemaProblem(p) || p.code === ErrorCode.DuplicateKey) return 'error';
  return p.severity;
}

export interface Classified {
  code: string;
  fixes: QuickFix[];
  path?: JsonPath;
}

/** Reports each problem (source `json`), with its code and fixes. `root` is the strict parse's tree, when there is one. */
export function reportJsonProblems(problems: readonly JsonProblem[], root: Node | undefined, r: Reporter): void {
  for (const p of problems) {
    const c = classify(p, root, r.text);
    r.at(c.code, severityOf(p), p.offset, p.length, p.message, { fixes: c.fixes, source: 'json', ...(c.path ? { path: c.path } : {}) });
  }
}

export function classify(p: JsonProblem, root: Node | undefined, text: string): Classified {
  if (p.code === ErrorCode.CommentNotPermitted) {
    return { code: 'chatreq/json-comment', fixes: [{ title: 'Remove the comment', edits: [{ offset: p.offset, length: p.length, newText: '' }], preferred: true }] };
  }
  if (p.code === ErrorCode.TrailingComma) {
    return { code: 'chatreq/json-trailing-comma', fixes: [{ title: 'Remove the trailing comma', edits: [{ offset: p.offset, length: p.length, newText: '' }], preferred: true }] };
  }
  if (p.code === ErrorCode.DuplicateKey) {
    const key = nodeWithRange(root, p.offset, p.length);
    const prop = key?.parent?.type === 'property' ? key.parent : undefined;
    const name = String(key?.value ?? '');
    return {
      code: 'chatreq/duplicate-key',
      fixes: prop ? [{ title: `Remove this ${name}`, edits: [removeNodeEdit(prop)], preferred: true }] : [],
      ...(key ? { path: pathOf(key) } : {}),
    };
  }
  if (p.code !== undefined && p.code >= ErrorCode.SchemaResolveError) return { code: 'chatreq/schema-unavailable', fixes: [] };
  if (!isSchemaProblem(p)) {
    const fixes: QuickFix[] = [];
    if (p.code === ErrorCode.CommaExpected) {
      const at = endOfPreviousToken(text, p.offset);
      if (at !== undefined) fixes.push({ title: "Insert ','", edits: [{ offset: at, length: 0, newText: ',' }], preferred: true });
    }
    return { code: 'chatreq/json-syntax', fixes };
  }
  return classifySchemaProblem(p, root, text);
}

function classifySchemaProblem(p: JsonProblem, root: Node | undefined, text: string): Classified {
  const node = nodeWithRange(root, p.offset, p.length);
  const path = node ? pathOf(node) : undefined;
  const withPath = (code: string, fixes: QuickFix[] = []): Classified => ({ code, fixes, ...(path ? { path } : {}) });
  const m = p.message;
  let match: RegExpExecArray | null;
  if ((match = /^Missing property "(.+)"\.$/.exec(m))) {
    const member = match[1];
    const object = node ? objectOf(node) : undefined;
    const objectPath = object ? pathOf(object) : [];
    const placeholder = requiredPlaceholders[member];
    const fixes: QuickFix[] = placeholder === undefined ? [] : [{ title: `Add ${member}`, edits: setValueEdits(text, [...objectPath, member], placeholder), preferred: true }];
    return { code: 'chatreq/missing-member', fixes, path: [...objectPath, member] };
  }
  if (/^Property .+ is not allowed\.$/.test(m) && node) return withPath('chatreq/unknown-member', unknownMemberFixes(node));
  if (/^Incorrect type\./.test(m)) {
    if (node === root && root) return { code: 'chatreq/not-an-object', fixes: [], path: [] };
    return withPath('chatreq/wrong-type', node ? wrongTypeFixes(node) : []);
  }
  if (p.code === ErrorCode.EnumValueMismatch || /^Value is not accepted\./.test(m) || /^String does not match the pattern/.test(m)) {
    return withPath('chatreq/invalid-value', node ? enumFixes(node) : []);
  }
  if (/^String is shorter than/.test(m)) return withPath(node && isKeyNode(node) ? 'chatreq/invalid-key' : 'chatreq/too-short');
  if (/^String is longer than/.test(m)) return withPath(node && isKeyNode(node) ? 'chatreq/invalid-key' : 'chatreq/too-long');
  if (/^Value is (below|above) the/.test(m)) return withPath('chatreq/out-of-range');
  if (/^Array has too few items/.test(m)) return withPath('chatreq/too-few-items');
  if ((match = /^Array has too many items\. Expected (\d+) or fewer\.$/.exec(m))) {
    const keep = Number(match[1]);
    const items = node?.type === 'array' ? (node.children ?? []) : [];
    const fixes: QuickFix[] =
      keep > 0 && items.length > keep ? [{ title: keep === 1 ? 'Keep only the first entry' : `Keep only the first ${keep} entries`, edits: [dropTail(items, keep)] }] : [];
    return withPath('chatreq/too-many-items', fixes);
  }
  if (/^Array has duplicate items\.$/.test(m)) return withPath('chatreq/duplicate-item', node ? duplicateItemFixes(node, text) : []);
  if (/^Object has fewer properties than/.test(m)) return withPath('chatreq/empty-object');
  return withPath('chatreq/schema');
}

function isKeyNode(node: Node): boolean {
  return node.parent?.type === 'property' && node.parent.children?.[0] === node;
}

/** The object a "missing property" problem is about: the service marks its key or its first character. */
function objectOf(node: Node): Node | undefined {
  if (node.type === 'object') return node;
  if (isKeyNode(node)) {
    const value = node.parent?.children?.[1];
    return value?.type === 'object' ? value : undefined;
  }
  return undefined;
}

/** The innermost node covering exactly [offset, offset+length), or the innermost one starting there. */
function nodeWithRange(root: Node | undefined, offset: number, length: number): Node | undefined {
  if (!root) return undefined;
  let n: Node | undefined = findNodeAtOffset(root, offset, false);
  let best: Node | undefined;
  while (n) {
    if (n.offset === offset && n.length === length && n.type !== 'property') return n;
    if (n.offset === offset && n.type !== 'property' && !best) best = n;
    n = n.parent;
  }
  return best;
}

function unknownMemberFixes(keyNode: Node): QuickFix[] {
  const prop = keyNode.parent?.type === 'property' ? keyNode.parent : undefined;
  if (!prop) return [];
  const key = String(keyNode.value);
  const objectPath = prop.parent ? pathOf(prop.parent) : [];
  const parentSchema = schemaAtPath(objectPath);
  const known = Object.keys(parentSchema ? (deref(parentSchema).properties ?? {}) : {}).filter((k) => k !== '$schema');
  const guess = closest(key, known);
  const fixes: QuickFix[] = [];
  if (guess) fixes.push({ title: `Rename to ${guess}`, edits: [replaceNodeEdit(keyNode, guess)], preferred: true });
  fixes.push({ title: `Remove ${key}`, edits: [removeNodeEdit(prop)] });
  return fixes;
}

function wrongTypeFixes(node: Node): QuickFix[] {
  const path = pathOf(node);
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = schemaAtPath(parentPath);
  const schema = parent && typeof last === 'string' ? memberSchema(parent, last) : schemaAtPath(path);
  const want = schema ? deref(schema).type : undefined;
  if (want === 'integer' && node.type === 'number') {
    const n = Math.round(node.value as number);
    return [{ title: `Round to ${n}`, edits: [replaceNodeEdit(node, n)], preferred: true }];
  }
  if ((want === 'integer' || want === 'number') && node.type === 'string' && /^-?\d+$/.test(String(node.value).trim())) {
    const n = Number(String(node.value).trim());
    return [{ title: `Use the number ${n}`, edits: [replaceNodeEdit(node, n)], preferred: true }];
  }
  if (want === 'string' && (node.type === 'number' || node.type === 'boolean')) {
    const s = String(node.value);
    return [{ title: `Quote the value ("${s}")`, edits: [replaceNodeEdit(node, s)], preferred: true }];
  }
  if (want === 'array' && (node.type === 'string' || node.type === 'number')) {
    return [{ title: 'Wrap the value in a list', edits: [replaceNodeEdit(node, [node.value])], preferred: true }];
  }
  if (node.type === 'null' && node.parent?.type === 'property') {
    return [{ title: `Remove ${String(node.parent.children?.[0]?.value)}`, edits: [removeNodeEdit(node.parent)], preferred: true }];
  }
  return [];
}

/** A value that differs from an allowed one only in case (or surrounding space) gets "Change to X". */
function enumFixes(node: Node): QuickFix[] {
  if (typeof node.value !== 'string') return [];
  const schema = schemaAtPath(pathOf(node));
  if (!schema) return [];
  const s = deref(schema);
  const allowed = s.enum ?? s.anyOf?.map((b) => deref(b)).find((b) => b.enum)?.enum ?? [];
  const lower = node.value.trim().toLowerCase();
  const match = allowed.find((v): v is string => typeof v === 'string' && v.toLowerCase() === lower);
  return match === undefined || match === node.value ? [] : [{ title: `Change to ${match}`, edits: [replaceNodeEdit(node, match)], preferred: true }];
}

/** Keeps the first copy of each entry the list repeats. */
function duplicateItemFixes(array: Node, text: string): QuickFix[] {
  const seen = new Set<string>();
  const kept: Node[] = [];
  let dropped = 0;
  for (const item of array.children ?? []) {
    const scalar = item.type === 'string' || item.type === 'number' || item.type === 'boolean';
    const k = `${item.type}:${String(item.value)}`;
    if (scalar && seen.has(k)) {
      dropped++;
      continue;
    }
    if (scalar) seen.add(k);
    kept.push(item);
  }
  if (dropped === 0) return [];
  const newText = `[${kept.map((i) => text.slice(i.offset, i.offset + i.length)).join(', ')}]`;
  return [{ title: dropped === 1 ? 'Remove the duplicate' : 'Remove the duplicates', edits: [{ offset: array.offset, length: array.length, newText }], preferred: true }];
}

/** One edit removing items[keep..] with the commas before them. */
function dropTail(items: Node[], keep: number): TextEdit {
  const last = items[items.length - 1];
  const from = items[keep - 1].offset + items[keep - 1].length;
  return { offset: from, length: last.offset + last.length - from, newText: '' };
}

/** Where the token before `offset` ends (skipping white space), for "Insert ','". */
function endOfPreviousToken(text: string, offset: number): number | undefined {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return i >= 0 ? i + 1 : undefined;
}

/** The candidate that differs only in case, or within a small edit distance. */
export function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  return bestScore <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
