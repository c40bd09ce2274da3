/**
 * `chatreq test` in-process (runCli with a captured io) against a real sandbox with the demo flows:
 * discovery, one line per test and the summary, exit codes, --json, --junit (read back with a
 * strict XML parser), --shard (the slices partition the suite), --retries, --grep, --sandbox,
 * and no token in any output.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/command';
import { runCli } from '../../../src/cli/main';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, startSandboxWithFlows } from '../../../src/sandbox';
import { all, parseXml } from '../chattest/xml';

const TOKEN_LIKE = /[A-Za-z0-9_-]{100,}/;
const INTERACTIVE = 'application/vnd.amazonaws.connect.message.interactive';
type FlowSandbox = Awaited<ReturnType<typeof startSandboxWithFlows>>;

interface JsonReport {
  tests: Array<{ name: string; file: string; status: string; durationMs: number; contactId: string | null; retries?: number; failure: { step: number; text: string } | null }>;
  summary: { passed: number; failed: number; durationMs: number };
}

describe('cli: chatreq test', function () {
  this.timeout(60_000);
  let sb: FlowSandbox;
  let dir: string;
  const write = (name: string, v: unknown) => {
    const p = join(dir, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, `${JSON.stringify(v, null, 2)}\n`);
    return p;
  };

  before(async () => {
    sb = await startSandboxWithFlows();
    dir = mkdtempSync(join(tmpdir(), 'chatreq-test-'));
    write('support.chatreq.json', { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Ana' }, Attributes: { tier: 'gold' } });
    write('menu.chatreq.json', { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.helpMenu, ParticipantDetails: { DisplayName: 'Ana' }, SupportedMessagingContentTypes: ['text/plain', INTERACTIVE] });
    write('support.chattest.json', {
      tests: [
        {
          name: 'order shipped',
          request: './support.chatreq.json',
          steps: [{ expect: 'How can I help' }, { say: 'where is my order' }, { expect: 'order number' }, { say: '12345' }, { expect: 'shipped' }, { expectAttributes: { tier: 'gold', orderId: '12345' } }, { expectEnded: true }],
        },
        {
          name: 'wrong answer (fails on purpose)',
          request: './support.chatreq.json',
          timeoutSeconds: 1,
          steps: [{ expect: 'How can I help' }, { say: 'where is my order' }, { expect: { equals: 'What is your name?' } }],
        },
      ],
    });
    write('sub/menu.chattest.json', {
      name: 'menu: track an order',
      request: '../menu.chatreq.json',
      steps: [{ expect: 'What can we help you with?' }, { select: 'Track an order' }, { expect: 'example.com/orders' }, { expectAttributes: { menuChoice: 'TrackOrder' } }, { expectEnded: true }],
    });
    write('sub/timeout.chattest.json', { name: 'silence times out', request: '../support.chatreq.json', timeoutSeconds: 0.5, steps: [{ expect: 'nobody says this' }] });
    write('other/many.chattest.json', {
      tests: Array.from({ length: 7 }, (_, i) => ({ name: `greeting ${i}`, request: '../support.chatreq.json', override: { Attributes: { n: String(i) } }, steps: [{ expect: 'How can I help' }, { expectAttributes: { n: String(i) } }] })),
    });
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (args: string[], cwd = dir) => {
    const io: CliIo & { out: string; err: string } = {
      out: '',
      err: '',
      env: {},
      cwd,
      stdout(t) {
        io.out += t;
      },
      stderr(t) {
        io.err += t;
      },
    };
    const code = await runCli(['test', ...args], io);
    assert.doesNotMatch(io.out + io.err, TOKEN_LIKE, 'no token in the output');
    return { code, out: io.out, err: io.err };
  };

  it('runs every test under the folder: one line per test, the failure with its step and what arrived, the summary, exit 1', async () => {
    const r = await run(['--endpoint', sb.url]);
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.at(-1), '9 passed, 2 failed');
    assert.match(r.out, /^✓ order shipped \(support\.chattest\.json\) \d+ ms contact [0-9a-f-]{36}$/m);
    assert.match(r.out, /^✓ menu: track an order \(sub\/menu\.chattest\.json\)/m);
    assert.match(r.out, /^✗ wrong answer \(fails on purpose\) \(support\.chattest\.json\) \d+ ms contact [0-9a-f-]{36}\n {4}Step 3 \(expect equals "What is your name\?"\): expected a message equal to "What is your name\?" within 1 s; received since the previous step:\n {4}BOT: "Sure\. What is your order number\?"$/m);
    assert.match(r.out, /^✗ silence times out .*\n {4}Step 1 \(expect contains "nobody says this"\): expected .* within 0\.5 s/m);
    assert.equal(lines.filter((l) => /^[✓✗] /.test(l)).length, 11);
  });

  it('exit 0 when every test passes (a file path, --grep); exit 2 on bad usage', async () => {
    const a = await run([join('sub', 'menu.chattest.json'), '--endpoint', sb.url]);
    assert.equal(a.code, 0, a.out + a.err);
    assert.match(a.out, /\n1 passed, 0 failed\n$/);
    const b = await run(['--endpoint', sb.url, '--grep', 'ORDER SHIPPED']);
    assert.equal(b.code, 0, b.out);
    assert.match(b.out, /\n1 passed, 0 failed\n$/);
    // A --grep that matches nothing runs nothing: not a failure, but said.
    const none = await run(['--endpoint', sb.url, '--grep', 'no such test']);
    assert.equal(none.code, 0);
    assert.equal(none.out, '0 passed, 0 failed\n');
    assert.match(none.err, /^chatreq test: no test name contains "no such test" \(of 11 tests\); nothing ran$/m);
    for (const bad of [['--shard', '3/2'], ['--parallel', '0'], ['--retries', 'x'], ['--bogus'], ['--flows', 'x'], ['--sandbox', '--endpoint', sb.url]]) {
      const c = await run(bad);
      assert.equal(c.code, 2, `${bad.join(' ')}: ${c.err}`);
    }
    const d = await run(['nope', '--endpoint', sb.url]);
    assert.equal(d.code, 2);
    assert.match(d.err, /no such file or folder/);
  });

  it('--json prints one object with tests and summary; --junit writes XML a strict parser reads, with the contact ID', async () => {
    const junit = join(dir, 'report.xml');
    const r = await run(['--endpoint', sb.url, '--json', '--junit', junit, '--parallel', '8']);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out) as JsonReport;
    assert.deepEqual(Object.keys(doc), ['tests', 'summary']);
    assert.equal(doc.tests.length, 11);
    assert.deepEqual([doc.summary.passed, doc.summary.failed], [9, 2]);
    const failed = doc.tests.find((t) => t.name === 'wrong answer (fails on purpose)')!;
    assert.deepEqual(Object.keys(failed), ['name', 'file', 'status', 'durationMs', 'contactId', 'failure']);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.file, 'support.chattest.json');
    assert.equal(failed.failure?.step, 3);
    assert.ok(sb.getContact(failed.contactId!), 'the contact ID is the sandbox contact');
    assert.equal(doc.tests.find((t) => t.name === 'order shipped')!.failure, null);
    const xml = parseXml(readFileSync(junit, 'utf8'));
    const cases = all(xml, 'testcase');
    assert.equal(cases.length, 11);
    const fc = cases.find((c) => c.attributes.name === 'wrong answer (fails on purpose)')!;
    assert.equal(all(fc, 'failure')[0].attributes.type, 'step 3');
    assert.match(all(fc, 'failure')[0].text, /^Step 3 \(expect equals "What is your name\?"\)/);
    assert.deepEqual(
      all(fc, 'property').map((p) => [p.attributes.name, p.attributes.value]),
      [['contactId', failed.contactId]],
    );
    assert.equal(xml.attributes.failures, '2');
  });

  it('--shard I/N: the slices partition the suite exactly, and the same slice twice is the same tests', async () => {
    const names: string[][] = [];
    for (let i = 1; i <= 3; i++) {
      const r = await run(['--endpoint', sb.url, '--json', '--shard', `${i}/3`]);
      names.push((JSON.parse(r.out) as JsonReport).tests.map((t) => `${t.file}:${t.name}`).sort());
    }
    const flat = names.flat();
    assert.equal(flat.length, 11);
    assert.equal(new Set(flat).size, 11);
    assert.ok(names.every((n) => n.length >= 3 && n.length <= 4));
    const again = await run(['--endpoint', sb.url, '--json', '--shard', '2/3']);
    assert.deepEqual((JSON.parse(again.out) as JsonReport).tests.map((t) => `${t.file}:${t.name}`).sort(), names[1]);
    // More shards than tests: the last is empty, which passes and says so.
    const empty = await run(['--endpoint', sb.url, '--shard', '12/12']);
    assert.equal(empty.code, 0);
    assert.match(empty.err, /^chatreq test: shard 12\/12 has no test \(of 11\); nothing ran$/m);
  });

  it('--junit to a folder that does not exist, or to a folder: exit 2 before any chat starts; a report that cannot be written is exit 1', async () => {
    const before = sb.listContacts().length;
    const missing = await run(['--endpoint', sb.url, '--grep', 'order shipped', '--junit', join('no-such-folder', 'r.xml')]);
    assert.equal(missing.code, 2, missing.err);
    assert.match(missing.err, /^chatreq test: --junit no-such-folder\/r\.xml: the folder .*no-such-folder does not exist \(create it first\)$/m);
    const folder = await run(['--endpoint', sb.url, '--grep', 'order shipped', '--junit', 'sub']);
    assert.equal(folder.code, 2, folder.err);
    assert.match(folder.err, /--junit sub: that is a folder; give a file name such as results\.xml/);
    assert.equal(sb.listContacts().length, before, 'no chat started');
    // Every write to Linux's /dev/full fails (ENOSPC): the tests pass, the report does not reach the disk.
    const full = await run(['--endpoint', sb.url, '--grep', 'order shipped', '--junit', '/dev/full']);
    assert.equal(full.code, 1, full.err);
    assert.match(full.out, /\n1 passed, 0 failed\n$/);
    assert.match(full.err, /cannot write the JUnit report \/dev\/full: ENOSPC/);
  });

  it('--retries N runs a failed test again and says so', async () => {
    const before = sb.listContacts().length;
    const r = await run(['--endpoint', sb.url, '--retries', '2', '--grep', 'fails on purpose']);
    assert.equal(r.code, 1);
    assert.match(r.out, /^✗ wrong answer \(fails on purpose\) .* \(retried 2×\)$/m);
    assert.equal(sb.listContacts().length, before + 3, 'three chats: the run and two retries');
    const junit = join(dir, 'retried.xml');
    const j = await run(['--endpoint', sb.url, '--retries', '1', '--grep', 'fails on purpose', '--json', '--junit', junit]);
    assert.equal((JSON.parse(j.out) as JsonReport).tests[0].retries, 1);
    // JUnit says so too, next to the contact ID.
    const props = all(parseXml(readFileSync(junit, 'utf8')), 'property').map((p) => [p.attributes.name, p.attributes.value]);
    assert.deepEqual(props.find(([name]) => name === 'retries'), ['retries', '1']);
  });

  it('an invalid test file fails with its diagnostics (file:line:col) and the rest still runs', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'chatreq-test-bad-'));
    try {
      writeFileSync(join(bad, 'support.chatreq.json'), readFileSync(join(dir, 'support.chatreq.json')));
      writeFileSync(join(bad, 'bad.chattest.json'), '{\n  "name": "bad",\n  "request": "./support.chatreq.json",\n  "steps": [{ "sey": "hi" }]\n}\n');
      writeFileSync(join(bad, 'good.chattest.json'), JSON.stringify({ name: 'good', request: './support.chatreq.json', steps: [{ expect: 'How can I help' }] }));
      // An inline request gets the request file's checks (schema and rules), at its place in the test file.
      writeFileSync(join(bad, 'inline.chattest.json'), `{\n  "name": "inline",\n  "request": {\n    "InstanceId": "${DEMO_INSTANCE_ID}",\n    "ContactFlowId": "${DEMO_FLOWS.supportBot}",\n    "ParticipantDetails": { "DisplayName": "A" },\n    "Attributes": { "tier": 1 }\n  },\n  "steps": [{ "expectEnded": true }]\n}\n`);
      const before = sb.listContacts().length;
      const r = await run(['--endpoint', sb.url], bad);
      assert.equal(r.code, 1);
      assert.match(r.err, /^bad\.chattest\.json:4:15 error chattest\/unknown-step Test "bad", step 1: "sey" is not a step/m);
      assert.match(r.err, /^inline\.chattest\.json:7:29 error chatreq\/wrong-type Test "inline": request\.Attributes\.tier: Incorrect type\. Expected "string"\.$/m);
      assert.match(r.out, /\n1 passed, 2 failed\n$/);
      assert.equal(sb.listContacts().length, before + 1, 'only the good test started a chat');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('--sandbox starts the built-in sandbox for the run', async () => {
    const r = await run(['--sandbox', join('sub', 'menu.chattest.json')]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^Running 1 test on the built-in sandbox/);
  });
});
