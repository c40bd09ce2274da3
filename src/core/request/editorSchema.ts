import { requestSchema, type SchemaNode } from './schema';
import { handledByRules } from './schemaValidator';

/**
 * The request schema as VS Code's JSON language service gets it (`dist/schema/chatreq.schema.json`,
 * written by the build). It leaves out the constraints a semantic rule reports instead (the
 * chat duration range, the per-content-type message length): the editor shows the rule's
 * diagnostic, with its quick fix, and the same problem is not reported twice. Descriptions still
 * state the limits.
 */
export function editorSchema(): SchemaNode {
  const copy = structuredClone(requestSchema);
  for (const entry of handledByRules) {
    const [path, keyword] = entry.split('#') as [string, keyof SchemaNode];
    let node: SchemaNode | undefined = copy;
    for (const seg of path.split('.')) node = node?.properties?.[seg];
    if (!node || !(keyword in node)) throw new Error(`editorSchema: the schema has no ${keyword} at ${path}`);
    delete node[keyword];
  }
  return copy;
}
