import assert from 'node:assert/strict';
import { captureIo } from '../../support/cliIo';
import { runCli } from '../../../src/cli/main';


describe('cli', () => {
  it('prints the version', async () => {
    const io = captureIo();
    assert.equal(await runCli(['--version'], io), 0);
    assert.match(io.out, /^\d+\.\d+\.\d+/);
  });

  it('lists commands in help and exits 0', async () => {
    const io = captureIo();
    assert.equal(await runCli(['help'], io), 0);
    assert.match(io.out, /Usage: chatreq <command>/);
  });

  it('with no arguments prints the help on stdout and exits 0', async () => {
    const io = captureIo();
    assert.equal(await runCli([], io), 0);
    assert.match(io.out, /Usage: chatreq <command>/);
    assert.equal(io.err, '');
  });

  it('rejects an unknown command with exit code 2 and names it', async () => {
    const io = captureIo();
    assert.equal(await runCli(['frobnicate'], io), 2);
    assert.match(io.err, /unknown command 'frobnicate'/);
  });
});
