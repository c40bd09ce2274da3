import { requestSchema, type SchemaNode } from './schema';

/**
 * Constraints that rules.ts reports instead, with a more specific code, message and fix. The
 * schema file keeps them (its descriptions state the limits); the schema the JSON engines check
 * against leaves them out, so the same problem is not reported twice.
 */
export const handledByRules: ReadonlySet<string> = new Set(['ChatDurationInMinutes#minimum', 'ChatDurationInMinutes#maximum', 'InitialMessage.Content#maxLength']);

/**
 * The request schema as VS Code's JSON language service gets it (`dist/schema/chatreq.schema.json`,
 * written by the build), and as the core's JSON engine checks it for the CLI and the form. It leaves out the constraints a semantic rule reports instead (the
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
