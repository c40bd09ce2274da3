import rawSchema from './chatreq.schema.json';
import {
  DEFAULT_CHAT_MINUTES,
  type Limit,
  MESSAGE_CONTENT_LENGTHS,
  MESSAGE_CONTENT_TYPES,
  MESSAGING_CONTENT_TYPES,
  SEGMENT_VALUE_LIMITS,
  START_CHAT_LIMITS,
  ATTRIBUTES_MAX_BYTES,
} from './limits';
import { formatCount } from './text';
import type { JsonPath } from './types';

/** The parts of JSON Schema draft-07 (plus VS Code's annotations) that chatreq.schema.json uses, as hover and the fixes read them. */
export interface SchemaNode {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  propertyNames?: SchemaNode;
  minProperties?: number;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  definitions?: Record<string, SchemaNode>;
  title?: string;
  description?: string;
  markdownDescription?: string;
  errorMessage?: string;
  enumDescriptions?: string[];
  defaultSnippets?: Array<{ label?: string; description?: string; body: unknown }>;
}

/**
 * Enumerations that are documented rather than modelled (limits.ts): the schema offers them as
 * completions and reports other values.
 */
const DOCUMENTED_ENUMS: Record<string, readonly string[]> = {
  'InitialMessage.ContentType': MESSAGE_CONTENT_TYPES,
  'SupportedMessagingContentTypes[]': MESSAGING_CONTENT_TYPES,
};

/** The schema node a limits path (`a.b`, `a.{key}`, `a.*`, `a[]`) names, from `start`. */
function nodeAt(start: SchemaNode, path: string): { node: SchemaNode; parent?: SchemaNode; member?: string } {
  let node = start;
  let parent: SchemaNode | undefined;
  let member: string | undefined;
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    const name = list ? part.slice(0, -2) : part;
    // Key lengths are the only thing the schema says about a map's keys.
    if (name === '{key}') node.propertyNames ??= {};
    const next = name === '{key}' ? node.propertyNames : name === '*' ? node.additionalProperties : node.properties?.[name];
    if (typeof next !== 'object') throw new Error(`chatreq schema: nothing at ${path} for the limit there (limits.ts)`);
    if (name === '{key}' || name === '*') [parent, member] = [undefined, undefined];
    else [parent, member] = [node, name];
    node = next;
    if (list) {
      if (!node.items) throw new Error(`chatreq schema: ${path} is not a list`);
      [parent, member, node] = [undefined, undefined, node.items];
    }
  }
  return { node, parent, member };
}

/** The enum branch of a member written as `anyOf: [{enum}, {$ref: envReference}]`, or the node. */
const enumHolder = (node: SchemaNode): SchemaNode => node.anyOf?.find((b) => 'enum' in b) ?? node;

function applyLimit(root: SchemaNode, start: SchemaNode, path: string, limit: Limit, topLevel: boolean): void {
  const { node, parent, member } = nodeAt(start, path);
  const bounds = limit.length;
  // A member whose values are listed (an enum) needs no length; a minimum of 0 says nothing.
  if (bounds && enumHolder(node) === node) {
    const [min, max] = node.type === 'array' ? (['minItems', 'maxItems'] as const) : (['minLength', 'maxLength'] as const);
    if (bounds.min) node[min] = bounds.min;
    if (bounds.max !== undefined) node[max] = bounds.max;
  }
  if (limit.range) [node.minimum, node.maximum] = [limit.range.min, limit.range.max];
  if (limit.enum) enumHolder(node).enum = [...limit.enum];
  // Top-level required members are not schema errors: InstanceId and ContactFlowId are left to
  // launch (limits.ts LEFT_TO_LAUNCH) and the rule chatreq/missing-participant-details reports the
  // rest, with a quick fix.
  if (limit.required && parent && member && !(topLevel && parent === root) && !parent.required?.includes(member)) parent.required = [...(parent.required ?? []), member];
}

/** `A, B or C`, optionally with each value in backticks. */
const listOf = (values: readonly unknown[], code = false): string => {
  const v = values.map((x) => (code ? `\`${String(x)}\`` : String(x)));
  return v.length < 2 ? v.join('') : `${v.slice(0, -1).join(', ')} or ${v[v.length - 1]}`;
};

/** The text a `{{name}}` placeholder of chatreq.schema.json stands for. */
function placeholder(name: string, node: SchemaNode): string {
  if (name === 'attributesMaxBytes') return formatCount(ATTRIBUTES_MAX_BYTES);
  if (name === 'defaultChatHours') return String(DEFAULT_CHAT_MINUTES / 60);
  if (name === 'enum' || name === 'enum:code') return listOf(enumHolder(node).enum ?? [], name === 'enum:code');
  if (name.startsWith('content:')) {
    const max = MESSAGE_CONTENT_LENGTHS[name.slice('content:'.length)];
    if (max !== undefined) return formatCount(max);
  }
  const m = /^(segment:)?(.+)#(length|min|max)$/.exec(name);
  const limit: Limit | undefined = m ? (m[1] ? (SEGMENT_VALUE_LIMITS as Record<string, Limit>) : (START_CHAT_LIMITS as Record<string, Limit>))[m[2]] : undefined;
  const bounds = limit?.range ?? limit?.length;
  if (m && bounds?.min !== undefined && bounds.max !== undefined) {
    if (m[3] === 'length') return `${formatCount(bounds.min)}-${formatCount(bounds.max)}`;
    return formatCount(m[3] === 'min' ? bounds.min : bounds.max);
  }
  throw new Error(`chatreq schema: unknown placeholder {{${name}}}`);
}

