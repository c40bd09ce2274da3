import assert from 'node:assert/strict';
import * as connectSdk from '@aws-sdk/client-connect';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { requestSchema, schemaAtPath } from '../../../src/core/request';
import { CHATTEST_SCHEMA_URI, contributedSchemas, REQUEST_SCHEMA_URI } from '../../../src/core/json';
import { buildRequestSchema, deref, enumOptions, type SchemaNode } from '../../../src/core/request/schema';
import { INT32, INTERACTIVE_RESPONSE, MESSAGE_CONTENT_LENGTHS, MESSAGING_CONTENT_TYPES, START_CHAT_LIMITS } from '../../../src/core/request/limits';

/**
 * Member names of an SDK structure schema. The SDK exports each as a tuple
 * `[3, namespace, name, traits, memberNames, memberSchemas, ...]`.
 */
function sdkMembers(exportName: string): string[] {
  const schema = (connectSdk as unknown as Record<string, unknown>)[exportName];
  assert.ok(Array.isArray(schema), `@aws-sdk/client-connect no longer exports ${exportName} as a schema tuple`);
  const names = schema[4] as unknown;
  assert.ok(Array.isArray(names) && names.every((n) => typeof n === 'string'), `${exportName}[4] is not a member-name list`);
  return names;
}

/** Member names of `export interface <name> {` in the installed SDK's type declarations. */
function declaredMembers(name: string): string[] {
  const root = dirname(require.resolve('@aws-sdk/client-connect/package.json'));
  const dir = join(root, 'dist-types', 'models');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    const start = text.indexOf(`export interface ${name} {`);
    if (start < 0) continue;
    const body = text.slice(start, text.indexOf('\n}', start));
    return [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]);
  }
  assert.fail(`interface ${name} not found in ${dir}`);
}

function schemaMembers(path: Array<string | number>): string[] {
  const s = schemaAtPath(path);
  assert.ok(s, `schema has nothing at ${path.join('.')}`);
  return Object.keys(s.properties ?? {}).filter((k) => k !== '$schema');
}

/** Members the SDK has and the schema lacks. */
export function missingFromSchema(sdk: string[], schema: string[]): string[] {
  return sdk.filter((m) => !schema.includes(m));
}

