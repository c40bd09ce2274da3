import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildLiveContext,
  extractAttributeUsage,
  checkRequestName,
  completionsAt,
  freeRequestName,
  hoverAt,
  isRequestFileName,
  MAX_FLOWS_FOLLOWED,
  requestTargets,
  slugForFileName,
  type LiveSource,
} from '../../../src/core/request';
import { editorSchema } from '../../../src/core/request/editorSchema';
import { requestSchema, type SchemaNode } from '../../../src/core/request/schema';
import { DEMO_FLOWS, DEMO_INSTANCE_ID } from '../../../src/sandbox/catalog';

const demoFlow = (name: string): string => readFileSync(join(process.cwd(), 'src/sandbox/demo', `${name}.flow.json`), 'utf8');

/** A source over fixed data that records what was asked for. */
function source(contents: Record<string, string>, asked: string[] = []): LiveSource {
  return {
    instances: () => [{ Id: DEMO_INSTANCE_ID, InstanceAlias: 'chatreq-demo', Arn: `arn:aws:connect:us-east-1:123456789012:instance/${DEMO_INSTANCE_ID}` }],
    flows: (i) => {
      asked.push(`flows ${i}`);
      return i === DEMO_INSTANCE_ID
        ? [{ Id: DEMO_FLOWS.supportBot, Name: 'Support Bot', ContactFlowType: 'CONTACT_FLOW', ContactFlowState: 'ACTIVE', ContactFlowStatus: 'PUBLISHED' }]
        : undefined;
    },
    flowUsage: (i, f) => {
      asked.push(`content ${f}`);
      const content = i === DEMO_INSTANCE_ID ? contents[f] : undefined;
      return content === undefined ? undefined : extractAttributeUsage(content);
    },
  };
}

describe('live completion context', () => {
  it('reads InstanceId and ContactFlowId from half-typed text, taking IDs out of ARNs', () => {
    assert.deepEqual(requestTargets('{"InstanceId": "i-1", "ContactFlowId": "f-1", "Attr'), { instanceId: 'i-1', contactFlowId: 'f-1' });
    const arn = `arn:aws:connect:us-east-1:123456789012:instance/${DEMO_INSTANCE_ID}/contact-flow/${DEMO_FLOWS.orderStatus}`;
    assert.deepEqual(requestTargets(`{"ContactFlowId": "${arn}"}`), { instanceId: DEMO_INSTANCE_ID, contactFlowId: DEMO_FLOWS.orderStatus });
    assert.deepEqual(requestTargets('{"InstanceId": "${env:INSTANCE}", "ContactFlowId": ""}'), {});
    assert.deepEqual(requestTargets('[1, 2]'), {});
  });

  it('merges the attributes of the flow and of the flows it transfers to', () => {
    const asked: string[] = [];
    const contents = {
      [DEMO_FLOWS.supportBot]: demoFlow('supportBot'),
      [DEMO_FLOWS.orderStatus]: demoFlow('orderStatus'),
      [DEMO_FLOWS.afterHours]: demoFlow('afterHours'),
    };
    const text = `{"InstanceId": "${DEMO_INSTANCE_ID}", "ContactFlowId": "${DEMO_FLOWS.supportBot}", "Attributes": {}}`;
    const ctx = buildLiveContext(text, source(contents, asked));
    assert.deepEqual(ctx.instances?.map((i) => i.alias), ['chatreq-demo']);
    assert.deepEqual(ctx.flows?.map((f) => [f.name, f.type, f.state, f.status]), [['Support Bot', 'CONTACT_FLOW', 'ACTIVE', 'PUBLISHED']]);
    const keys = ctx.attributeUsage?.keys.map((k) => k.key) ?? [];
    // orderId comes from orderStatus, firstName from afterHours: both only reached by a transfer.
    assert.ok(keys.includes('orderId'), keys.join());
    assert.ok(keys.includes('firstName'), keys.join());
    assert.ok(asked.includes(`content ${DEMO_FLOWS.orderStatus}`) && asked.includes(`content ${DEMO_FLOWS.afterHours}`));
  });

  it('leaves out what is not cached, and asks nothing without an instance', () => {
    const asked: string[] = [];
    const ctx = buildLiveContext('{"Attributes": {}}', source({}, asked));
    assert.deepEqual(asked, []);
    assert.equal(ctx.flows, undefined);
    assert.equal(ctx.attributeUsage, undefined);
    const noContent = buildLiveContext(`{"InstanceId": "${DEMO_INSTANCE_ID}", "ContactFlowId": "missing"}`, source({}));
    assert.equal(noContent.attributeUsage, undefined);
    assert.equal(noContent.flows?.length, 1);
  });

  it('follows a transfer cycle once and stops after MAX_FLOWS_FOLLOWED flows', () => {
    const asked: string[] = [];
    const chain: Record<string, string> = {};
    for (let i = 0; i < MAX_FLOWS_FOLLOWED + 10; i++) {
      chain[`f${i}`] = JSON.stringify({
        Version: '2019-10-30',
        Actions: [
          { Identifier: 'c', Type: 'Compare', Parameters: { ComparisonValue: `$.Attributes.k${i}` }, Transitions: { Conditions: [{ Condition: { Operator: 'Equals', Operands: [`v${i}`] } }] } },
          { Identifier: 't', Type: 'TransferToFlow', Parameters: { ContactFlowId: `f${i + 1}` } },
          { Identifier: 'back', Type: 'TransferToFlow', Parameters: { ContactFlowId: 'f0' } },
        ],
      });
    }
    const ctx = buildLiveContext(`{"InstanceId": "${DEMO_INSTANCE_ID}", "ContactFlowId": "f0"}`, source(chain, asked));
    assert.equal(ctx.attributeUsage?.keys.length, MAX_FLOWS_FOLLOWED);
    assert.equal(asked.filter((a) => a === 'content f0').length, 1);
    assert.deepEqual(ctx.attributeUsage?.keys.find((k) => k.key === 'k3')?.values, ['v3']);
  });
});

