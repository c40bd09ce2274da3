import { getLocation, type Node } from 'jsonc-parser';
import { describeMember } from './describe';
import { flowStartProblem } from './flowTarget';
import type { AttributeKeyUsage, AttributeUsage } from './flowUsage';
import { deref, enumOptions, schemaAtPath, type SchemaNode } from './schema';
import { isKeyNode, nodeAt, parseLoose } from './tree';
import type { JsonPath } from './types';

export type CompletionKind = 'property' | 'enum' | 'snippet' | 'value' | 'reference';

export interface CompletionCandidate {
  label: string;
  kind: CompletionKind;
  /** Text to insert; VS Code snippet syntax when `isSnippet` is true. */
  insertText: string;
  isSnippet: boolean;
  /** Replace this span of the text (it may be empty: a plain insertion at the cursor). */
  replace: { offset: number; length: number };
  /** What VS Code should match the typed text against (includes the quote when one is replaced). */
  filterText: string;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  sortText?: string;
}

type Candidate = CompletionCandidate & { live?: boolean };

/** Live data the editor already has cached; completion never fetches anything itself. */
export interface CompletionContext {
  /** From extractAttributeUsage / mergeAttributeUsage over the selected flow and its transfers. */
  attributeUsage?: AttributeUsage;
  instances?: Array<{ id: string; alias?: string; arn?: string }>;
  flows?: Array<{ id: string; name?: string; type?: string; state?: string; status?: string }>;
  /**
   * Only the live candidates (instances, flows, attribute keys and values the flow reads), for an
   * editor whose JSON language service already completes the schema's members, enums and snippets.
   */
  liveOnly?: boolean;
}

/** Completion candidates at `offset`: member names, enum values, snippets and live values. */
export function completionsAt(text: string, offset: number, context: CompletionContext = {}): CompletionCandidate[] {
  const root = parseLoose(text);
  const loc = getLocation(text, offset);
  const node = nodeAt(root, offset);
  const all = loc.isAtPropertyKey
    ? memberCandidates(text, offset, loc.path.slice(0, -1), node, root, context)
    : valueCandidates(text, offset, loc.path, node, context);
  return context.liveOnly ? all.filter((c) => c.live === true).map(({ live: _live, ...c }) => c) : all.map(({ live: _live, ...c }) => c);
}

function memberCandidates(
  text: string,
  offset: number,
  objectPath: JsonPath,
  node: Node | undefined,
  root: Node | undefined,
  context: CompletionContext,
): Candidate[] {
  const schema = schemaAtPath(objectPath);
  if (!schema || (schema.type !== undefined && schema.type !== 'object')) return [];
  const keyNode = node && node.type === 'string' && isKeyNode(node) && node.offset < offset ? node : undefined;
  const property = keyNode?.parent;
  const hasValue = property !== undefined && property.colonOffset !== undefined && property.colonOffset >= 0;
  const replace = keyNode ? { offset: keyNode.offset, length: keyNode.length } : { offset, length: 0 };
  const existing = new Set(objectKeys(root, objectPath).filter((k) => k !== keyNode?.value));
  const needsComma = !keyNode && /^\s*"/.test(text.slice(offset));
  const out: Candidate[] = [];
  const add = (key: string, memberSchema: SchemaNode | undefined, documentation: string | undefined, detail?: string, sortText?: string, live = false): void => {
    if (existing.has(key)) return;
    const name = JSON.stringify(key);
    const insertText = hasValue ? escapeSnippet(name) : `${escapeSnippet(name)}: ${memberSchema ? valueSnippet(memberSchema) : '"$1"'}${needsComma ? ',' : ''}`;
    out.push({ label: key, kind: 'property', insertText, isSnippet: true, replace, filterText: keyNode ? name : key, documentation, detail, sortText, live });
  };
  const props = deref(schema).properties ?? {};
  Object.entries(props).forEach(([key, s], i) => {
    add(key, deref(s), describeMember([...objectPath, key]), undefined, String(i).padStart(3, '0'));
  });
  if (objectPath.length === 1 && objectPath[0] === 'Attributes') {
    for (const k of context.attributeUsage?.keys ?? []) add(k.key, undefined, attributeDoc(k), 'read by the flow', undefined, true);
  }
  return out;
}

