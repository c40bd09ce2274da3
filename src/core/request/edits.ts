import { type Node, modify, type FormattingOptions } from 'jsonc-parser';
import rawSchema from './chatreq.schema.json';
import type { JsonPath, TextEdit } from './types';

/** The request's members in the order the schema (and the StartChatContact reference) lists them. */
export const REQUEST_MEMBER_ORDER: readonly string[] = Object.keys((rawSchema as { properties: Record<string, unknown> }).properties);

/**
 * Where a new top-level member goes among the `existing` ones: right after the last member that
 * comes before it in {@link REQUEST_MEMBER_ORDER} (so ContactFlowId lands after InstanceId, not at
 * the end), else before the first one that comes after it; members the order does not know keep
 * their places and are stepped over. At the end when nothing says otherwise.
 */
export function memberInsertionIndex(existing: readonly string[], key: string, order: readonly string[] = REQUEST_MEMBER_ORDER): number {
  const rank = order.indexOf(key);
  if (rank < 0) return existing.length;
  let index = -1;
  existing.forEach((name, i) => {
    const r = order.indexOf(name);
    if (r >= 0 && r < rank) index = i;
  });
  if (index >= 0) return index + 1;
  const firstAfter = existing.findIndex((name) => order.indexOf(name) > rank);
  return firstAfter >= 0 ? firstAfter : existing.length;
}

/** Indentation and line ending as the file already uses them, so fixes blend in. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const m = /\n([ \t]+)["}\]]/.exec(text);
  if (m && m[1].startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: m ? Math.min(m[1].length, 8) : 2, eol };
}

/** Sets (adds or replaces) the value at `path`. */
export function setValueEdits(text: string, path: JsonPath, value: unknown, insertInArray = false): TextEdit[] {
  const key = path.length === 1 && typeof path[0] === 'string' ? path[0] : undefined;
  const getInsertionIndex = key !== undefined ? (existing: string[]) => memberInsertionIndex(existing, key) : undefined;
  return modify(text, path, value, { formattingOptions: detectFormatting(text), isArrayInsertion: insertInArray, ...(getInsertionIndex ? { getInsertionIndex } : {}) }).map(
    (e) => ({ offset: e.offset, length: e.length, newText: e.content }),
  );
}

export function replaceNodeEdit(node: Node, value: unknown): TextEdit {
  return { offset: node.offset, length: node.length, newText: JSON.stringify(value) };
}

/**
 * Removes an object property (pass the `property` node) or an array element, together with the
 * comma that separates it from its neighbours. Works on nodes, not paths, so it is right for
 * duplicate keys too.
 */
export function removeNodeEdit(item: Node): TextEdit {
  const parent = item.parent;
  const siblings = parent?.children ?? [item];
  const i = siblings.indexOf(item);
  if (!parent || siblings.length === 1) {
    if (!parent) return { offset: item.offset, length: item.length, newText: '' };
    // Only member: leave an empty `{}` / `[]`.
    const open = parent.offset + 1;
    return { offset: open, length: parent.offset + parent.length - 1 - open, newText: '' };
  }
  if (i < siblings.length - 1) {
    return { offset: item.offset, length: siblings[i + 1].offset - item.offset, newText: '' };
  }
  const prev = siblings[i - 1];
  const prevEnd = prev.offset + prev.length;
  return { offset: prevEnd, length: item.offset + item.length - prevEnd, newText: '' };
}

/** The `property` node a key or value node belongs to (or the node itself). */
export function propertyOf(node: Node): Node {
  return node.parent?.type === 'property' ? node.parent : node;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}
