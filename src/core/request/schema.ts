import rawSchema from './chatreq.schema.json';
import type { JsonPath } from './types';

/** The subset of JSON Schema draft-07 (plus VS Code's annotations) that chatreq.schema.json uses. */
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

export const requestSchema = rawSchema as unknown as SchemaNode;

/** Keywords the validator understands; a test keeps the schema file within this list. */
export const supportedKeywords = new Set([
  '$schema', '$id', '$ref', 'type', 'properties', 'additionalProperties', 'required', 'propertyNames',
  'minProperties', 'items', 'minItems', 'maxItems', 'uniqueItems', 'minLength', 'maxLength', 'pattern',
  'minimum', 'maximum', 'enum', 'anyOf', 'definitions', 'title', 'description', 'markdownDescription',
  'errorMessage', 'enumDescriptions', 'defaultSnippets',
]);

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
