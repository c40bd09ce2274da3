import { formatPath } from './env';
import { enumOptions, schemaAtPath, type SchemaNode } from './schema';
import { isKeyNode, nodeAt, parseLoose, pathOf } from './tree';
import type { JsonPath } from './types';

/**
 * Hover text (markdown) for the member at `path`, e.g. ['ParticipantDetails', 'DisplayName'];
 * array indexes describe the list's entries. Undefined outside the request schema.
 */
export function describeMember(path: JsonPath): string | undefined {
  const schema = schemaAtPath(path);
  if (!schema) return undefined;
  const doc = schema.markdownDescription ?? schema.description;
  const parentDoc = typeof path[path.length - 1] === 'number' ? describeMember(path.slice(0, -1)) : undefined;
  if (!doc) return parentDoc;
  const title = path.length === 0 ? 'Chatreq request' : formatPath(path);
  return `**${title}**${typeLabel(schema)}\n\n${doc}`;
}

function typeLabel(schema: SchemaNode): string {
  if (schema.type) return ` · ${schema.type}`;
  if (enumOptions(schema).length > 0) return ' · enum';
  return '';
}

export interface Hover {
  markdown: string;
  /** The key or value hovered, in `text` offsets. */
  offset: number;
  length: number;
}

/** Hover for the key or value under `offset`; for an enum value, adds what that value means. */
export function hoverAt(text: string, offset: number): Hover | undefined {
  const node = nodeAt(parseLoose(text), offset);
  if (!node || (node.type !== 'string' && node.type !== 'number' && node.type !== 'boolean')) return undefined;
  const path = pathOf(node);
  let markdown = describeMember(path);
  if (!markdown) return undefined;
  if (!isKeyNode(node)) {
    const schema = schemaAtPath(path);
    const option = schema ? enumOptions(schema).find((o) => o.value === node.value) : undefined;
    if (option?.description) markdown += `\n\n\`${String(node.value)}\`: ${option.description}`;
  }
  return { markdown, offset: node.offset, length: node.length };
}
