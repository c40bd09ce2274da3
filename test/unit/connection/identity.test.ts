/**
 * The STS and SSO stand-ins on the wire: the exact shapes a client sees, checked with raw HTTP and
 * with the AWS CLI (botocore) as a second, independent client.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import {
  handleIdentityRequest,
  mintSsoAccessToken,
  SANDBOX_MFA_CODE,
  startIdentityServer,
  type IdentityServer,
} from '../../../src/sandbox/identity';

const run = promisify(execFile);

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const SIGNED = {
  'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00',
};

function form(fields: Record<string, string>): string {
  return new URLSearchParams({ Version: '2011-06-15', ...fields }).toString();
}

function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
  return { ...env, ...extra };
}

describe('connection: STS and SSO stand-ins on the wire', function () {
  let id: IdentityServer;
  before(async () => {
    id = await startIdentityServer();
  });
  after(() => id.close());

  it('answers AssumeRole with the awsQuery XML document', async () => {
    const r = await send(id.url, 'POST', '/', SIGNED, form({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/Dev', RoleSessionName: 'chatreq' }));
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/xml');
    assert.match(r.body, /^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    assert.match(r.body, /<Arn>arn:aws:sts::123456789012:assumed-role\/Dev\/chatreq<\/Arn>/);
    assert.match(r.body, /<AccessKeyId>ASIA[A-Z2-7]{16}<\/AccessKeyId>/);
    assert.match(r.body, /<RequestId>[0-9a-f-]{36}<\/RequestId>/);
    assert.equal(r.headers['x-amzn-requestid'], /<RequestId>(.*)<\/RequestId>/.exec(r.body)?.[1]);
  });

  it('rejects a wrong MFA code with the STS error shape', async () => {
    const r = await send(
      id.url,
      'POST',
      '/',
      SIGNED,
      form({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/Dev', RoleSessionName: 's1', SerialNumber: 'arn:aws:iam::123456789012:mfa/me', TokenCode: '999999' }),
    );
    assert.equal(r.status, 403);
    assert.match(r.body, /<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>AccessDenied<\/Code>\s*<Message>MultiFactorAuthentication failed with invalid MFA one time pass code\. <\/Message>/);
  });

  it('requires MFA for roles that demand it, and validates members by name', async () => {
    const needsMfa = await send(id.url, 'POST', '/', SIGNED, form({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/AdminMfa', RoleSessionName: 's1' }));
    assert.equal(needsMfa.status, 403);
    assert.match(needsMfa.body, /not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role\/AdminMfa/);
    const badCode = await send(id.url, 'POST', '/', SIGNED, form({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/Dev', RoleSessionName: 's1', SerialNumber: 'arn:aws:iam::123456789012:mfa/me', TokenCode: '12ab' }));
    assert.equal(badCode.status, 400);
    assert.match(badCode.body, /<Code>ValidationError<\/Code>.*Value '12ab' at 'tokenCode'/s);
    const noArn = await send(id.url, 'POST', '/', SIGNED, form({ Action: 'AssumeRole', RoleSessionName: 's1' }));
    assert.match(noArn.body, /Value null at 'roleArn' failed to satisfy constraint: Member must not be null/);
    const duration = await send(id.url, 'POST', '/', SIGNED, form({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/Dev', RoleSessionName: 's1', DurationSeconds: '60' }));
    assert.match(duration.body, /'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200/);
  });

  it('refuses unsigned requests and unknown actions', async () => {
    const unsigned = await send(id.url, 'POST', '/', { 'content-type': SIGNED['content-type'] }, form({ Action: 'AssumeRole' }));
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.body, /<Code>MissingAuthenticationToken<\/Code>/);
    const unknown = await send(id.url, 'POST', '/', SIGNED, form({ Action: 'GetFederationToken' }));
    assert.equal(unknown.status, 400);
    assert.match(unknown.body, /<Code>InvalidAction<\/Code>\s*<Message>Could not find operation GetFederationToken for version 2011-06-15<\/Message>/);
  });

  it('answers an oversized STS body with 413 and keeps serving', async () => {
    const r = await send(id.url, 'POST', '/', SIGNED, 'Action=AssumeRole&x=' + 'a'.repeat(70 * 1024));
    assert.equal(r.status, 413);
    const ok = await send(id.url, 'POST', '/', SIGNED, form({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/Dev', RoleSessionName: 'after' }));
    assert.equal(ok.status, 200);
  });

  it('answers GetRoleCredentials for a valid token, with expiry in epoch milliseconds', async () => {
    const token = mintSsoAccessToken(new Date(Date.now() + 3600_000));
    const r = await send(id.url, 'GET', '/federation/credentials?role_name=Dev&account_id=123456789012', { 'x-amz-sso_bearer_token': token });
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body) as { roleCredentials: { accessKeyId: string; expiration: number } };
    assert.match(body.roleCredentials.accessKeyId, /^ASIA/);
    assert.ok(body.roleCredentials.expiration > Date.now() + 3500_000);
  });

  it('rejects unknown and expired SSO tokens with UnauthorizedException', async () => {
    for (const token of ['made-up', mintSsoAccessToken(new Date(Date.now() - 1000))]) {
      const r = await send(id.url, 'GET', '/federation/credentials?role_name=Dev&account_id=123456789012', { 'x-amz-sso_bearer_token': token });
      assert.equal(r.status, 401);
      assert.equal(r.headers['x-amzn-errortype'], 'UnauthorizedException');
      assert.deepEqual(JSON.parse(r.body), { message: 'Session token not found or invalid' });
    }
    const noAccount = await send(id.url, 'GET', '/federation/credentials?role_name=Dev&account_id=12', { 'x-amz-sso_bearer_token': mintSsoAccessToken(new Date(Date.now() + 60_000)) });
    assert.equal(noAccount.status, 400);
    assert.equal(noAccount.headers['x-amzn-errortype'], 'InvalidRequestException');
  });

  it('works with the AWS CLI (botocore) for AssumeRole with MFA', async function () {
    this.timeout(30_000);
    const env = cliEnv({ AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'cli-secret', AWS_DEFAULT_REGION: 'us-east-1' });
    const args = ['sts', 'assume-role', '--endpoint-url', id.url, '--role-arn', 'arn:aws:iam::123456789012:role/CliMfa', '--role-session-name', 'cli'];
    const { stdout } = await run('aws', [...args, '--serial-number', 'arn:aws:iam::123456789012:mfa/cli', '--token-code', SANDBOX_MFA_CODE, '--output', 'json'], { env });
    const out = JSON.parse(stdout) as { Credentials: { AccessKeyId: string; Expiration: string }; AssumedRoleUser: { Arn: string } };
    assert.match(out.Credentials.AccessKeyId, /^ASIA/);
    assert.equal(out.AssumedRoleUser.Arn, 'arn:aws:sts::123456789012:assumed-role/CliMfa/cli');
    const wrong = await run('aws', [...args, '--serial-number', 'arn:aws:iam::123456789012:mfa/cli', '--token-code', '111111'], { env }).then(
      () => assert.fail('expected the CLI to fail'),
      (e: { stderr: string }) => e.stderr,
    );
    assert.match(wrong, /An error occurred \(AccessDenied\) when calling the AssumeRole operation: MultiFactorAuthentication failed/);
  });

  it('works with the AWS CLI (botocore) for SSO GetRoleCredentials', async function () {
    this.timeout(30_000);
    const env = cliEnv({ AWS_DEFAULT_REGION: 'us-east-1' });
    const base = ['sso', 'get-role-credentials', '--endpoint-url', id.url, '--role-name', 'Dev', '--account-id', '123456789012', '--output', 'json'];
    const { stdout } = await run('aws', [...base, '--access-token', mintSsoAccessToken(new Date(Date.now() + 600_000))], { env });
    assert.match((JSON.parse(stdout) as { roleCredentials: { accessKeyId: string } }).roleCredentials.accessKeyId, /^ASIA/);
    const expired = await run('aws', [...base, '--access-token', mintSsoAccessToken(new Date(Date.now() - 1000))], { env }).then(
      () => assert.fail('expected the CLI to fail'),
      (e: { stderr: string }) => e.stderr,
    );
    assert.match(expired, /An error occurred \(UnauthorizedException\) when calling the GetRoleCredentials operation: Session token not found or invalid/);
  });

  describe('mounted in another server', () => {
    let server: Server;
    let url: string;
    before(async () => {
      server = createServer((req, res) => {
        if (handleIdentityRequest(req, res)) return;
        res.writeHead(418).end('not identity');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('claims STS and SSO routes and leaves Connect routes alone', async () => {
      assert.equal((await send(url, 'GET', '/instance?maxResults=10', {})).status, 418);
      assert.equal((await send(url, 'POST', '/contact/stop', { 'content-type': 'application/json' }, '{}')).status, 418);
      const sts = await send(url, 'POST', '/', SIGNED, form({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/Dev', RoleSessionName: 'mounted' }));
      assert.equal(sts.status, 200);
      const sso = await send(url, 'GET', '/federation/credentials?role_name=Dev&account_id=123456789012', { 'x-amz-sso_bearer_token': 'nope' });
      assert.equal(sso.status, 401);
    });
  });
});