function fillPlaceholders(node: unknown, owner: SchemaNode): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => {
      if (typeof v === 'string') node[i] = v.replace(/\{\{([^}]+(?:\{key\}[^}]*)?)\}\}/g, (_, name: string) => placeholder(name, owner));
      else fillPlaceholders(v, owner);
    });
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    // Snippet bodies are data, not text for people.
    if (k === 'defaultSnippets') continue;
    if (typeof v === 'string') obj[k] = v.replace(/\{\{([^}]+(?:\{key\}[^}]*)?)\}\}/g, (_, name: string) => placeholder(name, obj));
    else fillPlaceholders(v, Array.isArray(v) ? obj : (v as SchemaNode));
  }
}

/** Each enumDescriptions list describes its enum value by value, so the two must be as long. */
function checkEnumDescriptions(node: unknown, where: string): void {
  if (node === null || typeof node !== 'object') return;
  const n = node as SchemaNode;
  if (n.enumDescriptions && n.enumDescriptions.length !== (enumHolder(n).enum ?? []).length) {
    throw new Error(`chatreq schema: ${where || 'the root'} has ${n.enumDescriptions.length} enumDescriptions for ${(enumHolder(n).enum ?? []).length} values`);
  }
  for (const [k, v] of Object.entries(n)) if (k !== 'defaultSnippets' && k !== 'enum') checkEnumDescriptions(v, where ? `${where}.${k}` : k);
}

/**
 * The request schema: chatreq.schema.json (members, descriptions, snippets) with Connect's limits
 * from limits.ts applied (lengths, ranges, enums, required members) and the `{{...}}` placeholders
 * in its texts filled in from the same limits.
 */
export function buildRequestSchema(template: SchemaNode = rawSchema as unknown as SchemaNode): SchemaNode {
  const schema = structuredClone(template);
  delete (schema as { $comment?: string }).$comment;
  for (const [path, values] of Object.entries(DOCUMENTED_ENUMS)) enumHolder(nodeAt(schema, path).node).enum = [...values];
  for (const [path, limit] of Object.entries(START_CHAT_LIMITS)) applyLimit(schema, schema, path, limit, true);
  const segmentValue = schema.definitions?.segmentAttributeValue;
  if (!segmentValue) throw new Error('chatreq schema: no definitions.segmentAttributeValue');
  for (const [path, limit] of Object.entries(SEGMENT_VALUE_LIMITS)) applyLimit(schema, segmentValue, path, limit, false);
  fillPlaceholders(schema, schema);
  checkEnumDescriptions(schema, '');
  return schema;
}

export const requestSchema = buildRequestSchema();

const derefCache = new WeakMap<SchemaNode, SchemaNode>();

/**
 * Follows `$ref` (local `#/definitions/x` only). Keywords written beside the `$ref` win over the
 * target's, the way VS Code's JSON service merges them, so a member can refine a shared shape.
 */
export function deref(node: SchemaNode, root: SchemaNode = requestSchema): SchemaNode {
  if (node.$ref === undefined) return node;
  const cached = derefCache.get(node);
  if (cached) return cached;
  const m = /^#\/definitions\/(.+)$/.exec(node.$ref);
  const target = m ? root.definitions?.[m[1]] : undefined;
  if (!target) throw new Error(`chatreq schema: unresolvable $ref ${node.$ref}`);
  const { $ref: _ref, ...siblings } = node;
  const merged = { ...deref(target, root), ...siblings };
  derefCache.set(node, merged);
  return merged;
}

/** Schema of the object member `key`, from `properties` or else `additionalProperties`. */
export function memberSchema(parent: SchemaNode, key: string): SchemaNode | undefined {
  const p = deref(parent);
  const own = p.properties && Object.prototype.hasOwnProperty.call(p.properties, key) ? p.properties[key] : undefined;
  if (own) return deref(own);
  return typeof p.additionalProperties === 'object' ? deref(p.additionalProperties) : undefined;
}

/** The schema that applies at `path`, or undefined when the path leaves the schema. */
export function schemaAtPath(path: JsonPath, root: SchemaNode = requestSchema): SchemaNode | undefined {
  let node: SchemaNode | undefined = deref(root);
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = node.items ? deref(node.items) : undefined;
    else node = memberSchema(node, seg);
  }
  return node;
}

/** Allowed literal values of a member (from `enum`, directly or inside `anyOf`), with descriptions. */
export function enumOptions(node: SchemaNode): Array<{ value: unknown; description?: string }> {
  const n = deref(node);
  const values = n.enum ?? n.anyOf?.map((b) => deref(b)).find((b) => b.enum)?.enum ?? [];
  return values.map((value, i) => ({ value, description: n.enumDescriptions?.[i] }));
}

/** Names of the request's top-level members (the StartChatContact members plus `$schema`). */
export function requestMemberNames(): string[] {
  return Object.keys(requestSchema.properties ?? {});
}
