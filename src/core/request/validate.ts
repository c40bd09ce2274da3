import { type Node } from 'jsonc-parser';
import { Reporter } from './report';
import { runRules } from './rules';
import { requestSchema } from './schema';
import { validateAgainstSchema } from './schemaValidator';
import { parseRequest } from './syntax';
import { type Diagnostic, layerOf, type ValidateOptions } from './types';

/**
 * The one validation engine (CLI and editor): strict JSON syntax, the request schema, then the
 * semantic rules. Pure and synchronous. Diagnostics come back sorted by position.
 */
export function validateRequestText(text: string, options: ValidateOptions = {}): Diagnostic[] {
  const r = new Reporter(text);
  const { root, fatal } = parseRequest(text, r);
  if (root && !fatal) checkTree(root, r, options);
  const layers = options.layers;
  const kept = layers ? r.diagnostics.filter((d) => layers.includes(layerOf(d.code))) : r.diagnostics;
  return kept.sort((a, b) => a.range.offset - b.range.offset || a.code.localeCompare(b.code));
}

function checkTree(root: Node, r: Reporter, options: ValidateOptions): void {
  if (root.type !== 'object') {
    r.node(
      'chatreq/not-an-object',
      'error',
      root,
      `A request file holds one JSON object with StartChatContact members, not ${root.type === 'array' ? 'an array' : `a ${root.type}`}. Wrap the members in { ... }.`,
    );
    return;
  }
  validateAgainstSchema(root, requestSchema, r);
  runRules(root, r, options);
}