describe('request schema', () => {
  describe('matches the installed @aws-sdk/client-connect', () => {
    const shapes: Array<[string, Array<string | number>]> = [
      ['StartChatContactRequest', []],
      ['ParticipantDetails', ['ParticipantDetails']],
      ['ParticipantConfiguration', ['ParticipantConfiguration']],
      ['ChatMessage', ['InitialMessage']],
      ['PersistentChat', ['PersistentChat']],
      ['SegmentAttributeValue', ['SegmentAttributes', 'any-key']],
    ];
    for (const [shape, path] of shapes) {
      it(`${shape}: the schema has every member the SDK's runtime schema has, and no other`, () => {
        const sdk = sdkMembers(`${shape}$`);
        assert.ok(sdk.length > 0);
        assert.deepEqual(missingFromSchema(sdk, schemaMembers(path)), [], `add these ${shape} members to chatreq.schema.json`);
        assert.deepEqual(missingFromSchema(schemaMembers(path), sdk), [], `the schema has members ${shape} lacks`);
      });
      it(`${shape}: the schema has every member the SDK's type declarations list`, () => {
        const declared = declaredMembers(shape);
        assert.ok(declared.length > 0, `no members read from the declaration of ${shape}`);
        assert.deepEqual(missingFromSchema(declared, schemaMembers(path)), []);
      });
    }

    it('the drift check can fail: a member the schema lacks is reported', () => {
      assert.deepEqual(missingFromSchema([...sdkMembers('StartChatContactRequest$'), 'NewMember'], schemaMembers([])), ['NewMember']);
    });

    it('only $schema is extra at the top level, and nothing is required except DisplayName in ParticipantDetails', () => {
      assert.deepEqual(Object.keys(requestSchema.properties!).filter((k) => !sdkMembers('StartChatContactRequest$').includes(k)), ['$schema']);
      assert.equal(requestSchema.required, undefined);
      assert.equal(requestSchema.additionalProperties, false);
      assert.deepEqual(schemaAtPath(['ParticipantDetails'])!.required, ['DisplayName']);
    });
  });

  it('documents every member with description and markdownDescription (hover text)', () => {
    const missing: string[] = [];
    const visit = (node: SchemaNode, where: string, seen: Set<SchemaNode>): void => {
      const s = deref(node);
      if (seen.has(s)) return;
      seen.add(s);
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        const d = deref(v);
        if (!d.description || !d.markdownDescription) missing.push(`${where}${k}`);
        visit(v, `${where}${k}.`, seen);
      }
      if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${where}*.`, seen);
      if (s.items) visit(s.items, `${where}[].`, seen);
    };
    visit(requestSchema, '', new Set());
    assert.deepEqual(missing, []);
  });

  it('has defaultSnippets for the nested shapes', () => {
    for (const path of [['ParticipantDetails'], ['ParticipantConfiguration'], ['InitialMessage'], ['PersistentChat'], ['SegmentAttributes'], ['SegmentAttributes', 'connect:Subtype']]) {
      assert.ok((schemaAtPath(path)?.defaultSnippets?.length ?? 0) > 0, `no defaultSnippets at ${path.join('.')}`);
    }
  });

  it('is built from the limits module: its limits there, every placeholder filled in', () => {
    // The generator (schema.ts buildRequestSchema) puts each limit where its path says.
    assert.deepEqual([schemaAtPath(['InstanceId'])!.minLength, schemaAtPath(['InstanceId'])!.maxLength], [START_CHAT_LIMITS.InstanceId.length.min, START_CHAT_LIMITS.InstanceId.length.max]);
    assert.equal(schemaAtPath(['Attributes'])!.propertyNames!.maxLength, START_CHAT_LIMITS['Attributes.{key}'].length.max);
    assert.equal(schemaAtPath(['Attributes', 'k'])!.maxLength, START_CHAT_LIMITS['Attributes.*'].length.max);
    assert.deepEqual([schemaAtPath(['DisconnectOnCustomerExit'])!.minItems, schemaAtPath(['DisconnectOnCustomerExit'])!.maxItems], [1, 1]);
    assert.deepEqual(enumOptions(schemaAtPath(['DisconnectOnCustomerExit', 0])!).map((o) => o.value), ['AGENT']);
    assert.deepEqual(enumOptions(schemaAtPath(['SupportedMessagingContentTypes', 0])!).map((o) => o.value), [...MESSAGING_CONTENT_TYPES]);
    assert.deepEqual(enumOptions(schemaAtPath(['InitialMessage', 'ContentType'])!).map((o) => o.value), Object.keys(MESSAGE_CONTENT_LENGTHS));
    assert.deepEqual(schemaAtPath(['ParticipantDetails'])!.required, ['DisplayName']);
    assert.deepEqual(schemaAtPath(['InitialMessage'])!.required, ['ContentType', 'Content']);
    const value = schemaAtPath(['SegmentAttributes', 'x', 'ValueInteger'])!;
    assert.deepEqual([value.minimum, value.maximum], [INT32.min, INT32.max]);
    assert.deepEqual([schemaAtPath(['ChatDurationInMinutes'])!.minimum, schemaAtPath(['ChatDurationInMinutes'])!.maximum], [60, 10080]);
    const text = JSON.stringify(requestSchema);
    assert.doesNotMatch(text, /\{\{/, 'a placeholder was left in the schema');
    assert.match(requestSchema.properties!.Attributes.description!, /32,768 UTF-8 bytes/);
    assert.match(requestSchema.properties!.ChatDurationInMinutes.description!, /60 to 10,080 .* 25 hours/);
    assert.equal(schemaAtPath(['InitialMessage', 'ContentType'])!.errorMessage, `InitialMessage.ContentType must be ${Object.keys(MESSAGE_CONTENT_LENGTHS).slice(0, -1).join(', ')} or ${INTERACTIVE_RESPONSE}.`);
  });

  it('the generator refuses a limit the schema has no member for, and an unknown placeholder', () => {
    assert.throws(() => buildRequestSchema({ type: 'object', properties: {} }), /chatreq schema: nothing at InitialMessage\.ContentType/);
    const template = structuredClone(requestSchema);
    template.properties!.InstanceId.description = 'Length {{InstanceId#size}}';
    assert.throws(() => buildRequestSchema(template), /unknown placeholder \{\{InstanceId#size\}\}/);
  });

  it('the core checks against the schemas the extension contributes (jsonValidation)', () => {
    const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { contributes: { jsonValidation: Array<{ fileMatch: string; url: string }> } };
    const contributed = Object.fromEntries(manifest.contributes.jsonValidation.map((v) => [v.fileMatch, JSON.parse(readFileSync(join(process.cwd(), v.url), 'utf8')) as unknown]));
    const engine = contributedSchemas();
    assert.deepEqual(engine.find((s) => s.uri === REQUEST_SCHEMA_URI)?.schema, contributed['*.chatreq.json']);
    assert.deepEqual(engine.find((s) => s.uri === CHATTEST_SCHEMA_URI)?.schema, contributed['*.chattest.json']);
  });
});
