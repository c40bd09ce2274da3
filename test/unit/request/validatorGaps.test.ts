/** Validator gaps a new user hits (issue 14, item 4): encodings, odd files, numbers, nesting, env, the AWS CLI. */
import assert from 'node:assert/strict';
import { captureIo } from '../../support/cliIo';
import { awsCliEnv } from '../../support/awsCli';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { applyEdits, expandSnippet, newRequestText, requestSnippets, validateRequestText } from '../../../src/core/request';
import { formChangeEdits } from '../../../src/core/request/form';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, startSandbox, type SandboxHandle } from '../../../src/sandbox';


const REQUEST = '{"ParticipantDetails": {"DisplayName": "José"}}';

describe('validator gaps', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatreq-gaps-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, bytes: Buffer | string): string => {
    writeFileSync(join(dir, name), bytes);
    return name;
  };

  describe('file encodings (chatreq validate)', () => {
    it('says a Latin-1 file is not UTF-8 and names the byte offset', async () => {
      const name = write('latin1.chatreq.json', Buffer.from(REQUEST, 'latin1'));
      const io = captureIo(dir);
      assert.equal(await runCli(['validate', name], io), 1);
      const offset = Buffer.from(REQUEST, 'latin1').indexOf(0xe9);
      assert.match(io.out, new RegExp(`^latin1\\.chatreq\\.json:1:\\d+ error chatreq/json-encoding .*not valid UTF-8.*byte ${offset} \\(0xE9\\).*Latin-1`));
      assert.ok(!io.out.includes('\uFFFD'), io.out);
    });

    it('says an invalid UTF-8 sequence is not UTF-8, at its byte offset', async () => {
      const bytes = Buffer.concat([Buffer.from('{"ParticipantDetails": {"DisplayName": "ab'), Buffer.from([0xf0, 0x28, 0x8c, 0x28]), Buffer.from('"}}')]);
      const io = captureIo(dir);
      assert.equal(await runCli(['validate', write('badutf8.chatreq.json', bytes)], io), 1);
      assert.match(io.out, /chatreq\/json-encoding .*not valid UTF-8.*byte 42 \(0xF0\)/);
    });

    it('names UTF-16 with and without a byte order mark', async () => {
      const le = Buffer.from(REQUEST, 'utf16le');
      const be = Buffer.from(le).swap16();
      const cases: Array<[string, Buffer, RegExp]> = [
        ['le-bom.chatreq.json', Buffer.concat([Buffer.from([0xff, 0xfe]), le]), /UTF-16LE/],
        ['be-bom.chatreq.json', Buffer.concat([Buffer.from([0xfe, 0xff]), be]), /UTF-16BE/],
        ['le.chatreq.json', le, /UTF-16LE/],
        ['be.chatreq.json', be, /UTF-16BE/],
      ];
      for (const [name, bytes, encoding] of cases) {
        const io = captureIo(dir);
        assert.equal(await runCli(['validate', write(name, bytes)], io), 1, name);
        assert.match(io.out, /chatreq\/json-encoding /, `${name}: ${io.out}`);
        assert.match(io.out, encoding, name);
        assert.match(io.out, /save it as UTF-8/i, name);
        assert.equal(io.out.trim().split('\n').length, 1, `${name}: one problem, not one per stray character:\n${io.out}`);
      }
    });

    it('accepts UTF-8 with a byte order mark', async () => {
      const io = captureIo(dir);
      assert.equal(await runCli(['validate', write('bom.chatreq.json', `\uFEFF${REQUEST}`)], io), 0, io.out);
      assert.equal(io.out, '');
    });

    it('says a binary file is not a text file, without printing its bytes', async () => {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x1b, 0x5b, 0x32, 0x4a, 0x07]);
      const io = captureIo(dir);
      assert.equal(await runCli(['validate', write('image.chatreq.json', png)], io), 1);
      assert.match(io.out, /image\.chatreq\.json:1:1 error chatreq\/json-encoding .*not a text file/);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(io.out + io.err, /[\x00-\x08\x0b-\x1f\x7f]|PNG/, 'no raw bytes reach the terminal');
    });
  });

  describe('files that are not regular or too large', () => {
    it('skips a FIFO named *.chatreq.json with a message instead of hanging', async () => {
      execFileSync('mkfifo', [join(dir, 'pipe.chatreq.json')]);
      const io = captureIo(dir);
      assert.equal(await runCli(['validate', 'pipe.chatreq.json'], io), 2);
      assert.match(io.err, /pipe\.chatreq\.json: not a regular file \(a FIFO\); skipped/);
    });

    it('refuses a file over 1 MiB with a clear error', async () => {
      const big = `{"ParticipantDetails": {"DisplayName": "A"}, "Attributes": {"a": "${'x'.repeat(1024 * 1024)}"}}`;
      const io = captureIo(dir);
      assert.equal(await runCli(['validate', write('big.chatreq.json', big)], io), 2);
      assert.match(io.err, /big\.chatreq\.json: .*1 MiB/);
    });

    it('--json lists unreadable paths with their error', async () => {
      const io = captureIo(dir);
      assert.equal(await runCli(['validate', '--json', 'bom.chatreq.json', 'missing.chatreq.json'], io), 2);
      const doc = JSON.parse(io.out) as { files: Array<{ file: string; error?: string; diagnostics?: unknown[] }> };
      assert.deepEqual(
        doc.files.map((f) => [f.file, f.error]),
        [
          ['bom.chatreq.json', undefined],
          ['missing.chatreq.json', 'no such file or folder'],
        ],
      );
    });
  });

  describe('numbers and nesting', () => {
    it('says leading zeros are not allowed in JSON numbers, with no comma fix', () => {
      const text = '{"ParticipantDetails": {"DisplayName": "A"}, "ChatDurationInMinutes": 060}';
      const ds = validateRequestText(text);
      assert.equal(ds.length, 1, JSON.stringify(ds));
      assert.match(ds[0].message, /leading zeros? (are|is) not allowed in JSON numbers/i);
      assert.equal(ds[0].range.offset, text.indexOf('060'));
      assert.ok(!(ds[0].fixes ?? []).some((f) => f.edits.some((e) => e.newText.includes(','))), 'no comma fix');
      const fixed = ds[0].fixes?.[0] ? applyEdits(text, ds[0].fixes[0].edits) : text;
      assert.deepEqual(validateRequestText(fixed), [], fixed);
    });

    it('reports deep nesting where it nests, not at 1:1', () => {
      const text = `{\n  "ParticipantDetails": {"DisplayName": "A"},\n  "Attributes": ${'['.repeat(20000)}`;
      const ds = validateRequestText(text);
      const deep = ds.find((d) => d.code === 'chatreq/json-too-deep');
      assert.ok(deep, JSON.stringify(ds.slice(0, 3)));
      assert.equal(deep.range.start.line, 2);
      assert.ok(deep.range.start.character > '  "Attributes": '.length, JSON.stringify(deep.range));
    });
  });

  describe('${env:NAME} values after substitution', () => {
    const text = JSON.stringify({
      InstanceId: '${env:INSTANCE}',
      ParticipantDetails: { DisplayName: 'A' },
      ParticipantConfiguration: { ResponseMode: '${env:MODE}' },
    });
    it('checks a set variable\'s value as if it were written in the file', () => {
      const codes = (env?: Record<string, string>): string[] => validateRequestText(text, env ? { env } : {}).map((d) => d.code);
      assert.deepEqual(codes(), []);
      assert.deepEqual(codes({ INSTANCE: '11111111-2222-4333-8444-555555555555', MODE: 'COMPLETE' }), []);
      assert.deepEqual(codes({ INSTANCE: '11111111-2222-4333-8444-555555555555', MODE: 'SOMETIMES' }), ['chatreq/invalid-value']);
      assert.deepEqual(codes({ INSTANCE: 'x'.repeat(101), MODE: 'COMPLETE' }), ['chatreq/too-long']);
    });

    it('never offers a fix that would replace the reference, and never prints the value', () => {
      const ds = validateRequestText(text, { env: { INSTANCE: '11111111-2222-4333-8444-555555555555', MODE: 'complete' } });
      assert.deepEqual(ds.map((d) => d.code), ['chatreq/invalid-value']);
      assert.equal(ds[0].fixes, undefined, JSON.stringify(ds[0].fixes));
      assert.doesNotMatch(ds[0].message, /complete/);
      assert.match(ds[0].message, /\$\{env:MODE\}/);
      const n = validateRequestText(JSON.stringify({ ParticipantDetails: { DisplayName: 'A' }, ChatDurationInMinutes: '${env:MINUTES}' }), { env: { MINUTES: '90' } });
      assert.deepEqual(n.map((d) => [d.code, d.fixes]), [['chatreq/wrong-type', undefined]]);
    });

    it('the CLI passes its environment', async () => {
      const name = write('env.chatreq.json', text);
      const io = captureIo(dir, { INSTANCE: '11111111-2222-4333-8444-555555555555', MODE: 'SOMETIMES' });
      assert.equal(await runCli(['validate', name], io), 1);
      assert.match(io.out, /chatreq\/invalid-value/);
    });
  });

  describe('members the AWS CLI refuses', () => {
    it('warns about $schema, which aws connect start-chat-contact --cli-input-json refuses', () => {
      const text = '{"$schema": "./chatreq.schema.json", "ParticipantDetails": {"DisplayName": "A"}}';
      const ds = validateRequestText(text);
      assert.deepEqual(
        ds.map((d) => [d.code, d.severity]),
        [['chatreq/not-a-start-chat-contact-member', 'warning']],
      );
      assert.match(ds[0].message, /AWS CLI/);
      assert.deepEqual(validateRequestText(applyEdits(text, ds[0].fixes![0].edits)), []);
    });
  });
});

