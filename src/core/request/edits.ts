import { type Node, modify, type FormattingOptions } from 'jsonc-parser';
import type { JsonPath, TextEdit } from './types';

/** Indentation and line ending as the file already uses them, so fixes blend in. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const m = /\n([ \t]+)["}\]]/.exec(text);
  if (m && m[1].startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: m ? Math.min(m[1].length, 8) : 2, eol };
}

/** Sets (adds or replaces) the value at `path`. */
export function setValueEdits(text: string, path: JsonPath, value: unknown, insertInArray = false): TextEdit[] {
  return modify(text, path, value, { formattingOptions: detectFormatting(text), isArrayInsertion: insertInArray }).map(
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
