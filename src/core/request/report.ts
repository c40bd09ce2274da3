import type { Node } from 'jsonc-parser';
import { LineIndex } from './text';
import type { Diagnostic, DiagnosticSource, JsonPath, QuickFix, Severity } from './types';

/** Collects diagnostics for one text; shared by the syntax, schema and rule passes. */
export class Reporter {
  readonly lines: LineIndex;
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly text: string,
    lines?: LineIndex,
  ) {
    this.lines = lines ?? new LineIndex(text);
  }

  at(
    code: string,
    severity: Severity,
    offset: number,
    length: number,
    message: string,
    extra: { path?: JsonPath; fixes?: QuickFix[]; source?: DiagnosticSource } = {},
  ): void {
    const d: Diagnostic = { code, severity, message, range: this.lines.range(offset, length) };
    if (extra.source === 'json') d.source = 'json';
    if (extra.path) d.path = extra.path;
    if (extra.fixes && extra.fixes.length > 0) d.fixes = extra.fixes;
    this.diagnostics.push(d);
  }

  node(code: string, severity: Severity, node: Node, message: string, extra: { path?: JsonPath; fixes?: QuickFix[] } = {}): void {
    this.at(code, severity, node.offset, node.length, message, extra);
  }
}

/** The key node of a property, for diagnostics that are about a member as a whole. */
export function keyNodeOf(valueNode: Node): Node {
  const p = valueNode.parent;
  return p?.type === 'property' && p.children?.[0] ? p.children[0] : valueNode;
}

export function jsonTypeOf(node: Node): string {
  return node.type === 'property' ? 'property' : node.type;
}
