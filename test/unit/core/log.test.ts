import assert from 'node:assert/strict';
import { redactSecrets, redactingLogger, type Logger } from '../../../src/core/log';

describe('core/log redaction', () => {
  it('redacts Connect tokens in JSON bodies', () => {
    const body = JSON.stringify({ ContactId: 'c-1', ParticipantToken: 'QVFJREFIaG9rZW4tc2VjcmV0', ParticipantId: 'p-1' });
    const out = redactSecrets(body);
    assert.ok(!out.includes('QVFJREFIaG9rZW4tc2VjcmV0'), out);
    assert.ok(out.includes('"ContactId":"c-1"'), 'non-secret members stay readable');
    assert.ok(out.includes('"ParticipantId":"p-1"'));
  });

  it('redacts bearer headers, session tokens and access key IDs', () => {
    const text = 'X-Amz-Bearer: abc.def.ghi aws_session_token=FwoGZXIvYXdzE AKIAIOSFODNN7EXAMPLE';
    const out = redactSecrets(text);
    for (const secret of ['abc.def.ghi', 'FwoGZXIvYXdzE', 'IOSFODNN7EXAMPLE']) {
      assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    }
  });

  it('passes every message of a wrapped logger through redaction', () => {
    const seen: string[] = [];
    const sink: Logger = {
      trace: (m) => seen.push(m),
      debug: (m) => seen.push(m),
      info: (m) => seen.push(m),
      warn: (m) => seen.push(m),
      error: (m) => seen.push(m),
    };
    const log = redactingLogger(sink);
    log.info('ConnectionToken=zzz-secret');
    log.error('"ParticipantToken": "yyy-secret"');
    assert.equal(seen.length, 2);
    assert.ok(seen.every((m) => !m.includes('secret')), seen.join('\n'));
  });
});

describe('core/log redaction of whole values', () => {
  const leaks = (out: string, secrets: string[]): string[] => secrets.filter((s) => out.includes(s));

  it('redacts a header value to the end of the line, and keeps the next line', () => {
    const out = redactSecrets('Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.sIgNaTuRe tail-part\nHost: example.com');
    assert.deepEqual(leaks(out, ['eyJhbGciOi', 'sIgNaTuRe', 'tail-part']), [], out);
    assert.ok(out.includes('Host: example.com'), out);
    assert.ok(out.startsWith('Authorization: «redacted»'), out);
  });

  it('redacts a quoted value to its closing quote, escaped quotes included', () => {
    const out = redactSecrets('{"ParticipantToken": "abc def \\"ghi\\" jkl", "ParticipantId": "p-1"}');
    assert.deepEqual(leaks(out, ['abc', 'def', 'ghi', 'jkl']), [], out);
    assert.ok(out.includes('"ParticipantId": "p-1"'), out);
    assert.ok(out.includes('"ParticipantToken": "«redacted»"'), out);
  });

  it('redacts single-quoted values (util.inspect output) and JSON nested in a JSON string', () => {
    const inspected = "{ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalr XUtnFEMI', sessionToken: 'IQo Jb3' }";
    const out = redactSecrets(inspected);
    assert.deepEqual(leaks(out, ['wJalr', 'XUtnFEMI', 'IQo', 'Jb3', 'IOSFODNN7EXAMPLE']), [], out);
    const nested = JSON.stringify({ body: JSON.stringify({ ConnectionToken: 'sEcr3t pArt"x', Type: 'CONNECTION_CREDENTIALS' }) });
    const out2 = redactSecrets(nested);
    assert.deepEqual(leaks(out2, ['sEcr3t', 'pArt']), [], out2);
    assert.ok(out2.includes('CONNECTION_CREDENTIALS'), out2);
  });

  it('redacts query-string tokens and signatures but keeps the other parameters', () => {
    const url =
      'https://connect.us-east-1.amazonaws.com/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE%2FsecretPart' +
      '&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef&X-Amz-Date=20260101T000000Z';
    const out = redactSecrets(url);
    assert.deepEqual(leaks(out, ['IQoJb3JpZ2lu', 'secretPart', '0123456789abcdef']), [], out);
    assert.ok(out.includes('X-Amz-Algorithm=AWS4-HMAC-SHA256'), out);
    assert.ok(out.includes('&X-Amz-Date=20260101T000000Z'), out);
    const ws = redactSecrets('opening wss://127.0.0.1:8443/connect?connectionToken=c0nnTok3n-value&v=1 now');
    assert.ok(!ws.includes('c0nnTok3n'), ws);
    assert.ok(ws.includes('&v=1 now'), ws);
  });

  it('redacts a SigV4 Authorization header and a Signature anywhere', () => {
    const h =
      'authorization=AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
    const out = redactSecrets(h);
    assert.deepEqual(leaks(out, ['IOSFODNN7EXAMPLE', 'fe5f80f77d5fa3be']), [], out);
    const out2 = redactSecrets('signature mismatch; Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024.');
    assert.ok(!out2.includes('fe5f80f77d5fa3be'), out2);
  });

  it('redacts bearer tokens and JWTs anywhere, and session credentials in ini and env form', () => {
    const out = redactSecrets('sent bearer dGhpcyBpcyBhIHNlY3JldA== to the server; jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl');
    assert.deepEqual(leaks(out, ['dGhpcyBpcyBhIHNlY3JldA', 'eyJhbGciOiJIUzI1NiJ9', 'c2lnbmF0dXJl']), [], out);
    const ini = redactSecrets('[default]\naws_secret_access_key = wJalr XUtn/K7MDENG\naws_session_token=FwoG ZXIv\nregion = us-east-1');
    assert.deepEqual(leaks(ini, ['wJalr', 'XUtn', 'FwoG']), [], ini);
    assert.ok(ini.includes('region = us-east-1'), ini);
  });

  it('redacts secrets inside error messages', () => {
    const e = new Error('AccessDeniedException: User is not authorized (ParticipantToken: "QVFJ REFI", X-Amz-Bearer: abc def)');
    const out = redactSecrets(`${e.name}: ${e.message}`);
    assert.deepEqual(leaks(out, ['QVFJ', 'REFI', 'abc def']), [], out);
    assert.ok(out.includes('AccessDeniedException: User is not authorized'), out);
  });

  it('keeps AWS error codes that end in Token readable', () => {
    for (const m of ['ExpiredToken: The security token included in the request is expired', 'InvalidIdentityToken: Incorrect token audience', 'BadToken: x']) {
      assert.equal(redactSecrets(m), m);
    }
  });

  it('leaves text without secrets untouched', () => {
    const plain = '{"InstanceId":"11111111-2222-4333-8444-555555555555","ContactFlowId":"f-1","ParticipantDetails":{"DisplayName":"Ann"}} 200 OK in 12 ms';
    assert.equal(redactSecrets(plain), plain);
  });
});
