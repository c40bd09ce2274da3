import assert from 'node:assert/strict';
import { captureIo } from '../../support/cliIo';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { validateRequestText } from '../../../src/core/request';


const fixtures = 'test/fixtures/requests';

describe('chatreq validate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatreq-validate-'));
    writeFileSync(join(dir, 'ok.chatreq.json'), '{"ParticipantDetails": {"DisplayName": "A"}}');
    writeFileSync(join(dir, 'warn.chatreq.json'), '{"ParticipantDetails": {"DisplayName": "A"}, "CustomerId": "${env:CID}"}');
    writeFileSync(join(dir, 'bad.chatreq.json'), '{\n  "ParticipantDetails": {"DisplayName": "A"},\n  "ChatDurationInMinutes": 5\n}');
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'nested', 'deeper', 'also.chatreq.json'), '{"ParticipantDetails": {"DisplayName": "B"}}');
    writeFileSync(join(dir, 'nested', 'ignored.json'), 'not checked');
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'pkg', 'x.chatreq.json'), 'broken');
    mkdirSync(join(dir, 'empty'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints file:line:col severity code message (1-based) and exits 1 on an error', async () => {
    const io = captureIo(dir);
    assert.equal(await runCli(['validate', 'bad.chatreq.json'], io), 1);
    assert.equal(io.out.split('\n')[0], 'bad.chatreq.json:3:28 error chatreq/duration-out-of-range ' + validateRequestText('{\n  "ParticipantDetails": {"DisplayName": "A"},\n  "ChatDurationInMinutes": 5\n}')[0].message);
    assert.match(io.err, /1 file checked: 1 error, 0 warnings/);
  });

  it('exits 0 for a clean file and for warnings only (checking env references against its environment)', async () => {
    const clean = captureIo(dir);
    assert.equal(await runCli(['validate', 'ok.chatreq.json'], clean), 0);
    assert.equal(clean.out, '');
    const warn = captureIo(dir);
    assert.equal(await runCli(['validate', 'warn.chatreq.json'], warn), 0);
    assert.match(warn.out, /^warn\.chatreq\.json:1:\d+ warning chatreq\/env-unknown Environment variable CID/);
    const set = captureIo(dir, { CID: '1' });
    assert.equal(await runCli(['validate', 'warn.chatreq.json'], set), 0);
    assert.equal(set.out, '');
  });

  it('walks folders recursively for *.chatreq.json, skipping node_modules and other files', async () => {
    const io = captureIo(dir);
    assert.equal(await runCli(['validate', '.'], io), 1);
    assert.match(io.err, /4 files checked: 1 error, 1 warning/);
    assert.doesNotMatch(io.out, /node_modules|ignored/);
  });

  it('--json gives one machine-readable document with 1-based positions and fixes', async () => {
    const io = captureIo(dir);
    assert.equal(await runCli(['validate', '--json', 'bad.chatreq.json', 'ok.chatreq.json'], io), 1);
    const doc = JSON.parse(io.out) as {
      files: Array<{ file: string; diagnostics: Array<{ code: string; line: number; column: number; severity: string; fixes?: unknown[] }> }>;
      errors: number;
      warnings: number;
    };
    assert.equal(doc.errors, 1);
    assert.deepEqual(doc.files.map((f) => f.file), ['bad.chatreq.json', 'ok.chatreq.json']);
    const d = doc.files[0].diagnostics[0];
    assert.deepEqual([d.code, d.line, d.column, d.severity], ['chatreq/duration-out-of-range', 3, 28, 'error']);
    assert.equal(d.fixes?.length, 1);
    assert.equal(io.err, '');
  });

  it('a missing path is reported clearly, the rest still checked, exit 2', async () => {
    const io = captureIo(dir);
    assert.equal(await runCli(['validate', 'nope.chatreq.json', 'ok.chatreq.json'], io), 2);
    assert.match(io.err, /cannot read nope\.chatreq\.json: no such file or folder/);
    assert.match(io.err, /1 file checked/);
  });

  it('a path that cannot be opened exits 2', async () => {
    const io = captureIo(dir);
    assert.equal(await runCli(['validate', 'ok.chatreq.json/inner.chatreq.json'], io), 2);
    assert.match(io.err, /cannot read ok\.chatreq\.json\/inner\.chatreq\.json: part of the path is a file, not a folder/);
  });

  it('a folder without request files exits 2 and says so', async () => {
    const io = captureIo(dir);
    assert.equal(await runCli(['validate', 'empty'], io), 2);
    assert.match(io.err, /no \*\.chatreq\.json files in folder empty/);
  });

  it('no paths or an unknown option is a usage error (exit 2, usage shown)', async () => {
    const none = captureIo(dir);
    assert.equal(await runCli(['validate'], none), 2);
    assert.match(none.err, /give at least one file or folder/);
    assert.match(none.err, /Usage: chatreq validate/);
    const bad = captureIo(dir);
    assert.equal(await runCli(['validate', '--fix', 'ok.chatreq.json'], bad), 2);
    assert.match(bad.err, /unknown option --fix/);
  });

  it('takes a file whose name starts with "-" after --, and --json after the paths', async () => {
    writeFileSync(join(dir, '-x.chatreq.json'), '{"ParticipantDetails": {"DisplayName": "A"}}');
    const io = captureIo(dir);
    assert.equal(await runCli(['validate', '--', '-x.chatreq.json'], io), 0, io.err);
    assert.match(io.err, /1 file checked: 0 errors/);
    const late = captureIo(dir);
    assert.equal(await runCli(['validate', 'ok.chatreq.json', '--json'], late), 0, late.err);
    assert.equal((JSON.parse(late.out) as { files: unknown[] }).files.length, 1);
    const opt = captureIo(dir);
    assert.equal(await runCli(['validate', '-x.chatreq.json'], opt), 2);
    assert.match(opt.err, /unknown option -x\.chatreq\.json/);
    assert.match(opt.err, /put -- before it/);
  });

  it('is listed in help and has usage text mentioning folders', async () => {
    const io = captureIo(dir);
    assert.equal(await runCli(['help'], io), 0);
    assert.match(io.out, /validate\s+Check \*\.chatreq\.json/);
    const u = captureIo(dir);
    assert.equal(await runCli(['help', 'validate'], u), 0);
    assert.match(u.out, /searched recursively/);
  });

  it('the fixtures: valid ones pass, each invalid one fails', async () => {
    const valid = captureIo(process.cwd(), { PREVIOUS_CONTACT_ID: 'c', CHATREQ_CUSTOMER_ID: 'x' });
    assert.equal(await runCli(['validate', `${fixtures}/valid`], valid), 0);
    assert.equal(valid.out, '');
    for (const f of ['arn-ids', 'strict-json', 'rules', 'schema']) {
      const io = captureIo(process.cwd());
      assert.equal(await runCli(['validate', `${fixtures}/invalid/${f}.chatreq.json`], io), 1, f);
    }
  });
});
