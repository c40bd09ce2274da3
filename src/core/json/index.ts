/**
 * The JSON engine of the core: VS Code's JSON language service (./engine), checking Chatreq's files
 * against the schemas the extension contributes through `jsonValidation`. The engine is large, so
 * it is loaded on demand: Node programs (the CLI, tests) get it with the core's validation
 * (./static), the extension loads it with {@link loadJsonEngine} the first time a feature needs it.
 */
import chattestSchema from '../chattest/chattest.schema.json';
import { chattestEditorSchema } from '../chattest/editorSchema';
import { editorSchema } from '../request/editorSchema';
import type { createJsonEngine, JsonEngine, JsonProblem } from './engine';

export type { JsonEngine, JsonProblem };

/** The id the request schema is checked under (dist/schema/chatreq.schema.json's content). */
export const REQUEST_SCHEMA_URI = 'chatreq://schemas/chatreq.schema.json';
/** The conversation-test schema's own $id (dist/schema/chattest.schema.json). */
export const CHATTEST_SCHEMA_URI = (chattestSchema as { $id: string }).$id;

/** The schemas as the extension contributes them in package.json `jsonValidation`. */
export function contributedSchemas(): Array<{ uri: string; schema: object }> {
  return [
    { uri: REQUEST_SCHEMA_URI, schema: editorSchema() },
    { uri: CHATTEST_SCHEMA_URI, schema: chattestEditorSchema() },
  ];
}

let engine: JsonEngine | undefined;

/** Makes the engine available to {@link jsonEngine} (called once the engine's code is loaded). */
export function provideJsonEngine(create: typeof createJsonEngine): JsonEngine {
  engine ??= create(contributedSchemas());
  return engine;
}

export function isJsonEngineLoaded(): boolean {
  return engine !== undefined;
}

/** Loads the engine's code (in the extension: the lazy chunk dist/json.js) and makes it available. */
export async function loadJsonEngine(): Promise<JsonEngine> {
  if (engine) return engine;
  const { createJsonEngine } = await import('./engine');
  return provideJsonEngine(createJsonEngine);
}

/** The loaded engine; a caller in the extension awaits {@link loadJsonEngine} first. */
export function jsonEngine(): JsonEngine {
  if (!engine) throw new Error('Chatreq\'s JSON engine is not loaded yet: await loadJsonEngine() before checking JSON.');
  return engine;
}
