import { getLocation, stripComments, type Node } from 'jsonc-parser';
import { flowStartProblem } from './flowTarget';
import { describeReaders, type AttributeKeyUsage, type AttributeUsage } from './flowUsage';
import { requestSnippets } from './snippets';
import { isKeyNode, nodeAt, parseLoose } from './tree';
import type { JsonPath } from './types';

/**
 * Live completion: the values only the account knows (instances, flows, the attribute keys the
 * selected flow reads and the values it compares them with), and the whole-request snippets where
 * a whole request fits. The schema's members, enum values and member snippets are VS Code's JSON
 * language service's to offer (the contributed jsonValidation schema); nothing here repeats them.
 */
export type CompletionKind = 'property' | 'value' | 'reference' | 'snippet';

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
  const whole = wholeRequestSnippets(text, offset);
  if (whole) return whole;
  const root = parseLoose(text);
  const loc = getLocation(text, offset);
  const node = nodeAt(root, offset);
  return loc.isAtPropertyKey ? keyCandidates(text, offset, loc.path.slice(0, -1), node, root, context) : valueCandidates(text, offset, loc.path, node, context);
}

/**
 * The whole-request snippets, offered only where a whole request fits: a file with nothing in it
 * yet but comments, blank space and the word being typed. Inside a request (in `Attributes`, in a
 * string value) they would nest one request in another, so they are not offered there.
 */
export function wholeRequestSnippets(text: string, offset: number): CompletionCandidate[] | undefined {
  const before = /[A-Za-z0-9_-]*$/.exec(text.slice(0, offset))![0];
  const after = /^[A-Za-z0-9_-]*/.exec(text.slice(offset))![0];
  const start = offset - before.length;
  const rest = text.slice(0, start) + text.slice(offset + after.length);
  if (stripComments(rest).trim() !== '') return undefined;
  return requestSnippets.map((sn) => ({
    label: sn.prefix,
    kind: 'snippet' as const,
    insertText: sn.body.join('\n'),
    isSnippet: true,
    replace: { offset: start, length: before.length + after.length },
    filterText: sn.prefix,
    detail: sn.name,
    documentation: sn.description,
  }));
}

/** Attribute keys the flow reads, inside `Attributes`. */
function keyCandidates(text: string, offset: number, objectPath: JsonPath, node: Node | undefined, root: Node | undefined, context: CompletionContext): CompletionCandidate[] {
  if (objectPath.length !== 1 || objectPath[0] !== 'Attributes') return [];
  const keyNode = node && node.type === 'string' && isKeyNode(node) && node.offset < offset ? node : undefined;
  const property = keyNode?.parent;
  const hasValue = property !== undefined && property.colonOffset !== undefined && property.colonOffset >= 0;
  // A key that already has its value is renamed between its quotes (a snippet's key placeholder
  // stays in its session); otherwise the whole key is written with an empty value to fill.
  const inside = keyNode !== undefined && hasValue && isClosedString(text, keyNode);
  const replace = keyNode ? (inside ? { offset: keyNode.offset + 1, length: keyNode.length - 2 } : { offset: keyNode.offset, length: keyNode.length }) : { offset, length: 0 };
  const existing = new Set(objectKeys(root, objectPath).filter((k) => k !== keyNode?.value));
  const needsComma = !keyNode && /^\s*"/.test(text.slice(offset));
  const out: CompletionCandidate[] = [];
  for (const k of context.attributeUsage?.keys ?? []) {
    if (existing.has(k.key)) continue;
    const name = escapeSnippet(JSON.stringify(k.key));
    const insertText = inside ? name.slice(1, -1) : hasValue ? name : `${name}: "$1"${needsComma ? ',' : ''}`;
    out.push({ label: k.key, kind: 'property', insertText, isSnippet: true, replace, filterText: keyNode && !inside ? JSON.stringify(k.key) : k.key, documentation: attributeDoc(k), detail: readDetail(k) });
  }
  return out;
}

/** "read by Support Bot, After Hours": the flows, when the usage knows them. */
function readDetail(k: AttributeKeyUsage): string {
  const flows = [...new Set(k.readBy.map((r) => r.flow).filter((f): f is string => f !== undefined))];
  return flows.length > 0 ? `read by ${flows.join(', ')}` : 'read by the flow';
}

function attributeDoc(k: AttributeKeyUsage): string {
  const lines = [`**$.Attributes.${k.key}**: read by the selected flow`];
  if (k.readBy.length > 0) lines.push(`(${describeReaders(k.readBy)})`);
  if (k.values.length > 0) lines.push(`\n\nCompared with: ${k.values.map((v) => `\`${v}\``).join(', ')}`);
  return lines.join(' ');
}

function valueCandidates(text: string, offset: number, path: JsonPath, node: Node | undefined, context: CompletionContext): CompletionCandidate[] {
  const scalar = node && (node.type === 'string' || node.type === 'number' || node.type === 'boolean') && !isKeyNode(node) ? node : undefined;
  // Inside a closed string only what is between the quotes is replaced, so a snippet placeholder
  // there (`"${1:instance-id}"`) takes the value and the snippet session goes on to the next one.
  const inside = scalar?.type === 'string' && isClosedString(text, scalar);
  const replace = scalar ? (inside ? { offset: scalar.offset + 1, length: scalar.length - 2 } : { offset: scalar.offset, length: scalar.length }) : { offset, length: 0 };
  const quoted = scalar?.type === 'string' && !inside;
  const out: CompletionCandidate[] = [];
  const add = (value: string, label: string, kind: 'value' | 'reference', documentation?: string, detail?: string): void => {
    const json = JSON.stringify(value);
    // A reference is found by its label (alias, flow name) or by its ID, whichever the user types.
    const words = kind === 'reference' && label !== value ? `${label} ${value}` : undefined;
    const filterText = words !== undefined ? (quoted ? JSON.stringify(words) : words) : quoted ? json : inside ? value : label;
    const c: CompletionCandidate = { label, kind, insertText: escapeSnippet(inside ? json.slice(1, -1) : json), isSnippet: true, replace, filterText };
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
  if (inside) keepWhenNothingMatches(out, text.slice(replace.offset, offset));
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

/**
 * Text in the string that matches none of the candidates (a snippet's placeholder such as
 * `instance-id`, an ID the account no longer has) is something to replace, not a filter: every
 * candidate is kept by starting its filter text with it. Text that matches some of them (what the
 * user is typing) filters as usual.
 */
function keepWhenNothingMatches(candidates: CompletionCandidate[], typed: string): void {
  if (typed === '' || candidates.some((c) => isSubsequence(typed.toLowerCase(), c.filterText.toLowerCase()))) return;
  for (const c of candidates) c.filterText = `${typed} ${c.filterText}`;
}

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (const ch of hay) if (i < needle.length && ch === needle[i]) i++;
  return i === needle.length;
}

/** A string node that ends with its own closing quote (not one cut off at the end of a line). */
function isClosedString(text: string, node: Node): boolean {
  if (node.length < 2 || text[node.offset + node.length - 1] !== '"') return false;
  let backslashes = 0;
  for (let i = node.offset + node.length - 2; i > node.offset && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** Literal text inside a snippet: `$`, `}` and `\` must not start snippet syntax. */
function escapeSnippet(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}
