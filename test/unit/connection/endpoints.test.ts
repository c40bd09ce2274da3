/** Endpoint overrides: settings, environment, and restricted (untrusted) workspaces. */
import assert from 'node:assert/strict';
import { checkEndpointUrl, resolveEndpoints } from '../../../src/core/connection/endpoints';

describe('connection: endpoint overrides', () => {
  it('uses a user setting in any workspace', () => {
    const r = resolveEndpoints({ connect: { value: 'https://vpce-1.connect.us-east-1.vpce.amazonaws.com/', origin: 'userSetting' }, trusted: false, env: {} });
    assert.deepEqual(r.connect, { url: 'https://vpce-1.connect.us-east-1.vpce.amazonaws.com', origin: 'userSetting', from: 'chatreq.endpoint.connect' });
    assert.deepEqual(r.ignored, []);
  });

  it('ignores a workspace setting in an untrusted workspace and says so', () => {
    const r = resolveEndpoints({ connect: { value: 'https://attacker.example', origin: 'workspaceSetting' }, trusted: false, env: {} });
    assert.equal(r.connect, undefined);
    assert.match(r.ignored[0] ?? '', /chatreq\.endpoint\.connect .*ignored because the workspace is not trusted/);
  });

  it('honours a workspace setting once the workspace is trusted', () => {
    const r = resolveEndpoints({ participant: { value: 'http://127.0.0.1:9000', origin: 'workspaceSetting' }, trusted: true, env: {} });
    assert.equal(r.participant?.url, 'http://127.0.0.1:9000');
  });

  it('reads AWS_ENDPOINT_URL_CONNECT / _CONNECTPARTICIPANT, then AWS_ENDPOINT_URL', () => {
    const r = resolveEndpoints({
      trusted: false,
      env: { AWS_ENDPOINT_URL_CONNECT: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' },
    });
    assert.deepEqual(r.connect, { url: 'http://127.0.0.1:4566', origin: 'env', from: 'AWS_ENDPOINT_URL_CONNECT' });
    assert.deepEqual(r.participant, { url: 'http://127.0.0.1:5000', origin: 'env', from: 'AWS_ENDPOINT_URL' });
  });

  it('lets a setting win over the environment, and the untrusted fallback reach the environment', () => {
    const env = { AWS_ENDPOINT_URL_CONNECT: 'http://127.0.0.1:4566' };
    assert.equal(resolveEndpoints({ connect: { value: 'http://127.0.0.1:1', origin: 'userSetting' }, trusted: true, env }).connect?.url, 'http://127.0.0.1:1');
    assert.equal(resolveEndpoints({ connect: { value: 'http://127.0.0.1:1', origin: 'workspaceSetting' }, trusted: false, env }).connect?.url, 'http://127.0.0.1:4566');
  });

  it('respects AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', () => {
    const r = resolveEndpoints({ trusted: true, env: { AWS_ENDPOINT_URL_CONNECT: 'http://127.0.0.1:4566', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } });
    assert.equal(r.connect, undefined);
  });

  it('rejects malformed URLs with a message naming the source', () => {
    const r = resolveEndpoints({ connect: { value: 'connect.local', origin: 'userSetting' }, trusted: true, env: { AWS_ENDPOINT_URL_CONNECTPARTICIPANT: 'ftp://x' } });
    assert.equal(r.connect, undefined);
    assert.match(r.problems[0] ?? '', /^chatreq\.endpoint\.connect: "connect\.local" is not a URL/);
    assert.match(r.problems[1] ?? '', /^AWS_ENDPOINT_URL_CONNECTPARTICIPANT: .*uses ftp/);
    assert.match((checkEndpointUrl('https://user:pw@host', 'x') as { error: string }).error, /user name or password/);
  });
});