describe('live-only hover and reference filtering', () => {
  const ctx = {
    instances: [{ id: 'i-1', alias: 'prod-chat' }],
    flows: [{ id: 'f-1', name: 'Inbound chat', type: 'CONTACT_FLOW' }],
    attributeUsage: { keys: [{ key: 'tier', values: ['gold'], readBy: [{ block: 'Check contact attributes', flow: 'Inbound chat' }] }], transfers: [] },
  };
  const text = '{"InstanceId": "i-1", "ContactFlowId": "f-1", "Attributes": {"tier": "gold"}, "ClientToken": "x"}';

  it('liveOnly hover gives only the live note, and nothing where there is none', () => {
    assert.equal(hoverAt(text, text.indexOf('"i-1"') + 1, { ...ctx, liveOnly: true })?.markdown, 'Instance **prod-chat**');
    assert.equal(hoverAt(text, text.indexOf('"f-1"') + 1, { ...ctx, liveOnly: true })?.markdown, 'Flow **Inbound chat** (CONTACT_FLOW)');
    assert.equal(hoverAt(text, text.indexOf('"tier"') + 1, { ...ctx, liveOnly: true })?.markdown, 'Read by the selected flow (Check contact attributes in Inbound chat). Compared with `gold`.');
    assert.equal(hoverAt(text, text.indexOf('ClientToken') + 1, { ...ctx, liveOnly: true }), undefined);
    assert.equal(hoverAt(text, text.indexOf('"i-1"') + 1, { liveOnly: true }), undefined);
    assert.match(hoverAt(text, text.indexOf('ClientToken') + 1, ctx)!.markdown, /ClientToken/);
  });

  it('an instance or flow candidate matches both its label and its ID', () => {
    const t = '{"InstanceId": ""}';
    const [c] = completionsAt(t, t.indexOf('""') + 1, { ...ctx, liveOnly: true });
    // Inside the quotes: the candidate replaces only what is between them.
    assert.equal(c.filterText, 'prod-chat i-1');
    assert.equal(c.insertText, 'i-1');
    assert.deepEqual(c.replace, { offset: t.indexOf('""') + 1, length: 0 });
    // A string cut off at the end of the line is replaced whole, quotes and all.
    const open = '{"InstanceId": "pro\n}';
    const [o] = completionsAt(open, open.indexOf('pro') + 3, { ...ctx, liveOnly: true });
    assert.equal(o.filterText, '"prod-chat i-1"');
    assert.equal(o.insertText, '"i-1"');
    assert.deepEqual(o.replace, { offset: open.indexOf('"pro'), length: 4 });
    const bare = '{"InstanceId": }';
    const [d] = completionsAt(bare, bare.indexOf(': ') + 2, { ...ctx, liveOnly: true });
    assert.equal(d.filterText, 'prod-chat i-1');
  });
});