function attributeDoc(k: AttributeKeyUsage): string {
  const lines = [`**$.Attributes.${k.key}**: read by the selected flow`];
  if (k.actions.length > 0) lines.push(`in ${k.actions.map((a) => `\`${a}\``).join(', ')}`);
  if (k.values.length > 0) lines.push(`\n\nCompared with: ${k.values.map((v) => `\`${v}\``).join(', ')}`);
  return lines.join(' ');
}

function valueCandidates(text: string, offset: number, path: JsonPath, node: Node | undefined, context: CompletionContext): Candidate[] {
  const schema = schemaAtPath(path);
  const scalar = node && (node.type === 'string' || node.type === 'number' || node.type === 'boolean') && !isKeyNode(node) ? node : undefined;
  const replace = scalar ? { offset: scalar.offset, length: scalar.length } : { offset, length: 0 };
  const quoted = scalar?.type === 'string';
  const out: Candidate[] = [];
  const addValue = (value: string | number, label: string, kind: CompletionKind, documentation?: string, detail?: string): void => {
    const json = JSON.stringify(value);
    const live = kind === 'reference' || kind === 'value';
    // A reference is found by its label (alias, flow name) or by its ID, whichever the user types.
    const words = kind === 'reference' && label !== String(value) ? `${label} ${String(value)}` : undefined;
    const filterText = words !== undefined ? (quoted ? JSON.stringify(words) : words) : quoted ? json : label;
    out.push({ label, kind, insertText: escapeSnippet(json), isSnippet: true, replace, filterText, documentation, detail, live });
  };
  if (schema) {
    const inArray = typeof path[path.length - 1] === 'number';
    const siblings = inArray ? arrayValues(text, path.slice(0, -1)) : new Set<unknown>();
    for (const o of enumOptions(schema)) {
      if (typeof o.value !== 'string' && typeof o.value !== 'number') continue;
      if (siblings.has(o.value) && o.value !== scalar?.value) continue;
      addValue(o.value, String(o.value), 'enum', o.description);
    }
    if (!scalar) {
      for (const s of deref(schema).defaultSnippets ?? []) {
        out.push({
          label: s.label ?? 'snippet',
          kind: 'snippet',
          insertText: renderSnippet(s.body),
          isSnippet: true,
          replace,
          filterText: s.label ?? '',
          documentation: s.description,
        });
      }
    }
  }
  const [first, second] = path;
  if (path.length === 1 && first === 'InstanceId') {
    for (const i of context.instances ?? []) addValue(i.id, i.alias ?? i.id, 'reference', i.arn ? `\`${i.arn}\`` : undefined, i.id);
  }
  if (path.length === 1 && first === 'ContactFlowId') {
    // Flows StartChatContact can start come first; the others are marked with the reason.
    for (const f of context.flows ?? []) {
      const problem = flowStartProblem(f);
      const facts = [f.type, f.state, f.status].filter(Boolean).join(' · ') || f.id;
      const detail = problem ? `⚠ ${facts} · not startable` : facts;
      const doc = problem ? `Flow ID \`${f.id}\`\n\n⚠ This flow is ${problem}.` : `Flow ID \`${f.id}\``;
      addValue(f.id, f.name ?? f.id, 'reference', doc, detail);
      out[out.length - 1].sortText = `${problem ? '1' : '0'}${f.name ?? f.id}`;
    }
  }
  if (path.length === 2 && first === 'Attributes' && typeof second === 'string') {
    const usage = context.attributeUsage?.keys.find((k) => k.key === second);
    for (const v of usage?.values ?? []) addValue(v, v, 'value', `The flow compares $.Attributes.${second} with \`${v}\`.`);
  }
  return out;
}

function objectKeys(root: Node | undefined, path: JsonPath): string[] {
  let n: Node | undefined = root;
  for (const seg of path) {
    if (!n) return [];
    if (typeof seg === 'number') n = n.type === 'array' ? n.children?.[seg] : undefined;
    else n = n.type === 'object' ? n.children?.find((p) => p.children?.[0]?.value === seg)?.children?.[1] : undefined;
  }
  return n?.type === 'object' ? (n.children ?? []).map((p) => String(p.children?.[0]?.value)) : [];
}

function arrayValues(text: string, path: JsonPath): Set<unknown> {
  let n: Node | undefined = parseLoose(text);
  for (const seg of path) {
    if (!n) return new Set();
    if (typeof seg === 'number') n = n.children?.[seg];
    else n = n.children?.find((p) => p.children?.[0]?.value === seg)?.children?.[1];
  }
  return new Set(n?.type === 'array' ? (n.children ?? []).map((c) => c.value as unknown) : []);
}

/** The value a member completion inserts after the colon. */
function valueSnippet(schema: SchemaNode): string {
  const s = deref(schema);
  const snippet = s.defaultSnippets?.[0];
  if (snippet && (s.type === 'object' || s.type === 'array')) return renderSnippet(snippet.body);
  const options = enumOptions(s)
    .map((o) => o.value)
    .filter((v): v is string => typeof v === 'string');
  if (options.length > 0) return `"\${1|${options.map((o) => o.replace(/[,|\\$}]/g, '\\$&')).join(',')}|}"`;
  switch (s.type) {
    case 'object':
      return '{$1}';
    case 'array':
      return '[$1]';
    case 'integer':
    case 'number':
      return '${1:' + String(s.minimum ?? 0) + '}';
    case 'boolean':
      return '${1|true,false|}';
    default:
      return '"$1"';
  }
}

/**
 * Renders a schema `defaultSnippets` body the way VS Code's JSON support does: strings may hold
 * snippet placeholders, and a string starting with `^` is inserted without quotes.
 */
export function renderSnippet(body: unknown, indent = ''): string {
  if (typeof body === 'string') return body.startsWith('^') ? body.slice(1) : `"${body.replace(/"/g, '\\"')}"`;
  if (Array.isArray(body)) {
    if (body.length === 0) return '[]';
    return `[\n${body.map((b) => `${indent}\t${renderSnippet(b, `${indent}\t`)}`).join(',\n')}\n${indent}]`;
  }
  if (body !== null && typeof body === 'object') {
    const entries = Object.entries(body);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${indent}\t"${k}": ${renderSnippet(v, `${indent}\t`)}`).join(',\n')}\n${indent}}`;
  }
  return String(body);
}

/** Literal text inside a snippet: `$`, `}` and `\` must not start snippet syntax. */
function escapeSnippet(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}
