import { type Node } from 'jsonc-parser';
import { formatPath, hasEnvReference } from './env';
import { removeNodeEdit, replaceNodeEdit, setValueEdits } from './edits';
import type { Reporter } from './report';
import { deref, type SchemaNode } from './schema';
import { codePointLength, formatCount, plural } from './text';
import type { JsonPath, QuickFix, TextEdit } from './types';

/**
 * Checks that rules.ts reports instead, with a more specific code, message and fix. The schema
 * keeps the constraint (editors show it), the validator leaves it to the rule.
 */
export const handledByRules: ReadonlySet<string> = new Set(['ChatDurationInMinutes#minimum', 'ChatDurationInMinutes#maximum', 'InitialMessage.Content#maxLength']);

/** A placeholder value for a required member a quick fix adds, and what to say about it. */
const requiredMembers: Record<string, { placeholder: unknown; hint: string }> = {
  DisplayName: { placeholder: 'Customer', hint: 'the name shown for the customer' },
  ContentType: { placeholder: 'text/plain', hint: 'e.g. "text/plain"' },
  Content: { placeholder: 'Hello', hint: 'the message text' },
};

export function validateAgainstSchema(root: Node, schema: SchemaNode, r: Reporter): void {
  new SchemaWalker(r).validate(root, schema, []);
}

class SchemaWalker {
  constructor(private readonly r: Reporter) {}

  validate(node: Node, rawSchema: SchemaNode, path: JsonPath): void {
    const schema = deref(rawSchema);
    if (schema.anyOf) {
      this.validateAnyOf(node, schema, path);
      return;
    }
    if (schema.type && !this.checkType(node, schema, path)) return;
    if (schema.enum && !schema.enum.some((v) => v === node.value)) this.reportEnum(node, schema, schema.enum, path);
    switch (node.type) {
      case 'object':
        this.validateObject(node, schema, path);
        break;
      case 'array':
        this.validateArray(node, schema, path);
        break;
      case 'string':
        this.validateString(node, schema, path);
        break;
      case 'number':
        this.validateNumber(node, schema, path);
        break;
      default:
        break;
    }
  }

  private skip(path: JsonPath, keyword: string): boolean {
    return handledByRules.has(`${formatPath(path)}#${keyword}`);
  }

  private validateAnyOf(node: Node, schema: SchemaNode, path: JsonPath): void {
    const branches = schema.anyOf!;
    const attempts = branches.map((b) => {
      const probe = new SchemaWalker(this.r.probe());
      probe.validate(node, b, path);
      return probe.r.diagnostics.length;
    });
    if (attempts.some((n) => n === 0)) return;
    const enumBranch = branches.map((b) => deref(b)).find((b) => b.enum);
    if (enumBranch && (node.type === 'string' || node.type === 'number' || node.type === 'boolean' || node.type === 'null')) {
      this.reportEnum(node, schema, enumBranch.enum!, path);
      return;
    }
    // Not a scalar at all: report against the first branch, which is the documented shape.
    this.validate(node, branches[0], path);
  }

  private checkType(node: Node, schema: SchemaNode, path: JsonPath): boolean {
    const want = schema.type!;
    const ok =
      (want === 'object' && node.type === 'object') ||
      (want === 'array' && node.type === 'array') ||
      (want === 'string' && node.type === 'string') ||
      (want === 'boolean' && node.type === 'boolean') ||
      (want === 'number' && node.type === 'number') ||
      (want === 'integer' && node.type === 'number' && Number.isInteger(node.value));
    if (ok) return true;
    const field = formatPath(path);
    const fixes: QuickFix[] = [];
    let hint = '';
    if (want === 'integer' && node.type === 'number') {
      hint = ` Use a whole number such as ${Math.round(node.value as number)}.`;
      fixes.push({ title: `Round to ${Math.round(node.value as number)}`, edits: [replaceNodeEdit(node, Math.round(node.value as number))], preferred: true });
    } else if ((want === 'integer' || want === 'number') && node.type === 'string' && /^-?\d+$/.test(String(node.value).trim())) {
      const n = Number(String(node.value).trim());
      hint = ` Remove the quotes: ${n}.`;
      fixes.push({ title: `Use the number ${n}`, edits: [replaceNodeEdit(node, n)], preferred: true });
    } else if (want === 'string' && (node.type === 'number' || node.type === 'boolean')) {
      const s = String(node.value);
      hint = ` Put the value in quotes: "${s}".`;
      fixes.push({ title: `Quote the value ("${s}")`, edits: [replaceNodeEdit(node, s)], preferred: true });
    } else if (want === 'array' && (node.type === 'string' || node.type === 'number')) {
      hint = ` Wrap it in a list: [${JSON.stringify(node.value)}].`;
      fixes.push({ title: 'Wrap the value in a list', edits: [replaceNodeEdit(node, [node.value])], preferred: true });
    } else if (node.type === 'null') {
      hint = ' To leave the member unset, remove it.';
      const member = node.parent?.type === 'property' ? node.parent : undefined;
      if (member) fixes.push({ title: `Remove ${String(member.children?.[0]?.value)}`, edits: [removeNodeEdit(member)], preferred: true });
    } else if (want === 'object') {
      hint = ' Write it as a JSON object { ... }.';
    }
    this.r.node(
      'chatreq/wrong-type',
      'error',
      node,
      `${field} must be ${article(want)}, not ${article(node.type === 'number' && want === 'integer' ? 'fractional number' : node.type)}.${hint}`,
      { path, fixes },
    );
    return false;
  }

