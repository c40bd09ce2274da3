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
