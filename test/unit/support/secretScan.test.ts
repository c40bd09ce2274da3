import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSecrets, scanFolder } from '../../support/secretScan';

describe('test support: secret scanner', () => {
  const known = ['QVFJREFIaGVsbG8gd29ybGQ', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'];

  it('finds a known secret verbatim, JSON-escaped, URL-encoded and base64-encoded', () => {
    assert.deepEqual(findSecrets(`log: ${known[0]} end`, known), [known[0]]);
    assert.deepEqual(findSecrets(JSON.stringify({ a: known[1] }).replace(/\//g, '\\/'), known), [known[1]]);
    assert.deepEqual(findSecrets(`?k=${encodeURIComponent(known[1])}`, known), [known[1]]);
    assert.deepEqual(findSecrets(Buffer.from(known[1]).toString('base64'), known), [known[1]]);
  });

  it('finds token shapes nobody told it about', () => {
    const found = findSecrets(
      [
        'key ASIAIOSFODNN7EXAMPLE',
        'Authorization: Bearer dGhpcyBpcyBhIHNlY3JldA==',
        'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
        'wss://h/connect?connectionToken=abcdefghijklmnop1234&v=1',
        '"ParticipantToken": "QVFJREFIaG9rZW4tc2VjcmV0LXRva2Vu"',
        'X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024',
      ].join('\n'),
      [],
    );
    assert.deepEqual(found, [
      'ASIAIOSFODNN7EXAMPLE',
      'Bearer dGhpcyBpcyBhIHNlY3JldA==',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      'connectionToken=abcdefghijklmnop1234',
      '"ParticipantToken": "QVFJREFIaG9rZW4tc2VjcmV0LXRva2Vu"',
      'X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024',
    ]);
  });

  it('reports nothing for redacted or harmless text', () => {
    const text = [
      '"ParticipantToken": "«redacted»"',
      'Authorization: «redacted»',
      'key ASIA…«redacted»',
      '{"InstanceId":"11111111-2222-4333-8444-555555555555","NextToken":null,"DisplayName":"Ann"}',
      'The security token included in the request is invalid.',
    ].join('\n');
    assert.deepEqual(findSecrets(text, known), []);
  });

  it('ignores known secrets too short to search for meaningfully', () => {
    assert.deepEqual(findSecrets('a b c', ['a', '', 'b']), []);
  });

  it('scans every file of a folder recursively, naming the file of each finding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatreq-scan-'));
    try {
      mkdirSync(join(dir, 'a', 'b'), { recursive: true });
      writeFileSync(join(dir, 'clean.json'), '{"x":1}');
      writeFileSync(join(dir, 'a', 'b', 'state.json'), JSON.stringify({ token: known[0] }));
      writeFileSync(join(dir, 'a', 'bin.dat'), Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(known[1], 'utf16le')]));
      const found = await scanFolder(dir, known);
      assert.deepEqual(found, [`${join('a', 'b', 'state.json')}: ${known[0]}`, `${join('a', 'bin.dat')}: ${known[1]}`].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('scans nothing in a folder that does not exist, and says so', async () => {
    await assert.rejects(scanFolder(join(tmpdir(), 'chatreq-no-such-folder-xyz'), known), /ENOENT/);
  });
});