describe('new request file names', () => {
  it('accepts a name with or without the suffix and explains what is wrong otherwise', () => {
    assert.deepEqual(checkRequestName(' order-status '), { name: 'order-status' });
    assert.deepEqual(checkRequestName('order-status.chatreq.json'), { name: 'order-status' });
    assert.deepEqual(checkRequestName('Order.Status.JSON'), { name: 'Order.Status' });
    const error = (s: string): string => {
      const r = checkRequestName(s);
      assert.ok('error' in r, `${s} was accepted`);
      return r.error;
    };
    assert.match(error(''), /Type a name/);
    assert.match(error('../x'), /path separator/);
    assert.match(error('a\\b'), /path separator/);
    assert.match(error('a:b'), /cannot contain ":"/);
    assert.match(error('a\u0007b'), /control character/);
    assert.match(error('.hidden'), /leading "\."/);
    assert.match(error('name.'), /not "\." or a space/);
    assert.match(error('CON'), /reserved device name/);
    assert.match(error('x'.repeat(250)), /too long \(250 characters\)/);
  });

  it('suggests a slug of the flow name and the first free variant', () => {
    assert.equal(slugForFileName('Support Bot (Lex)'), 'support-bot-lex');
    assert.equal(slugForFileName('Café – après'), 'cafe-apres');
    assert.equal(slugForFileName('!!!'), 'chat-request');
    const taken = new Set(['a', 'a-2']);
    assert.equal(freeRequestName('a', (n) => taken.has(n)), 'a-3');
    assert.equal(freeRequestName('b', (n) => taken.has(n)), 'b');
    assert.ok(isRequestFileName('/x/Y.CHATREQ.JSON') && !isRequestFileName('/x/y.json'));
  });
});

describe('the editor schema', () => {
  it('is the request schema without the constraints a rule reports (so no problem shows twice)', () => {
    const schema = editorSchema();
    const raw = requestSchema;
    assert.equal(schema.properties?.ChatDurationInMinutes?.maximum, undefined);
    assert.equal(schema.properties?.ChatDurationInMinutes?.minimum, undefined);
    assert.equal(schema.properties?.InitialMessage?.properties?.Content?.maxLength, undefined);
    assert.equal(raw.properties?.ChatDurationInMinutes?.maximum, 10080);
    // Everything else is the same schema.
    const strip = (s: SchemaNode): SchemaNode => {
      const c = structuredClone(s);
      delete c.properties!.ChatDurationInMinutes.minimum;
      delete c.properties!.ChatDurationInMinutes.maximum;
      delete c.properties!.InitialMessage.properties!.Content.maxLength;
      return c;
    };
    assert.deepEqual(schema, strip(raw));
    assert.equal(requestSchema.properties?.ChatDurationInMinutes?.maximum, 10080, 'editorSchema() must not change the shared schema');
  });
});

describe('authoring contributions in the manifest', () => {
  const root = process.cwd();
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    activationEvents: string[];
    contributes: {
      jsonValidation: Array<{ fileMatch: string; url: string }>;
      languages: Array<{ id: string; filenamePatterns?: string[] }>;
      snippets?: unknown;
    };
  };

  it('ships the request schema the build copies into dist/ and points jsonValidation at it', () => {
    const v = manifest.contributes.jsonValidation.find((x) => x.fileMatch === '*.chatreq.json');
    assert.ok(v, 'no jsonValidation for *.chatreq.json');
    const shipped: unknown = JSON.parse(readFileSync(join(root, v.url), 'utf8'));
    assert.deepEqual(shipped, editorSchema(), 'dist/schema is stale: run the build');
    assert.match(v.url, /^\.\/dist\/.*\.json$/, 'the .vscodeignore keeps dist/**/*.json only');
    assert.match(readFileSync(join(root, '.vscodeignore'), 'utf8'), /^!dist\/\*\*\/\*\.json$/m);
  });

  it('opens request files as strict JSON, contributes no snippets file (completion offers them) and activates on JSON', () => {
    assert.ok(manifest.contributes.languages.some((l) => l.id === 'json' && l.filenamePatterns?.includes('*.chatreq.json')));
    // A contributed snippets file is offered everywhere in a JSON file, even inside a string.
    assert.equal(manifest.contributes.snippets, undefined);
    assert.ok(manifest.activationEvents.includes('onLanguage:json'));
  });
});
