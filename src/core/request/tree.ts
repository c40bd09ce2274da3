import { findNodeAtOffset, type Node, parseTree } from 'jsonc-parser';
import type { JsonPath } from './types';

/** A forgiving parse for editor features: they must work on half-typed text. */
export function parseLoose(text: string): Node | undefined {
  return parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
}

/** JSON path of a value node, or of the member a key node names. */
export function pathOf(node: Node): JsonPath {
  const path: JsonPath = [];
  let n: Node | undefined = node;
  while (n?.parent) {
    const p: Node = n.parent;
    if (p.type === 'property') {
      const key = p.children?.[0];
      if (key) path.unshift(String(key.value));
      n = p.parent;
    } else if (p.type === 'array') {
      path.unshift(p.children?.indexOf(n) ?? 0);
      n = p;
    } else n = p;
  }
  return path;
}

export function isKeyNode(node: Node): boolean {
  return node.parent?.type === 'property' && node.parent.children?.[0] === node;
}

/** The innermost node at `offset` (ends inclusive, so a cursor after a token still finds it). */
export function nodeAt(root: Node | undefined, offset: number): Node | undefined {
  return root ? findNodeAtOffset(root, offset, true) : undefined;
}