describe('request files Chatreq writes are accepted by the AWS CLI as they are', function () {
  this.timeout(60_000);
  let sb: SandboxHandle;
  let dir: string;
  before(async () => {
    sb = await startSandbox({});
    dir = mkdtempSync(join(tmpdir(), 'chatreq-awscli-'));
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const startChat = (file: string): Promise<{ code: number; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        'aws',
        ['connect', 'start-chat-contact', '--cli-input-json', `file://${file}`, '--endpoint-url', sb.url, '--output', 'json'],
        {
          env: awsCliEnv(),
          timeout: 30_000,
        },
        (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
      );
    });

  it('New Chat Request, every snippet and a form-written file', async () => {
    const flow = DEMO_FLOWS.orderStatus;
    const ids = (t: string): string => t.replace('instance-id', DEMO_INSTANCE_ID).replace('flow-id', flow).replace('previous-contact-id', 'c-0');
    let form = '';
    for (const [field, value] of [
      ['InstanceId', DEMO_INSTANCE_ID],
      ['ContactFlowId', flow],
      ['ParticipantDetails.DisplayName', 'Form'],
    ] as const) {
      const r = formChangeEdits(form, { kind: 'setField', field, value });
      assert.ok('edits' in r, JSON.stringify(r));
      form = applyEdits(form, r.edits);
    }
    const files: Array<[string, string]> = [
      ['new.chatreq.json', newRequestText({ instanceId: DEMO_INSTANCE_ID, contactFlowId: flow })],
      ...requestSnippets.filter((s) => !s.prefix.includes('persistent')).map((s): [string, string] => [`${s.prefix}.chatreq.json`, ids(expandSnippet(s.body))]),
      ['form.chatreq.json', form],
    ];
    const results = await Promise.all(
      files.map(async ([name, text]) => {
        assert.doesNotMatch(text, /\$schema/, name);
        writeFileSync(join(dir, name), text);
        return [name, await startChat(join(dir, name))] as const;
      }),
    );
    for (const [name, r] of results) assert.equal(r.code, 0, `${name}: ${r.stderr}`);
  });

  it('and a $schema member is what it refuses (why validate warns about it)', async () => {
    writeFileSync(join(dir, 'schema.chatreq.json'), JSON.stringify({ $schema: 'x', InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.orderStatus, ParticipantDetails: { DisplayName: 'A' } }));
    const r = await startChat(join(dir, 'schema.chatreq.json'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unknown parameter in input: "\$schema"/);
  });
});