  private reportEnum(node: Node, schema: SchemaNode, allowed: unknown[], path: JsonPath): void {
    const field = formatPath(path);
    let match: string | undefined;
    if (typeof node.value === 'string') {
      const lower = node.value.trim().toLowerCase();
      match = allowed.find((v): v is string => typeof v === 'string' && v.toLowerCase() === lower);
    }
    const fixes: QuickFix[] =
      match === undefined ? [] : [{ title: `Change to ${match}`, edits: [replaceNodeEdit(node, match)], preferred: true }];
    const shown = node.type === 'string' || node.type === 'number' || node.type === 'boolean' ? JSON.stringify(node.value) : article(node.type);
    const rule = schema.errorMessage ?? `Allowed values: ${allowed.map((v) => String(v)).join(', ')}.`;
    const suggestion = match === undefined ? '' : ` Did you mean ${match}? Values are case-sensitive.`;
    this.r.node('chatreq/invalid-value', 'error', node, `${field} is ${shown}, which Connect does not accept. ${rule}${suggestion}`, { path, fixes });
  }

  private validateObject(node: Node, schema: SchemaNode, path: JsonPath): void {
    const props = node.children ?? [];
    const seen = new Map<string, Node>();
    const field = formatPath(path);
    for (const prop of props) {
      const keyNode = prop.children?.[0];
      const valueNode = prop.children?.[1];
      if (!keyNode) continue;
      const key = String(keyNode.value);
      const first = seen.get(key);
      if (first) {
        const line = this.r.lines.position(first.offset).line + 1;
        this.r.node(
          'chatreq/duplicate-key',
          'error',
          keyNode,
          `${formatPath([...path, key])} appears more than once (first on line ${line}); JSON readers keep only one of them. Remove the duplicate.`,
          { path: [...path, key], fixes: [{ title: `Remove this ${key}`, edits: [removeNodeEdit(prop)], preferred: true }] },
        );
        continue;
      }
      seen.set(key, keyNode);
      if (schema.propertyNames) this.validateKey(keyNode, deref(schema.propertyNames), path);
      const own = schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, key) ? schema.properties[key] : undefined;
      const sub = own ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub) {
        if (valueNode) this.validate(valueNode, sub, [...path, key]);
      } else if (schema.additionalProperties === false) {
        this.reportUnknownMember(prop, keyNode, key, schema, path);
      }
    }
    for (const req of schema.required ?? []) {
      if (seen.has(req)) continue;
      const anchor = node.parent?.type === 'property' ? node.parent.children![0] : { ...node, length: 1 };
      const fixes: QuickFix[] = [];
      const known = requiredMembers[req];
      if (known) {
        fixes.push({ title: `Add ${req}`, edits: setValueEdits(this.r.text, [...path, req], known.placeholder), preferred: true });
      }
      this.r.node(
        'chatreq/missing-member',
        'error',
        anchor,
        `${field} is missing the required member ${req}${known ? ` (${known.hint})` : ''}. Add "${req}": ...`,
        { path, fixes },
      );
    }
    if (schema.minProperties !== undefined && props.length < schema.minProperties) {
      const names = Object.keys(schema.properties ?? {}).join(', ');
      this.r.node('chatreq/empty-object', 'error', node, `${field} is empty; set ${schema.minProperties === 1 ? 'one' : schema.minProperties} of ${names}.`, { path });
    }
  }

  private reportUnknownMember(prop: Node, keyNode: Node, key: string, schema: SchemaNode, path: JsonPath): void {
    const known = Object.keys(schema.properties ?? {});
    const guess = closest(key, known.filter((k) => k !== '$schema'));
    const where = path.length === 0 ? 'StartChatContact has no member' : `${formatPath(path)} has no member`;
    const fixes: QuickFix[] = [];
    if (guess) {
      fixes.push({ title: `Rename to ${guess}`, edits: [replaceNodeEdit(keyNode, guess)], preferred: true });
    }
    fixes.push({ title: `Remove ${key}`, edits: [removeNodeEdit(prop)] });
    const advice = guess
      ? ` Did you mean ${guess}? Member names are case-sensitive.`
      : ` Remove it; allowed members: ${known.join(', ')}.`;
    this.r.node('chatreq/unknown-member', 'error', keyNode, `${where} named "${key}".${advice}`, { path: [...path, key], fixes });
  }

  private validateKey(keyNode: Node, names: SchemaNode, path: JsonPath): void {
    const key = String(keyNode.value);
    const len = codePointLength(key);
    const field = formatPath(path);
    if (names.minLength !== undefined && len < names.minLength) {
      this.r.node('chatreq/invalid-key', 'error', keyNode, `${field} has an empty key; give the entry a name.`, { path: [...path, key] });
    } else if (names.maxLength !== undefined && len > names.maxLength) {
      this.r.node(
        'chatreq/invalid-key',
        'error',
        keyNode,
        `${field} key is ${plural(len, 'character')} long; keys may have at most ${formatCount(names.maxLength)}. Shorten it.`,
        { path: [...path, key] },
      );
    }
  }

  private validateArray(node: Node, schema: SchemaNode, path: JsonPath): void {
    const items = node.children ?? [];
    const field = formatPath(path);
    if (schema.minItems !== undefined && items.length < schema.minItems) {
      this.r.node('chatreq/too-few-items', 'error', node, `${field} has ${plural(items.length, 'entry', 'entries')}; it needs at least ${schema.minItems}.`, { path });
    }
    if (schema.maxItems !== undefined && items.length > schema.maxItems) {
      const extra = items.slice(schema.maxItems);
      this.r.node(
        'chatreq/too-many-items',
        'error',
        node,
        `${field} has ${plural(items.length, 'entry', 'entries')}; at most ${schema.maxItems} ${schema.maxItems === 1 ? 'is' : 'are'} allowed. Remove the extra ${extra.length === 1 ? 'entry' : 'entries'}.`,
        { path, fixes: schema.maxItems > 0 ? [{ title: schema.maxItems === 1 ? 'Keep only the first entry' : `Keep only the first ${schema.maxItems} entries`, edits: [dropTail(items, schema.maxItems)] }] : [] },
      );
    }
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      if (schema.items) this.validate(item, schema.items, [...path, i]);
      if (schema.uniqueItems && (item.type === 'string' || item.type === 'number' || item.type === 'boolean')) {
        const k = `${item.type}:${String(item.value)}`;
        const first = seen.get(k);
        if (first !== undefined) {
          this.r.node('chatreq/duplicate-item', 'error', item, `${field} lists ${JSON.stringify(item.value)} twice (entries ${first} and ${i}); remove the duplicate.`, {
            path: [...path, i],
            fixes: [{ title: 'Remove the duplicate', edits: [removeNodeEdit(item)], preferred: true }],
          });
        } else seen.set(k, i);
      }
    });
  }

  private validateString(node: Node, schema: SchemaNode, path: JsonPath): void {
    const value = String(node.value);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      this.r.node('chatreq/invalid-value', 'error', node, `${formatPath(path)} does not have the expected form (${schema.pattern}).`, { path });
    }
    // The literal length of "${env:X}" says nothing about the launched value.
    if (hasEnvReference(value)) return;
    const len = codePointLength(value);
    const field = formatPath(path);
    if (schema.minLength !== undefined && len < schema.minLength && !this.skip(path, 'minLength')) {
      this.r.node(
        'chatreq/too-short',
        'error',
        node,
        len === 0
          ? `${field} is empty; it needs at least ${plural(schema.minLength, 'character')}. Fill it in or remove the member.`
          : `${field} is ${plural(len, 'character')} long; it needs at least ${formatCount(schema.minLength)}.`,
        { path },
      );
    }
    if (schema.maxLength !== undefined && len > schema.maxLength && !this.skip(path, 'maxLength')) {
      this.r.node(
        'chatreq/too-long',
        'error',
        node,
        `${field} is ${plural(len, 'character')} long, ${formatCount(len - schema.maxLength)} over the ${formatCount(schema.maxLength)}-character limit. Shorten it.`,
        { path },
      );
    }
  }

  private validateNumber(node: Node, schema: SchemaNode, path: JsonPath): void {
    const n = node.value as number;
    const field = formatPath(path);
    if (schema.minimum !== undefined && n < schema.minimum && !this.skip(path, 'minimum')) {
      this.r.node('chatreq/out-of-range', 'error', node, `${field} is ${n}; the minimum is ${formatCount(schema.minimum)}.`, { path });
    }
    if (schema.maximum !== undefined && n > schema.maximum && !this.skip(path, 'maximum')) {
      this.r.node('chatreq/out-of-range', 'error', node, `${field} is ${n}; the maximum is ${formatCount(schema.maximum)}.`, { path });
    }
  }
}

function article(type: string): string {
  const word = type === 'null' ? 'null' : type;
  if (word === 'null') return 'null';
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

/** One edit removing items[keep..] with the commas before them. */
function dropTail(items: Node[], keep: number): TextEdit {
  const last = items[items.length - 1];
  const from = items[keep - 1].offset + items[keep - 1].length;
  return { offset: from, length: last.offset + last.length - from, newText: '' };
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
