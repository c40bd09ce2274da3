import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_QUEUES, demoInstance, loadFlowsFolder, stableUuid } from '../../../src/sandbox/catalog';
import { demoRuntimeOptions, parseFlow } from '../../../src/sandbox/flow';
import { FlowFileError, parseFlowText } from '../../../src/sandbox/flowFile';
import { startSandbox } from '../../../src/sandbox';

const minimal = (extra: object = {}) =>
  JSON.stringify({
    Version: '2019-10-30',
    StartAction: 'a',
    Actions: [
      { Identifier: 'a', Type: 'MessageParticipant', Parameters: { Text: 'hi' }, Transitions: { NextAction: 'b' } },
      { Identifier: 'b', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
    ...extra,
  });

describe('sandbox: flows (demo instance and --flows folders)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatreq-flows-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('the demo instance', () => {
    const demo = demoInstance('us-east-1');

    it('has realistic chat flows with stable UUIDs and ARNs', () => {
      assert.equal(demo.id, '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58');
      for (const f of demo.flows) {
        assert.match(f.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.equal(f.arn, `arn:aws:connect:us-east-1:123456789012:instance/${demo.id}/contact-flow/${f.id}`);
      }
      assert.ok(demo.flows.filter((f) => f.type === 'CONTACT_FLOW' && f.status === 'PUBLISHED').length >= 3);
    });

    it('uses the chat blocks the flow runtime will run', () => {
      const types = new Set(demo.flows.flatMap((f) => f.document.Actions.map((a) => a.Type)));
      for (const t of [
        'MessageParticipant',
        'ConnectParticipantWithLexBot',
        'Compare',
        'UpdateContactAttributes',
        'InvokeLambdaFunction',
        'CheckHoursOfOperation',
        'UpdateContactTargetQueue',
        'TransferContactToQueue',
        'TransferToFlow',
        'DisconnectParticipant',
      ]) {
        assert.ok(types.has(t), `a demo flow uses ${t}`);
      }
    });

    it('points every flow reference (TransferToFlow, event hooks) at a demo flow', () => {
      const arns = new Set(demo.flows.map((f) => f.arn));
      const refs = demo.flows.flatMap((f) =>
        f.document.Actions.flatMap((a) => {
          const p = a.Parameters as { ContactFlowId?: string; EventHooks?: Record<string, string> };
          return [p.ContactFlowId, ...Object.values(p.EventHooks ?? {})].filter((x): x is string => typeof x === 'string');
        }),
      );
      assert.ok(refs.length >= 3);
      for (const r of refs) assert.ok(arns.has(r), `${r} is a demo flow`);
    });

    it('has the bot, Lambda mock, hours and queue its flows name (the runtime demo options and DEMO_QUEUES)', () => {
      const w = demoRuntimeOptions() as { lexBots: { bots: Array<{ aliasArns: string[] }> }; lambdaMocks: { functions: Record<string, unknown> }; hoursOfOperation: Array<{ HoursOfOperationId: string }> };
      const params = demo.flows.flatMap((f) => f.document.Actions.map((a) => a.Parameters as Record<string, unknown>));
      const lex = params.flatMap((p) => ((p.LexV2Bot as { AliasArn?: string } | undefined)?.AliasArn ? [(p.LexV2Bot as { AliasArn: string }).AliasArn] : []));
      assert.ok(lex.length > 0);
      for (const arn of lex) assert.ok(w.lexBots.bots.some((b) => b.aliasArns.includes(arn)), arn);
      for (const p of params.filter((x) => typeof x.LambdaFunctionARN === 'string')) assert.ok(String(p.LambdaFunctionARN) in w.lambdaMocks.functions);
      for (const p of params.filter((x) => typeof x.HoursOfOperationId === 'string')) {
        assert.ok(w.hoursOfOperation.some((h) => String(p.HoursOfOperationId).endsWith(`/operating-hours/${h.HoursOfOperationId}`)));
      }
      for (const p of params.filter((x) => typeof x.QueueId === 'string')) assert.ok(DEMO_QUEUES.some((q) => q.arn === p.QueueId));
      for (const q of DEMO_QUEUES) assert.ok(w.hoursOfOperation.some((h) => h.HoursOfOperationId === q.hoursOfOperationId));
    });

    it('passes the flow runtime own validation', () => {
      for (const f of demo.flows) assert.doesNotThrow(() => parseFlow(f.content, f.name));
    });
  });

  describe('flow files', () => {
    const problem = (text: string) => {
      try {
        parseFlowText(text, 'x/bad.flow.json');
      } catch (e) {
        assert.ok(e instanceof FlowFileError);
        assert.match(e.message, /^x\/bad\.flow\.json: /);
        return e.message;
      }
      assert.fail('expected a FlowFileError');
    };

    it('reports invalid JSON with line and column', () => {
      assert.match(problem('{\n  "Version": "2019-10-30",\n  "StartAction" "a"\n}'), /not valid JSON: .* at line 3, column 17/);
    });

    it('reports structural problems, naming the action', () => {
      assert.match(problem(minimal({ Version: '2020-01-01' })), /Version must be "2019-10-30"/);
      assert.match(problem('{"modules":[],"version":"1"}'), /legacy console export format/);
      assert.match(problem(minimal({ StartAction: 'zz' })), /StartAction "zz" names no action/);
      assert.match(problem(minimal({ Actions: [] })), /Actions is empty/);
      const dangling = problem(minimal({ Actions: [{ Identifier: 'a', Type: 'MessageParticipant', Parameters: {}, Transitions: { NextAction: 'nowhere', Errors: [{ NextAction: 'gone', ErrorType: 'NoMatchingError' }] } }] }));
      assert.match(dangling, /Actions\[0\] \("a"\)\.Transitions\.NextAction "nowhere" names no action/);
      assert.match(dangling, /Transitions\.Errors\[0\]\.NextAction "gone"/);
      const ids = problem(
        minimal({
          StartAction: 'a',
          Actions: [
            { Identifier: 'a', Type: 'X', Transitions: {} },
            { Identifier: 'a', Type: 'X', Transitions: {} },
            { Identifier: 'x:y', Type: 'X', Transitions: {} },
            { Identifier: 'toString', Type: '', Transitions: {} },
            { Identifier: 'n', Type: 'X' },
          ],
        }),
      );
      assert.match(ids, /5 problems/);
      assert.match(ids, /Actions\[1\]\.Identifier "a" is used by an earlier action/);
      assert.match(ids, /Actions\[2\]\.Identifier "x:y" is not allowed/);
      assert.match(ids, /Actions\[3\]\.Identifier "toString" is not allowed/);
      assert.match(ids, /Actions\[4\] \("n"\)\.Transitions must be an object/);
    });

    it('accepts Transitions without Errors/Conditions and actions without Parameters', () => {
      const doc = parseFlowText(minimal({ Actions: [{ Identifier: 'a', Type: 'DisconnectParticipant', Transitions: {} }] }), 'ok.flow.json');
      assert.deepEqual(doc.Actions[0].Parameters, {});
    });
  });

  describe('--flows folders', () => {
    it('maps root files to instance "local" and each subfolder to an instance named after it', () => {
      writeFileSync(join(dir, 'welcome.flow.json'), minimal({ Metadata: { name: 'Welcome' } }));
      writeFileSync(join(dir, 'notes.txt'), 'ignored');
      mkdirSync(join(dir, 'emea'));
      writeFileSync(join(dir, 'emea', '0b0e6f9c-1d2a-4e3f-8a5b-6c7d8e9f0a1b.flow.json'), minimal({ Metadata: { type: 'customerQueue', status: 'saved' } }));
      mkdirSync(join(dir, 'empty'));
      const [local, emea, ...rest] = loadFlowsFolder(dir, 'eu-west-2');
      assert.equal(rest.length, 0, 'a subfolder without flows makes no instance');
      assert.equal(local.alias, 'local');
      assert.equal(local.id, stableUuid('chatreq-sandbox-instance:local'));
      assert.equal(local.flows[0].name, 'Welcome');
      assert.equal(local.flows[0].id, stableUuid('chatreq-sandbox-flow:local/welcome'));
      assert.match(local.arn, /^arn:aws:connect:eu-west-2:123456789012:instance\//);
      assert.equal(emea.alias, 'emea');
      assert.deepEqual([emea.flows[0].id, emea.flows[0].name, emea.flows[0].type, emea.flows[0].status], ['0b0e6f9c-1d2a-4e3f-8a5b-6c7d8e9f0a1b', '0b0e6f9c-1d2a-4e3f-8a5b-6c7d8e9f0a1b', 'CUSTOMER_QUEUE', 'SAVED']);
      assert.equal(loadFlowsFolder(dir, 'eu-west-2')[0].flows[0].id, local.flows[0].id, 'ids are stable between runs');
    });

    it('gives clear messages for an empty folder, a missing one and a bad alias', () => {
      assert.throws(() => loadFlowsFolder(dir, 'us-east-1'), /no \*\.flow\.json files in .*chatreq-flows-/);
      assert.throws(
        () => loadFlowsFolder(join(dir, 'missing'), 'us-east-1'),
        (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && /^the flows folder .*missing does not exist$/.test(e.message),
      );
      writeFileSync(join(dir, 'file'), 'x');
      assert.throws(() => loadFlowsFolder(join(dir, 'file'), 'us-east-1'), (e: Error) => /^the flows folder .*file is a file, not a folder$/.test(e.message));
      rmSync(join(dir, 'file'));
      mkdirSync(join(dir, 'bad_alias'));
      writeFileSync(join(dir, 'bad_alias', 'a.flow.json'), minimal());
      assert.throws(() => loadFlowsFolder(dir, 'us-east-1'), /bad_alias: the subfolder name is used as the instance alias/);
      rmSync(join(dir, 'bad_alias'), { recursive: true });
    });

    it('skips a flow file with a bad Metadata.type or a duplicate name, saying which and why', () => {
      const skipped: string[] = [];
      writeFileSync(join(dir, 'a.flow.json'), minimal({ Metadata: { name: 'Same' } }));
      writeFileSync(join(dir, 'b.flow.json'), minimal({ Metadata: { name: 'Same' } }));
      writeFileSync(join(dir, 'c.flow.json'), minimal({ Metadata: { type: 'ivr', name: 'Other' } }));
      const [local] = loadFlowsFolder(dir, 'us-east-1', (e) => skipped.push(e.message));
      assert.deepEqual(local.flows.map((f) => f.name), ['Same']);
      assert.equal(skipped.length, 2, skipped.join('\n'));
      assert.match(skipped[0], /b\.flow\.json: flow name "Same" is already used by .*a\.flow\.json/);
      assert.match(skipped[1], /c\.flow\.json: Metadata\.type "ivr" is not a flow type/);
    });

    it('startSandbox skips a malformed flow, naming the file, and serves the others', async () => {
      writeFileSync(join(dir, 'good.flow.json'), minimal());
      writeFileSync(join(dir, 'broken.flow.json'), '{"Version": "2019-10-30", ');
      writeFileSync(join(dir, 'also.flow.json'), minimal({ StartAction: 'q' }));
      const skipped: unknown[] = [];
      const sb = await startSandbox({ flowsDir: dir, demo: false, onFlowFileSkipped: (e) => skipped.push(e) });
      try {
        assert.deepEqual(sb.instances.map((i) => [i.alias, i.flows.length]), [['local', 1]]);
        assert.ok(skipped.every((e) => e instanceof FlowFileError));
        const messages = skipped.map((e) => (e as Error).message);
        assert.equal(messages.length, 2);
        assert.match(messages[0], /also\.flow\.json: StartAction "q"/);
        assert.match(messages[1], /broken\.flow\.json: not valid JSON/);
      } finally {
        await sb.close();
      }
    });

    it('can run without the demo instance', async () => {
      writeFileSync(join(dir, 'only.flow.json'), minimal());
      const sb = await startSandbox({ flowsDir: dir, demo: false });
      try {
        assert.deepEqual(sb.instances.map((i) => i.alias), ['local']);
      } finally {
        await sb.close();
      }
    });
  });
});
