/**
 * The sandbox serves STS and SSO on its own port: one URL for AWS_ENDPOINT_URL_STS,
 * AWS_ENDPOINT_URL_SSO and the Connect endpoint, so a whole profile (credentials and Connect
 * calls) runs against a single sandbox, the way the extension's integration tests use it.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ConnectAccess } from '../../../src/core/aws/connectAccess';
import { explainAwsError } from '../../../src/core/aws/explainError';
import { openSession, type AwsSession } from '../../../src/core/aws/session';
import type { Connection } from '../../../src/core/connection/model';
import { startSandbox, type RequestLogEntry, type SandboxHandle } from '../../../src/sandbox';
import { mintSsoAccessToken, SANDBOX_MFA_CODE } from '../../../src/sandbox/identity';
import { recordingLogger, useAwsHome } from './awsHome';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['x-amzn-errortype'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('connection: identity routes mounted in the sandbox', function () {
  this.timeout(20_000);
  let sandbox: SandboxHandle;
  const requests: RequestLogEntry[] = [];
  const sessions: AwsSession[] = [];
  before(async () => {
    sandbox = await startSandbox({ onRequest: (e) => requests.push(e) });
  });
  after(async () => {
    for (const s of sessions) s.dispose();
    await sandbox.close();
  });
  const aws = useAwsHome(() => ({ AWS_ENDPOINT_URL_STS: sandbox.url, AWS_ENDPOINT_URL_SSO: sandbox.url }));
  beforeEach(() => {
    sandbox.identity?.clearEvents();
    requests.length = 0;
  });

  async function access(connection: Connection, mfa?: () => Promise<string>): Promise<ConnectAccess> {
    const rec = recordingLogger();
    const session = await openSession({ connection, endpoints: { connect: sandbox.url }, logger: rec.logger, ...(mfa ? { mfaCodeProvider: mfa } : {}) });
    sessions.push(session);
    return new ConnectAccess(session, rec.logger);
  }

  it('assumes a role with MFA through the sandbox URL, then lists its instances there', async () => {
    const home = aws.get();
    home.writeCredentials(`[base]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    home.writeConfig('[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/AdminMfa\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n');
    let asked = 0;
    const a = await access({ kind: 'profile', profile: 'admin', region: 'us-east-1' }, () => {
      asked++;
      return Promise.resolve(SANDBOX_MFA_CODE);
    });
    const instances = await a.listInstances();
    assert.deepEqual(instances.map((i) => i.Id), sandbox.instances.map((i) => i.id));
    assert.equal(asked, 1);
    const events = sandbox.identity?.events ?? [];
    assert.deepEqual(events.map((e) => [e.service, e.operation, e.outcome, e.sourceAccessKeyId]), [['sts', 'AssumeRole', 'ok', KEY_ID]]);
    // The sandbox's request log names the identity call without a Connect operation name.
    assert.ok(requests.some((r) => r.operation === 'sts' && r.status === 200), JSON.stringify(requests));
    assert.ok(requests.some((r) => r.operation === 'ListInstances' && r.status === 200));
  });

  it('refuses a wrong MFA code with the STS AccessDenied the SDK surfaces', async () => {
    const home = aws.get();
    home.writeCredentials(`[base]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    home.writeConfig('[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/AdminMfa\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n');
    const connection: Connection = { kind: 'profile', profile: 'admin', region: 'us-east-1' };
    const a = await access(connection, () => Promise.resolve('000000'));
    const e = await a.listInstances().then(() => assert.fail('expected a failure'), (x: unknown) => x);
    const x = explainAwsError(e, { connection, operation: 'ListInstances' });
    assert.equal(x.kind, 'mfaInvalid', x.message);
    assert.deepEqual(sandbox.identity?.events.map((ev) => ev.outcome), ['AccessDenied']);
  });

  it('gets SSO role credentials from the sandbox URL, and reports an expired cached token', async () => {
    const home = aws.get();
    home.writeConfig(
      '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
    );
    const later = new Date(Date.now() + 3600_000);
    home.writeSsoCache('corp', { accessToken: mintSsoAccessToken(later), expiresAt: later });
    const connection: Connection = { kind: 'profile', profile: 'sso', region: 'us-east-1' };
    assert.equal((await (await access(connection)).listInstances()).length, sandbox.instances.length);
    assert.deepEqual(sandbox.identity?.events.map((e) => [e.service, e.operation, e.outcome]), [['sso', 'GetRoleCredentials', 'ok']]);

    const past = new Date(Date.now() - 60_000);
    home.writeSsoCache('corp', { accessToken: mintSsoAccessToken(past), expiresAt: past });
    const e = await (await access(connection)).listInstances().then(() => assert.fail('expected a failure'), (x: unknown) => x);
    assert.equal(explainAwsError(e, { connection }).kind, 'ssoExpired');
  });

  it('leaves Connect routes to Connect and keeps the 404 for unknown paths', async () => {
    const stsLike = await raw(sandbox.url, 'PUT', '/contact/chat', { 'content-type': 'application/json' }, '{}');
    assert.equal(stsLike.type, 'MissingAuthenticationTokenException');
    const unknown = await raw(sandbox.url, 'GET', '/federation/other', {});
    assert.equal(unknown.status, 404);
    assert.equal(unknown.type, 'UnknownOperationException');
  });

  it('can be turned off', async () => {
    const plain = await startSandbox({ identity: false, demo: false });
    try {
      assert.equal(plain.identity, undefined);
      const r = await raw(plain.url, 'GET', '/federation/credentials?role_name=Dev&account_id=123456789012', { 'x-amz-sso_bearer_token': 'x' });
      assert.equal(r.status, 404);
      assert.equal(r.type, 'UnknownOperationException');
    } finally {
      await plain.close();
    }
  });
});
