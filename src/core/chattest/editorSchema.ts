/**
 * The conversation-test schema as VS Code's JSON language service gets it
 * (`dist/schema/chattest.schema.json`, written by the build) and the core's JSON engine checks it:
 * the hand-written test schema (chattest.schema.json) with the request schema built in, so an
 * inline `request` and an `override` get the same completion, hover and checks as a request file.
 * In `override` every member may also be `null` (it removes the member from the request).
 */
import { editorSchema } from '../request/editorSchema';
import type { SchemaNode } from '../request/schema';
import testSchema from './chattest.schema.json';

interface TestSchemaDoc {
  definitions: Record<string, unknown> & { test: { properties: Record<string, unknown> } };
  [k: string]: unknown;
}

export function chattestEditorSchema(): object {
  const doc = structuredClone(testSchema) as unknown as TestSchemaDoc;
  const request = editorSchema();
  const { definitions: requestDefinitions = {}, $schema: _draft, title: _title, ...requestRoot } = request as SchemaNode & { $schema?: string };
  for (const name of Object.keys(requestDefinitions)) {
    // The request schema's own "#/definitions/…" references now resolve against this document.
    if (name in doc.definitions) throw new Error(`chattest schema: the request schema's definition "${name}" is already a test definition`);
    doc.definitions[name] = requestDefinitions[name];
  }
  const { $schema: _ownSchema, ...members } = requestRoot.properties ?? {};
  doc.definitions.request = { ...requestRoot, description: 'An inline StartChatContact request (the members of a *.chatreq.json file).' };
  doc.definitions.requestOverride = {
    type: 'object',
    additionalProperties: false,
    description: 'Merged into the request: objects member by member, null removes a member, anything else replaces it.',
    properties: Object.fromEntries(
      Object.entries(members).map(([name, member]) => [
        name,
        {
          ...(member.description ? { description: member.description } : {}),
          ...(member.markdownDescription ? { markdownDescription: member.markdownDescription } : {}),
          anyOf: [member, { type: 'null', description: `null removes ${name} from the request.` }],
        },
      ]),
    ),
  };
  const props = doc.definitions.test.properties;
  props.request = {
    description: 'A request file (*.chatreq.json), relative to this file, or an inline StartChatContact request.',
    oneOf: [{ type: 'string', minLength: 1 }, { $ref: '#/definitions/request' }],
  };
  props.override = { $ref: '#/definitions/requestOverride' };
  return doc;
}
