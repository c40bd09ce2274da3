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
  // A byte order mark is not JSON but editors and Connect's CLI ignore it; a space keeps offsets.
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  let r = new Reporter(source);
  try {
    const { root, fatal } = parseRequest(source, r);
    if (root && !fatal) checkTree(root, r, options);
  } catch (e) {
    // The parser and the checks recurse; absurd nesting must not crash the editor or the CLI.
    if (!(e instanceof RangeError)) throw e;
    r = new Reporter(source);
    r.at('chatreq/json-too-deep', 'error', 0, Math.min(1, source.length), 'The JSON nests too deeply to check. A StartChatContact request nests only a few levels; look for runaway brackets.');
  }
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
