import { getLocation, type Node } from 'jsonc-parser';
import { flowStartProblem } from './flowTarget';
import type { AttributeKeyUsage, AttributeUsage } from './flowUsage';
import { isKeyNode, nodeAt, parseLoose } from './tree';
import type { JsonPath } from './types';

/**
 * Live completion: the values only the account knows (instances, flows, the attribute keys the
 * selected flow reads and the values it compares them with). The schema's members, enum values
 * and snippets are VS Code's JSON language service's to offer (the contributed jsonValidation
 * schema); nothing here repeats them.
 */
export type CompletionKind = 'property' | 'value' | 'reference';

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

/** Live data the editor already has cached; completion never fetches anything itself. */
export interface CompletionContext {
  /** From extractAttributeUsage / mergeAttributeUsage over the selected flow and its transfers. */
  attributeUsage?: AttributeUsage;
  instances?: Array<{ id: string; alias?: string; arn?: string }>;
  flows?: Array<{ id: string; name?: string; type?: string; state?: string; status?: string }>;
  /** For hover: only the live part, for an editor whose JSON language service shows the schema's text. */
  liveOnly?: boolean;
}

/** Completion candidates at `offset` from the live data in `context`. */
export function completionsAt(text: string, offset: number, context: CompletionContext = {}): CompletionCandidate[] {
  const root = parseLoose(text);
  const loc = getLocation(text, offset);
  const node = nodeAt(root, offset);
  return loc.isAtPropertyKey ? keyCandidates(text, offset, loc.path.slice(0, -1), node, root, context) : valueCandidates(offset, loc.path, node, context);
}

/** Attribute keys the flow reads, inside `Attributes`. */
function keyCandidates(text: string, offset: number, objectPath: JsonPath, node: Node | undefined, root: Node | undefined, context: CompletionContext): CompletionCandidate[] {
  if (objectPath.length !== 1 || objectPath[0] !== 'Attributes') return [];
  const keyNode = node && node.type === 'string' && isKeyNode(node) && node.offset < offset ? node : undefined;
  const property = keyNode?.parent;
  const hasValue = property !== undefined && property.colonOffset !== undefined && property.colonOffset >= 0;
  const replace = keyNode ? { offset: keyNode.offset, length: keyNode.length } : { offset, length: 0 };
  const existing = new Set(objectKeys(root, objectPath).filter((k) => k !== keyNode?.value));
  const needsComma = !keyNode && /^\s*"/.test(text.slice(offset));
  const out: CompletionCandidate[] = [];
  for (const k of context.attributeUsage?.keys ?? []) {
    if (existing.has(k.key)) continue;
    const name = escapeSnippet(JSON.stringify(k.key));
    const insertText = hasValue ? name : `${name}: "$1"${needsComma ? ',' : ''}`;
    out.push({ label: k.key, kind: 'property', insertText, isSnippet: true, replace, filterText: keyNode ? JSON.stringify(k.key) : k.key, documentation: attributeDoc(k), detail: 'read by the flow' });
  }
  return out;
}

function attributeDoc(k: AttributeKeyUsage): string {
  const lines = [`**$.Attributes.${k.key}**: read by the selected flow`];
  if (k.actions.length > 0) lines.push(`in ${k.actions.map((a) => `\`${a}\``).join(', ')}`);
  if (k.values.length > 0) lines.push(`\n\nCompared with: ${k.values.map((v) => `\`${v}\``).join(', ')}`);
  return lines.join(' ');
}

function valueCandidates(offset: number, path: JsonPath, node: Node | undefined, context: CompletionContext): CompletionCandidate[] {
  const scalar = node && (node.type === 'string' || node.type === 'number' || node.type === 'boolean') && !isKeyNode(node) ? node : undefined;
  const replace = scalar ? { offset: scalar.offset, length: scalar.length } : { offset, length: 0 };
  const quoted = scalar?.type === 'string';
  const out: CompletionCandidate[] = [];
  const add = (value: string, label: string, kind: 'value' | 'reference', documentation?: string, detail?: string): void => {
    const json = JSON.stringify(value);
    // A reference is found by its label (alias, flow name) or by its ID, whichever the user types.
    const words = kind === 'reference' && label !== value ? `${label} ${value}` : undefined;
    const filterText = words !== undefined ? (quoted ? JSON.stringify(words) : words) : quoted ? json : label;
    const c: CompletionCandidate = { label, kind, insertText: escapeSnippet(json), isSnippet: true, replace, filterText };
    if (documentation !== undefined) c.documentation = documentation;
    if (detail !== undefined) c.detail = detail;
    out.push(c);
  };
  const [first, second] = path;
  if (path.length === 1 && first === 'InstanceId') {
    for (const i of context.instances ?? []) add(i.id, i.alias ?? i.id, 'reference', i.arn ? `\`${i.arn}\`` : undefined, i.id);
  }
  if (path.length === 1 && first === 'ContactFlowId') {
    // Flows StartChatContact can start come first; the others are marked with the reason.
    for (const f of context.flows ?? []) {
      const problem = flowStartProblem(f);
      const facts = [f.type, f.state, f.status].filter(Boolean).join(' · ') || f.id;
      const detail = problem ? `⚠ ${facts} · not startable` : facts;
      const doc = problem ? `Flow ID \`${f.id}\`\n\n⚠ This flow is ${problem}.` : `Flow ID \`${f.id}\``;
      add(f.id, f.name ?? f.id, 'reference', doc, detail);
      out[out.length - 1].sortText = `${problem ? '1' : '0'}${f.name ?? f.id}`;
    }
  }
  if (path.length === 2 && first === 'Attributes' && typeof second === 'string') {
    const usage = context.attributeUsage?.keys.find((k) => k.key === second);
    for (const v of usage?.values ?? []) add(v, v, 'value', `The flow compares $.Attributes.${second} with \`${v}\`.`);
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

/** Literal text inside a snippet: `$`, `}` and `\` must not start snippet syntax. */
function escapeSnippet(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}
