import type { CompletionContext } from './completion';
import { describeReaders } from './flowUsage';
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

/**
 * Hover for the key or value under `offset`. An enum value adds what it means; with cached live
 * data, an InstanceId or ContactFlowId value adds the instance alias or flow name, and an
 * attribute key adds where the flow reads it and what it compares it with. With `liveOnly`, only
 * that live part (for an editor whose JSON language service already shows the schema's text).
 */
export function hoverAt(text: string, offset: number, context: CompletionContext = {}): Hover | undefined {
  const node = nodeAt(parseLoose(text), offset);
  if (!node || (node.type !== 'string' && node.type !== 'number' && node.type !== 'boolean')) return undefined;
  const path = pathOf(node);
  let markdown = describeMember(path);
  if (!markdown) return undefined;
  const key = isKeyNode(node);
  if (!key) {
    const schema = schemaAtPath(path);
    const option = schema ? enumOptions(schema).find((o) => o.value === node.value) : undefined;
    if (option?.description) markdown += `\n\n\`${String(node.value)}\`: ${option.description}`;
    const live = liveNote(path, node.value, context);
    if (context.liveOnly) return live ? { markdown: live, offset: node.offset, length: node.length } : undefined;
    if (live) markdown = `${live}\n\n---\n\n${markdown}`;
  } else if (path.length === 2 && path[0] === 'Attributes') {
    const usage = context.attributeUsage?.keys.find((k) => k.key === path[1]);
    if (usage) {
      const where = usage.readBy.length > 0 ? ` (${describeReaders(usage.readBy)})` : '';
      const compared = usage.values.length > 0 ? ` Compared with ${usage.values.map((v) => `\`${v}\``).join(', ')}.` : '';
      const live = `Read by the selected flow${where}.${compared}`;
      if (context.liveOnly) return { markdown: live, offset: node.offset, length: node.length };
      markdown = `${live}\n\n---\n\n${markdown}`;
    }
  }
  if (context.liveOnly) return undefined;
  return { markdown, offset: node.offset, length: node.length };
}

function liveNote(path: JsonPath, value: unknown, context: CompletionContext): string | undefined {
  if (typeof value !== 'string' || path.length !== 1) return undefined;
  if (path[0] === 'InstanceId') {
    const i = context.instances?.find((x) => x.id === value || x.arn === value);
    return i ? `Instance **${i.alias ?? i.id}**` : undefined;
  }
  if (path[0] === 'ContactFlowId') {
    const f = context.flows?.find((x) => x.id === value);
    if (!f) return undefined;
    const extra = [f.type, f.state, f.status].filter(Boolean).join(' · ');
    return `Flow **${f.name ?? f.id}**${extra ? ` (${extra})` : ''}`;
  }
  return undefined;
}
