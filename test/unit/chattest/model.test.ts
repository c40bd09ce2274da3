/** The *.chattest.json model: one test or "tests", each step kind, and messages that name the step at its range. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeStep, isInSkippedFolder, mergeOverride, parseChatTestText } from '../../../src/core/chattest';
import { chattestEditorSchema } from '../../../src/core/chattest/editorSchema';
import { checkFileRequest, inlineRequestAt } from '../../../src/core/chattest/model';
import { CHATTEST_SCHEMA_URI, jsonEngine } from '../../../src/core/json';
import '../../../src/core/json/static';
import { editorSchema } from '../../../src/core/request/editorSchema';

const text = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

describe('chattest: the file model and its checks', () => {
  it('reads one test with every step kind; a string expect is contains; timeout defaults to 10 s', () => {
    const src = text({
      name: 'Gold member',
      request: './support.chatreq.json',
      override: { Attributes: { tier: 'gold' } },
      steps: [
        { expect: 'Welcome' },
        { expect: { matches: 'gold member', from: 'SYSTEM' } },
        { say: 'where is my order' },
        { select: 'Track my order' },
        { expectAttributes: { tier: 'gold' } },
        { expectTrace: 'UpdateContactAttributes' },
        { expectEnded: true },
      ],
    });
    const p = parseChatTestText(src);
    assert.deepEqual(p.diagnostics, []);
    assert.equal(p.tests.length, 1);
    const t = p.tests[0];
    assert.equal(t.name, 'Gold member');
    assert.equal(t.request, './support.chatreq.json');
    assert.deepEqual(t.override, { Attributes: { tier: 'gold' } });
    assert.equal(t.timeoutSeconds, 10);
    assert.deepEqual(
      t.steps.map((s) => s.step),
      [
        { kind: 'expect', expect: { contains: 'Welcome' } },
        { kind: 'expect', expect: { matches: 'gold member', from: 'SYSTEM' } },
        { kind: 'say', say: 'where is my order' },
        { kind: 'select', select: 'Track my order' },
        { kind: 'expectAttributes', expectAttributes: { tier: 'gold' } },
        { kind: 'expectTrace', expectTrace: 'UpdateContactAttributes' },
        { kind: 'expectEnded', expectEnded: true },
      ],
    );
    // Each step's range is its object in the file.
    const third = t.steps[2];
    assert.equal(src.slice(third.range.offset, third.range.offset + third.range.length).replace(/\s+/g, ''), '{"say":"whereismyorder"}');
    assert.equal(third.range.start.line, src.slice(0, third.range.offset).split('\n').length - 1);
    assert.equal(describeStep(t.steps[1].step), 'expect matches /gold member/, from SYSTEM');
  });

  it('reads "tests": [...] with inline StartChatContact requests and timeoutSeconds', () => {
    const p = parseChatTestText(
      text({
        tests: [
          { name: 'a', request: { InstanceId: 'i', ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'Ana' } }, timeoutSeconds: 2.5, steps: [{ expectEnded: true }] },
          { name: 'b', request: 'x.chatreq.json', steps: [{ say: 'hi' }] },
        ],
      }),
    );
    assert.deepEqual(p.diagnostics, []);
    assert.deepEqual(
      p.tests.map((t) => [t.name, t.index, t.timeoutSeconds, t.request]),
      [
        ['a', 0, 2.5, { InstanceId: 'i', ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'Ana' } }],
        ['b', 1, 10, 'x.chatreq.json'],
      ],
    );
  });

  it('names the test and the step in every message, at the step', () => {
    const src = text({
      tests: [
        {
          name: 'Bad steps',
          request: './r.chatreq.json',
          steps: [{ expect: 'ok' }, { expect: { contains: 'x', starts: 'y' } }, { say: '' }, { say: 'a', expect: 'b' }, { expect: { matches: '(' } }, { expectEnded: 'yes' }, { wait: 3 }],
        },
      ],
    });
    const p = parseChatTestText(src);
    const msgs = p.diagnostics.map((d) => d.message);
    assert.ok(msgs.some((m) => m.startsWith('Test "Bad steps", step 2: "expect" has "starts"')), msgs.join('\n'));
    assert.ok(msgs.some((m) => m.startsWith('Test "Bad steps", step 3: "say" must be')));
    assert.ok(msgs.some((m) => m.startsWith('Test "Bad steps", step 4 has "say" and "expect"')));
    assert.ok(msgs.some((m) => m.startsWith('Test "Bad steps", step 5: "expect.matches" is not a valid regular expression')));
    assert.ok(msgs.some((m) => m.startsWith('Test "Bad steps", step 6: "expectEnded" must be true')));
    assert.ok(msgs.some((m) => m.startsWith('Test "Bad steps", step 7: "wait" is not a step')));
    assert.ok(p.diagnostics.every((d) => d.severity === 'error'));
    const d = p.diagnostics.find((x) => x.message.includes('step 3'))!;
    assert.equal(src.slice(d.range.offset, d.range.offset + d.range.length), '""');
    // The valid steps are kept, so the editor still shows them.
    assert.equal(p.tests[0].steps[0].step.kind, 'expect');
  });

  it('reports a missing name, request or steps, unknown members, bad timeouts, duplicates and bad JSON', () => {
    const a = parseChatTestText(text({ steps: [] })).diagnostics.map((d) => d.message);
    assert.ok(a.some((m) => m.includes('has no "name"')));
    assert.ok(a.some((m) => m.includes('has no "request"')));
    assert.ok(a.some((m) => m.includes('"steps" is empty')));
    const b = parseChatTestText(text({ name: 'n', request: 'r', steps: [{ say: 'x' }], timeoutSeconds: 0, extra: 1 })).diagnostics.map((d) => d.message);
    assert.ok(b.some((m) => m.includes('"timeoutSeconds" must be a number of seconds above 0')));
    assert.ok(b.some((m) => m.includes('"extra" is not a test member')));
    const c = parseChatTestText(text({ tests: [{ name: 'n', request: 'r', steps: [{ say: 'x' }] }, { name: 'n', request: 'r', steps: [{ say: 'y' }] }] })).diagnostics;
    assert.match(c[0].message, /same name as test 1/);
    const d = parseChatTestText('{ "name": "x", // no\n }').diagnostics;
    assert.equal(d[0].code, 'chattest/json');
    assert.equal(parseChatTestText('[1]').diagnostics[0].code, 'chattest/not-an-object');
  });

  it('checks an inline request as a request file, at its place in the test file; with override, the merged request, on override', () => {
    const target = { InstanceId: 'i', ContactFlowId: 'f' };
    const src = text({
      tests: [
        { name: 'no customer', request: target, steps: [{ expectEnded: true }] },
        { name: 'short chat', request: { ...target, ParticipantDetails: { DisplayName: 'A' }, ChatDurationInMinutes: 5 }, steps: [{ expectEnded: true }] },
        { name: 'no target', request: { ParticipantDetails: { DisplayName: 'A' } }, steps: [{ expectEnded: true }] },
        { name: 'removed', request: { ...target, ParticipantDetails: { DisplayName: 'A' } }, override: { ParticipantDetails: null }, steps: [{ expectEnded: true }] },
        { name: 'target by override', request: { ParticipantDetails: { DisplayName: 'A' } }, override: target, steps: [{ expectEnded: true }] },
        { name: 'file', request: './x.chatreq.json', override: { ChatDurationInMinutes: 5 }, steps: [{ expectEnded: true }] },
      ],
    });
    const p = parseChatTestText(src);
    const lineOf = (needle: string, from = 0) => src.slice(0, src.indexOf(needle, from)).split('\n').length - 1;
    const got = p.diagnostics.map((d) => [d.code, d.range.start.line, d.message]);
    assert.deepEqual(got, [
      ['chatreq/missing-participant-details', lineOf('"request": {'), 'Test "no customer": request: ParticipantDetails is missing: StartChatContact requires it, with the DisplayName shown for the customer. Add "ParticipantDetails": { "DisplayName": "..." }.'],
      ['chatreq/duration-out-of-range', lineOf('"ChatDurationInMinutes": 5'), 'Test "short chat": request: ChatDurationInMinutes is 5; it must be between 60 and 10,080 minutes (1 hour to 7 days). Use 60, or remove the member for the 25-hour default.'],
      ['chattest/missing-target', lineOf('"request": {', src.indexOf('no target')), 'Test "no target": the request has no InstanceId and ContactFlowId: add "InstanceId" and "ContactFlowId" (a test cannot ask for them when it runs).'],
      ['chatreq/missing-participant-details', lineOf('"override": {', src.indexOf('"removed"')), 'Test "removed": the request with "override": ParticipantDetails is missing: StartChatContact requires it, with the DisplayName shown for the customer. Add "ParticipantDetails": { "DisplayName": "..." }.'],
    ]);
    assert.equal(p.diagnostics[0].range.start.character, src.split('\n')[lineOf('"request": {')].indexOf('{'), 'at the inline object');
    // The request schema too when asked (the CLI): the member is named, since the schema's words do not.
    const typed = parseChatTestText(text({ name: 't', request: { ...target, ParticipantDetails: { DisplayName: 'A' }, Attributes: { a: 1 } }, steps: [{ expectEnded: true }] }), { requestSources: ['json', 'chatreq'] });
    assert.deepEqual(typed.diagnostics.map((d) => [d.code, d.message]), [['chatreq/wrong-type', 'Test "t": request.Attributes.a: Incorrect type. Expected "string".']]);
  });

  it('checkFileRequest: the request file with the override merged, once read; the file\'s own errors are one warning', () => {
    const src = text({ tests: [{ name: 'a', request: './r.chatreq.json', override: { ChatDurationInMinutes: 5 }, steps: [{ expectEnded: true }] }, { name: 'b', request: './r.chatreq.json', steps: [{ expectEnded: true }] }] });
    const [a, b] = parseChatTestText(src).tests;
    const good = JSON.stringify({ InstanceId: 'i', ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'A' } });
    assert.deepEqual(checkFileRequest(b, good), []);
    const onA = checkFileRequest(a, good);
    assert.deepEqual(onA.map((d) => [d.code, d.severity, d.range.start.line]), [['chatreq/duration-out-of-range', 'error', a.overrideRange!.start.line]]);
    assert.match(onA[0].message, /^Test "a": the request with "override": ChatDurationInMinutes is 5;/);
    const noFlow = checkFileRequest(b, JSON.stringify({ InstanceId: 'i', ParticipantDetails: { DisplayName: 'A' } }));
    assert.deepEqual(noFlow.map((d) => [d.code, d.range.start.line, d.message]), [['chattest/missing-target', b.requestRange!.start.line, 'Test "b": ./r.chatreq.json has no ContactFlowId: add it there or in "override" (a test cannot ask for it when it runs).']]);
    const broken = checkFileRequest(b, '{ "InstanceId": ');
    assert.deepEqual(broken.map((d) => [d.code, d.severity]), [['chattest/request-has-errors', 'warning']]);
    assert.match(broken[0].message, /the request file \.\/r\.chatreq\.json is not valid JSON; the test cannot run until it is fixed there\.$/);
    const invalid = checkFileRequest(b, JSON.stringify({ InstanceId: 'i', ContactFlowId: 'f' }));
    assert.match(invalid[0].message, /the request file \.\/r\.chatreq\.json has 1 error; the test cannot run/);
  });

  it('inlineRequestAt: the inline request object around an offset (one test or "tests"), tolerant of a file being edited', () => {
    const one = '{ "name": "a", "request": { "InstanceId": "" }, "steps": [] }';
    const span = inlineRequestAt(one, one.indexOf('""') + 1)!;
    assert.equal(one.slice(span.offset, span.offset + span.length), '{ "InstanceId": "" }');
    assert.equal(inlineRequestAt(one, one.indexOf('"steps"')), undefined, 'outside the request');
    const many = '{ "tests": [ { "name": "a", "request": "./a.chatreq.json" }, { "name": "b", "request": { "ContactFlowId": "f", } ';
    const b = inlineRequestAt(many, many.indexOf('"f"'))!;
    assert.ok(many.slice(b.offset).startsWith('{ "ContactFlowId"'), 'in the second test, unfinished file');
    assert.equal(inlineRequestAt(many, many.indexOf('./a')), undefined, 'a request file path is not an inline request');
  });

  it('isInSkippedFolder: the folders chatreq test and the Test Explorer leave out', () => {
    for (const p of ['out/a.chattest.json', 'src/dist/a.chattest.json', 'node_modules/x/a.chattest.json', '.git/a.chattest.json', 'a/.hidden/b.chattest.json', 'w\\out\\a.chattest.json']) assert.ok(isInSkippedFolder(p), p);
    for (const p of ['a.chattest.json', 'tests/a.chattest.json', 'outside/a.chattest.json', 'tests/.a.chattest.json']) assert.ok(!isInSkippedFolder(p), p);
  });

  it('merges override deeply; null removes a member', () => {
    assert.deepEqual(mergeOverride({ A: { x: '1', y: '2' }, B: 1, C: 'c' }, { A: { y: '3' }, B: [2], C: null }), { A: { x: '1', y: '3' }, B: [2] });
  });
});

describe('chattest: the JSON schema (jsonValidation)', () => {
  it('lists exactly the step kinds and test members the checks know', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '../../../../src/core/chattest/chattest.schema.json'), 'utf8')) as {
      definitions: { step: { properties: Record<string, unknown> }; test: { properties: Record<string, unknown>; required: string[] }; expectObject: { properties: Record<string, unknown> } };
    };
    assert.deepEqual(Object.keys(schema.definitions.step.properties), ['expect', 'say', 'select', 'expectAttributes', 'expectEnded', 'expectTrace']);
    assert.deepEqual(Object.keys(schema.definitions.test.properties), ['$schema', 'name', 'request', 'override', 'timeoutSeconds', 'steps']);
    assert.deepEqual(Object.keys(schema.definitions.expectObject.properties), ['equals', 'contains', 'matches', 'from']);
    const sample = readFileSync(join(__dirname, '../../../../examples/workspace/support.chattest.json'), 'utf8');
    assert.deepEqual(parseChatTestText(sample).diagnostics, []);
  });

  it('is contributed through jsonValidation and copied into dist/schema by the build', () => {
    const root = join(__dirname, '../../../..');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { jsonValidation: Array<{ fileMatch: string; url: string }> } };
    const v = manifest.contributes.jsonValidation.find((x) => x.fileMatch === '*.chattest.json');
    assert.equal(v?.url, './dist/schema/chattest.schema.json');
    assert.deepEqual(JSON.parse(readFileSync(join(root, v.url), 'utf8')), chattestEditorSchema());
  });

  it('has the request schema built in: an inline request is checked as a request file, override members may be null', () => {
    const schema = chattestEditorSchema() as { definitions: Record<string, { properties?: Record<string, unknown> }> };
    const requestMembers = Object.keys(editorSchema().properties!);
    assert.deepEqual(Object.keys(schema.definitions.request.properties!), requestMembers);
    assert.deepEqual(Object.keys(schema.definitions.requestOverride.properties!), requestMembers.filter((m) => m !== '$schema'));
    const problems = (v: unknown) => jsonEngine().check(text(v), CHATTEST_SCHEMA_URI).map((p) => p.message);
    const target = { InstanceId: 'i', ContactFlowId: 'f', ParticipantDetails: { DisplayName: 'A' } };
    assert.deepEqual(problems({ name: 'n', request: target, override: { InitialMessage: null, Attributes: { tier: 'gold' } }, steps: [{ expectEnded: true }] }), []);
    assert.deepEqual(problems({ name: 'n', request: { ...target, ChatDurationInMinutes: 'long' }, steps: [{ expectEnded: true }] }), ['Incorrect type. Expected "integer".']);
    assert.equal(problems({ name: 'n', request: { ...target, Nope: 1 }, steps: [{ expectEnded: true }] }).length, 1, 'an unknown request member');
    assert.equal(problems({ name: 'n', request: './a.chatreq.json', override: { Attributes: { a: 1 } }, steps: [{ expectEnded: true }] }).length, 1, 'an attribute value must be a string');
  });
});
