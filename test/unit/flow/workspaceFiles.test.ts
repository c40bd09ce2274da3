import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspaceFileError, createFlowRuntime, discoverWorkspaceFiles, parseLambdaMockFile, parseLexBotFile } from '../../../src/sandbox/flow';
import { fixtures } from './harness';

function lexRejects(doc: unknown, fragment: string): void {
  assert.throws(() => parseLexBotFile(typeof doc === 'string' ? doc : JSON.stringify(doc), 'bots.lexbot.json'), (err: unknown) => {
    assert.ok(err instanceof WorkspaceFileError, String(err));
    assert.ok(err.message.startsWith('bots.lexbot.json'), err.message);
    assert.ok(err.message.includes(fragment), `"${err.message}" should mention ${fragment}`);
    return true;
  });
}

function mockRejects(doc: unknown, fragment: string): void {
  assert.throws(() => parseLambdaMockFile(typeof doc === 'string' ? doc : JSON.stringify(doc), 'lambda-mocks.json'), (err: unknown) => {
    assert.ok(err instanceof WorkspaceFileError, String(err));
    assert.ok(err.message.includes(fragment), `"${err.message}" should mention ${fragment}`);
    return true;
  });
}

const intent = { name: 'I', utterances: ['hi'] };

describe('workspace files: Lex bot definitions', () => {
  it('accepts the fixture bot file', () => {
    const bots = parseLexBotFile(readFileSync(join(fixtures, 'interactive.lexbot.json'), 'utf8'), 'interactive.lexbot.json');
    assert.equal(bots[0].name, 'InteractiveMessageBot');
    assert.equal(bots[0].intents.length, 2);
    assert.equal(bots[0].intents[1].slots[1].required, false);
  });

  it('rejects malformed definitions with the file and field named', () => {
    lexRejects('{ nope', 'not valid JSON');
    lexRejects({ intents: [] }, 'expected {"bots": [ ... ]}');
    lexRejects({ bots: [{}] }, 'bots[0].name');
    lexRejects({ bots: [{ name: 'B', intents: [] }] }, 'bot "B": intents must be a non-empty array');
    lexRejects({ bots: [{ name: 'B', intents: [intent, intent] }] }, 'intent "I" is defined twice');
    lexRejects({ bots: [{ name: 'B', intents: [{ name: 'I', utterances: [] }] }] }, 'intent "I": utterances must be a non-empty array');
    lexRejects({ bots: [{ name: 'B', intents: [{ name: 'I', utterances: ['a {size}'] }] }] }, 'uses {size}, which is not one of the intent\'s slots');
    lexRejects({ bots: [{ name: 'B', intents: [{ name: 'I', utterances: ['a'], slots: [{ name: 'size' }] }] }] }, 'slot "size": prompt');
    lexRejects({ bots: [{ name: 'B', intents: [{ name: 'I', utterances: ['a'], slots: [{ name: '1x', prompt: 'p' }] }] }] }, 'slots[0].name');
    lexRejects({ bots: [{ name: 'B', intents: [{ ...intent, reply: 5 }] }] }, 'intent "I": reply must be');
    lexRejects({ bots: [{ name: 'B', intents: [{ ...intent, sessionAttributes: { a: 1 } }] }] }, 'sessionAttributes must be an object of string values');
    lexRejects({ bots: [{ name: 'B', confidenceThreshold: 2, intents: [intent] }] }, 'confidenceThreshold');
  });

  it('inline bots are checked when the runtime is created', () => {
    assert.throws(() => createFlowRuntime({ findFlow: () => undefined, lexBots: { bots: [{ name: 'B' }] } }), /options.lexBots: bot "B": intents/);
  });
});

describe('workspace files: Lambda mocks', () => {
  it('accepts the fixture mock file', () => {
    const mocks = parseLambdaMockFile(readFileSync(join(fixtures, 'lambda-mocks.json'), 'utf8'), 'lambda-mocks.json');
    assert.equal(mocks.functions.size, 4);
    assert.equal(mocks.functions.get('CheckBalance')?.cases.length, 2);
  });

  it('rejects malformed mocks with the file and field named', () => {
    mockRejects('[', 'lambda-mocks.json: not valid JSON');
    mockRejects({ fns: {} }, 'expected {"functions"');
    mockRejects({ functions: { f: 3 } }, 'functions["f"] must be an object');
    mockRejects({ functions: { f: {} } }, 'functions["f"]: give a response, an error, or cases');
    mockRejects({ functions: { f: { response: [1] } } }, 'functions["f"]: response must be a JSON object');
    mockRejects({ functions: { f: { response: {}, error: 'x' } } }, 'either response or error, not both');
    mockRejects({ functions: { f: { response: {}, delaySeconds: -1 } } }, 'delaySeconds');
    mockRejects({ functions: { f: { cases: [{ when: { a: 1 }, response: {} }] } } }, 'functions["f"].cases[0].when');
    mockRejects({ functions: { f: { cases: [{ when: {} }] } } }, 'cases[0]: give exactly one of response or error');
  });

  it('inline mocks are checked when the runtime is created', () => {
    assert.throws(() => createFlowRuntime({ findFlow: () => undefined, lambdaMocks: { functions: { f: {} } } }), /options.lambdaMocks: functions\["f"\]/);
  });
});

describe('workspace files: discovery in a flows folder', () => {
  it('finds *.lexbot.json files and lambda-mocks.json, one subfolder deep', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatreq-ws-'));
    try {
      mkdirSync(join(dir, 'prod'));
      writeFileSync(join(dir, 'a.lexbot.json'), '{}');
      writeFileSync(join(dir, 'prod', 'b.lexbot.json'), '{}');
      writeFileSync(join(dir, 'lambda-mocks.json'), '{}');
      writeFileSync(join(dir, 'main.flow.json'), '{}');
      assert.deepEqual(discoverWorkspaceFiles(dir), {
        lexBotFiles: [join(dir, 'a.lexbot.json'), join(dir, 'prod', 'b.lexbot.json')],
        lambdaMockFile: join(dir, 'lambda-mocks.json'),
      });
      writeFileSync(join(dir, 'prod', 'lambda-mocks.json'), '{}');
      assert.throws(() => discoverWorkspaceFiles(dir), /found 2 lambda-mocks.json files/);
      assert.deepEqual(discoverWorkspaceFiles(join(dir, 'prod', '..', 'prod')), { lexBotFiles: [join(dir, 'prod', 'b.lexbot.json')], lambdaMockFile: join(dir, 'prod', 'lambda-mocks.json') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
