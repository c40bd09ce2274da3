/**
 * `chatreq launch` in-process (runCli with a captured io) against a real sandbox over HTTP: exit
 * codes, the conversation with --say, the --json shape, --count under throttling (0 duplicates),
 * --sandbox, and that no token ever reaches the output.
 */
import assert from 'node:assert/strict';
import { captureIo } from '../../support/cliIo';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, startSandboxWithFlows } from '../../../src/sandbox';


type FlowSandbox = Awaited<ReturnType<typeof startSandboxWithFlows>>;

/** Sandbox tokens are 96 random bytes in base64url (128 characters); IDs are UUIDs (36). */
const TOKEN_LIKE = /[A-Za-z0-9_-]{100,}/;

describe('cli: chatreq launch', function () {
  this.timeout(30_000);
  let sb: FlowSandbox;
  let dir: string;
  const file = (name: string, members: Record<string, unknown>) => {
    const p = join(dir, name);
    writeFileSync(p, `${JSON.stringify(members, null, 2)}\n`);
    return p;
  };
  let bot: string;

  before(async () => {
    sb = await startSandboxWithFlows();
    dir = mkdtempSync(join(tmpdir(), 'chatreq-launch-'));
    bot = file('bot.chatreq.json', {
      $schema: 'https://example.invalid/chatreq.schema.json',
      InstanceId: DEMO_INSTANCE_ID,
      ContactFlowId: DEMO_FLOWS.supportBot,
      ParticipantDetails: { DisplayName: 'Ana' },
    });
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    sb.clearFaults();
    sb.setQuotas({});
  });

  const run = async (args: string[], env: Record<string, string | undefined> = {}) => {
    const io = captureIo(undefined, env);
    const code = await runCli(['launch', ...args], io);
    assert.doesNotMatch(io.out + io.err, TOKEN_LIKE, 'no token in the output');
    return { code, out: io.out, err: io.err };
  };

  it('follows the conversation with --say: each message after the flow has spoken; exit 0 and the transcript', async () => {
    const before = sb.listContacts().length;
    const r = await run([bot, '--endpoint', sb.url, '--say', 'where is my order', '--say', '12345']);
    assert.equal(r.code, 0, r.err);
    const contact = sb.listContacts().at(-1)!;
    assert.equal(sb.listContacts().length, before + 1);
    assert.match(r.out, new RegExp(`Contact ${contact.contactId} \\(participant [0-9a-f-]{36}\\)`));
    const lines = r.out.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    assert.ok(at('SYSTEM_MESSAGE: How can I help you today?') < at('Ana: where is my order'));
    assert.ok(at('Ana: where is my order') < at('BOT: Sure. What is your order number?'));
    assert.ok(at('BOT: Sure. What is your order number?') < at('Ana: 12345'));
    assert.ok(at('Good news: order 12345 shipped') > at('Ana: 12345'));
    assert.match(r.out, /\* The chat ended\nState: Ended\n$/);
  });

  it('--json prints one object: contactId, participantId, instanceId, contactFlowId, state, transcript (GetTranscript names)', async () => {
    const r = await run([bot, '--endpoint', sb.url, '--json', '--say', 'where is my order', '--say', '12345']);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as Record<string, unknown> & { transcript: Array<Record<string, unknown>> };
    assert.deepEqual(Object.keys(doc), ['contactId', 'participantId', 'instanceId', 'contactFlowId', 'state', 'transcript']);
    assert.equal(doc.instanceId, DEMO_INSTANCE_ID);
    assert.equal(doc.contactFlowId, DEMO_FLOWS.supportBot);
    assert.equal(doc.state, 'ended');
    assert.equal(doc.contactId, sb.listContacts().at(-1)!.contactId);
    const allowed = new Set(['Id', 'Type', 'ContentType', 'AbsoluteTime', 'Content', 'ParticipantId', 'DisplayName', 'ParticipantRole', 'ContactId', 'RelatedContactId', 'MessageMetadata', 'Attachments']);
    for (const item of doc.transcript) for (const k of Object.keys(item)) assert.ok(allowed.has(k), `unexpected member ${k}`);
    assert.deepEqual(
      doc.transcript.map((i) => i.Id),
      sb.getContact(doc.contactId)!.transcript.map((i) => i.Id),
    );
  });

  it('an invalid request exits 1 with its diagnostics; a missing target says what to pass; an unset variable is named', async () => {
    const bad = file('bad.chatreq.json', { InstanceId: 42, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Ana' } });
    const a = await run([bad, '--endpoint', sb.url]);
    assert.equal(a.code, 1);
    assert.match(a.err, /^bad\.chatreq\.json:2:\d+ error chatreq\/wrong-type /m);
    assert.match(a.err, /cannot launch: InstanceId: Incorrect type\. Expected "string"\./);
    const noTarget = file('none.chatreq.json', { ParticipantDetails: { DisplayName: 'Ana' } });
    const b = await run([noTarget, '--endpoint', sb.url]);
    assert.equal(b.code, 1);
    assert.match(b.err, /InstanceId and ContactFlowId are not set.*--instance-id \/ --flow-id/);
    const c = await run([noTarget, '--endpoint', sb.url, '--instance-id', DEMO_INSTANCE_ID, '--flow-id', DEMO_FLOWS.supportBot, '--wait', '0.2']);
    assert.equal(c.code, 0, c.err);
    const envFile = file('env.chatreq.json', { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'A' }, Attributes: { id: '${env:CHATREQ_TEST_ID}' } });
    const d = await run([envFile, '--endpoint', sb.url]);
    assert.equal(d.code, 1);
    assert.match(d.err, /Attributes\.id: environment variable CHATREQ_TEST_ID is not set/);
    const e = await run([envFile, '--endpoint', sb.url, '--wait', '0.2', '--json'], { CHATREQ_TEST_ID: 'c-9' });
    assert.equal(e.code, 0, e.err);
    assert.equal(sb.getContact((JSON.parse(e.out) as { contactId: string }).contactId)!.attributes.id, 'c-9');
  });

  it('a failed launch exits 1 with a clear reason and what to do', async () => {
    const unknownFlow = file('nf.chatreq.json', { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: '00000000-0000-4000-8000-000000000000', ParticipantDetails: { DisplayName: 'Ana' } });
    const r = await run([unknownFlow, '--endpoint', sb.url]);
    assert.equal(r.code, 1);
    assert.match(r.err, /chatreq launch: ContactFlowId: no flow with the id '0{8}-/);
    assert.match(r.err, /\n {2}Check InstanceId and ContactFlowId/);
  });

  it('--count N under throttling: N chats, one contact each (0 duplicates), paced, with a summary', async () => {
    const before = sb.listContacts().length;
    sb.setQuotas({ tps: { StartChatContact: 20 } });
    sb.setFaults([
      { operation: 'StartChatContact', kind: 'drop', afterHandling: true, count: 3 },
      { operation: 'StartChatContact', kind: 'error', status: 500, count: 3 },
    ]);
    const r = await run([bot, '--endpoint', sb.url, '--count', '40', '--rate', '40', '--json']);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { chats: Array<{ contactId: string; state: string }>; summary: Record<string, number> };
    assert.equal(doc.chats.length, 40);
    assert.equal(doc.summary.launched, 40);
    assert.equal(doc.summary.failed, 0);
    assert.equal(doc.summary.distinctContacts, 40);
    assert.equal(doc.summary.duplicateContacts, 0);
    assert.ok(doc.summary.sdkRetries + doc.summary.throttledRetries > 0, 'some calls were retried');
    assert.equal(sb.listContacts().length, before + 40, 'exactly one sandbox contact per launch');
    assert.ok(doc.chats.every((c) => c.state === 'ended'), 'the chats were stopped after launch');
    const text = await run([bot, '--endpoint', sb.url, '--count', '3', '--rate', '50']);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /Launched 3 of 3 in [\d.]+ s \([\d.]+\/s\): 0 failed, 3 distinct contacts, 0 duplicates/);
  });

  it('--sandbox starts the built-in sandbox for the run', async () => {
    const r = await run([bot, '--sandbox', '--json', '--say', 'where is my order', '--say', '12345']);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { state: string; transcript: Array<{ Content?: string }> };
    assert.equal(doc.state, 'ended');
    assert.ok(doc.transcript.some((i) => i.Content === 'Good news: order 12345 shipped with UPS and should arrive by Friday.'));
  });

  it('usage errors exit 2', async () => {
    assert.equal((await run([])).code, 2);
    assert.equal((await run([bot, '--count', '2', '--say', 'hi'])).code, 2);
    assert.equal((await run([bot, '--count', '0'])).code, 2);
    assert.equal((await run([bot, '--frobnicate'])).code, 2);
    assert.equal((await run([bot, '--sandbox', '--endpoint', sb.url])).code, 2);
    // `--` ends the options: what follows is the file, even if it starts with a dash.
    const r = await run(['--endpoint', sb.url, '--wait', '0.2', '--', bot]);
    assert.equal(r.code, 0, r.err);
  });
});
