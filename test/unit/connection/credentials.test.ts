/**
 * The SDK's real credential providers, end to end: real config files in a temp HOME, a real
 * credential_process script, and the STS / SSO stand-ins reached through AWS_ENDPOINT_URL_STS and
 * AWS_ENDPOINT_URL_SSO exactly as a user's VPC endpoint would be.
 */
import assert from 'node:assert/strict';
import { explainAwsError } from '../../../src/core/aws/explainError';
import { createCredentialProvider } from '../../../src/core/aws/credentials';
import type { Connection } from '../../../src/core/connection/model';
import { mintSsoAccessToken, SANDBOX_MFA_CODE, startIdentityServer, type IdentityServer } from '../../../src/sandbox/identity';
import { recordingLogger, useAwsHome } from './awsHome';

const STATIC_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const STATIC_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const MFA_SERIAL = 'arn:aws:iam::123456789012:mfa/dev-user';
const hour = 3600 * 1000;

function profile(name: string): Connection {
  return { kind: 'profile', profile: name, region: 'us-east-1' };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected the credential provider to fail');
}

describe('connection: credentials through the SDK providers', function () {
  let identity: IdentityServer;
  before(async () => {
    identity = await startIdentityServer();
  });
  after(async () => {
    await identity.close();
  });
  const aws = useAwsHome(() => ({ AWS_ENDPOINT_URL_STS: identity.url, AWS_ENDPOINT_URL_SSO: identity.url }));
  beforeEach(() => identity.service.clearEvents());

  async function resolve(c: Connection, mfa?: (serial: string) => Promise<string>) {
    const provider = await createCredentialProvider(c, mfa ? { mfaCodeProvider: mfa } : {});
    return provider();
  }

  it('reads static keys from the credentials file', async () => {
    aws.get().writeCredentials(`[keys]\naws_access_key_id = ${STATIC_KEY_ID}\naws_secret_access_key = ${STATIC_SECRET}\n`);
    const creds = await resolve(profile('keys'));
    assert.equal(creds.accessKeyId, STATIC_KEY_ID);
    assert.equal(creds.secretAccessKey, STATIC_SECRET);
    assert.equal(creds.sessionToken, undefined);
  });

  it('honours AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE', async () => {
    const home = aws.get();
    // The default files hold a decoy; the variables must win.
    home.writeCredentials('[moved]\naws_access_key_id = AKIADECOYDECOYDECOY1\naws_secret_access_key = decoy\n');
    process.env.AWS_SHARED_CREDENTIALS_FILE = home.writeFile('creds.ini', '[moved]\naws_access_key_id = AKIAMOVEDMOVEDMOVED1\naws_secret_access_key = moved-secret\n');
    process.env.AWS_CONFIG_FILE = home.writeFile('conf.ini', '[profile moved]\nregion = eu-central-1\n');
    const creds = await resolve(profile('moved'));
    assert.equal(creds.accessKeyId, 'AKIAMOVEDMOVEDMOVED1');
  });

  it('runs a real credential_process script', async () => {
    const home = aws.get();
    const expiration = new Date(Date.now() + hour).toISOString();
    const cmd = home.writeNodeScript(
      'creds.js',
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROCESSPROCESS01', SecretAccessKey: 'process-secret', SessionToken: 'process-token', Expiration: '${expiration}' }));\n`,
    );
    home.writeConfig(`[profile proc]\ncredential_process = ${cmd}\nregion = eu-west-2\n`);
    const creds = await resolve(profile('proc'));
    assert.equal(creds.accessKeyId, 'ASIAPROCESSPROCESS01');
    assert.equal(creds.sessionToken, 'process-token');
    assert.equal(creds.expiration?.toISOString(), expiration);
  });

  it('explains a failing credential_process without repeating its output', async () => {
    const home = aws.get();
    const cmd = home.writeNodeScript('bad.js', `process.stdout.write('aws_secret_access_key=LEAKEDLEAKED not json');\n`);
    home.writeConfig(`[profile proc]\ncredential_process = ${cmd}\n`);
    const e = await failure(resolve(profile('proc')));
    const x = explainAwsError(e, { connection: profile('proc') });
    assert.equal(x.kind, 'credentialProcess');
    assert.match(x.message, /credential_process command for profile "proc"/);
    assert.doesNotMatch(x.message, /LEAKED/);
  });

  it('assumes a role with MFA through the STS stand-in, signing with the source profile', async () => {
    const home = aws.get();
    home.writeCredentials(`[base]\naws_access_key_id = ${STATIC_KEY_ID}\naws_secret_access_key = ${STATIC_SECRET}\n`);
    home.writeConfig(
      `[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/ConnectAdminMfa\nsource_profile = base\nmfa_serial = ${MFA_SERIAL}\nregion = us-east-1\n`,
    );
    const asked: string[] = [];
    const creds = await resolve(profile('admin'), (serial) => {
      asked.push(serial);
      return Promise.resolve(SANDBOX_MFA_CODE);
    });
    assert.deepEqual(asked, [MFA_SERIAL]);
    assert.match(creds.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.ok(creds.sessionToken && creds.sessionToken.length > 100);
    assert.ok(creds.expiration && creds.expiration.getTime() > Date.now() + 50 * 60 * 1000);
    assert.deepEqual(identity.service.events, [
      {
        service: 'sts',
        operation: 'AssumeRole',
        outcome: 'ok',
        sourceAccessKeyId: STATIC_KEY_ID,
        roleArn: 'arn:aws:iam::123456789012:role/ConnectAdminMfa',
        mfaSerial: MFA_SERIAL,
      },
    ]);
  });

  it('reports a wrong MFA code as the STS AccessDenied, explained', async () => {
    const home = aws.get();
    home.writeCredentials(`[base]\naws_access_key_id = ${STATIC_KEY_ID}\naws_secret_access_key = ${STATIC_SECRET}\n`);
    home.writeConfig(`[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/ConnectAdminMfa\nsource_profile = base\nmfa_serial = ${MFA_SERIAL}\n`);
    const e = await failure(resolve(profile('admin'), () => Promise.resolve('000000')));
    assert.equal((e as Error).name, 'AccessDenied');
    assert.equal((e as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 403);
    const x = explainAwsError(e, { connection: profile('admin') });
    assert.equal(x.kind, 'mfaInvalid');
    assert.ok(x.requestId && /^[0-9a-f-]{36}$/.test(x.requestId));
    assert.equal(identity.service.events[0]?.outcome, 'AccessDenied');
  });

  it('explains a role profile with mfa_serial when no MFA callback is given', async () => {
    const home = aws.get();
    home.writeCredentials(`[base]\naws_access_key_id = ${STATIC_KEY_ID}\naws_secret_access_key = ${STATIC_SECRET}\n`);
    home.writeConfig(`[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/ConnectAdminMfa\nsource_profile = base\nmfa_serial = ${MFA_SERIAL}\n`);
    const x = explainAwsError(await failure(resolve(profile('admin'))), { connection: profile('admin') });
    assert.equal(x.kind, 'mfaRequired');
    assert.match(x.message, /"admin".*MFA code/);
    assert.equal(identity.service.events.length, 0, 'STS must not be called without a code');
  });

  it('gets SSO role credentials with a legacy sso_start_url profile and a cached token', async () => {
    const home = aws.get();
    const startUrl = 'https://legacy.awsapps.com/start';
    home.writeConfig(
      `[profile dev]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = ConnectDeveloper\nregion = us-west-2\n`,
    );
    home.writeSsoCache(startUrl, { accessToken: mintSsoAccessToken(new Date(Date.now() + hour)), expiresAt: new Date(Date.now() + hour), startUrl });
    const creds = await resolve(profile('dev'));
    assert.match(creds.accessKeyId, /^ASIA/);
    assert.deepEqual(identity.service.events, [
      { service: 'sso', operation: 'GetRoleCredentials', outcome: 'ok', roleName: 'ConnectDeveloper', accountId: '123456789012' },
    ]);
  });

  it('gets SSO role credentials through an sso-session section', async () => {
    const home = aws.get();
    home.writeConfig(
      [
        '[profile dev]',
        'sso_session = corp',
        'sso_account_id = 210987654321',
        'sso_role_name = ReadOnly',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        'sso_registration_scopes = sso:account:access',
        '',
      ].join('\n'),
    );
    home.writeSsoCache('corp', { accessToken: mintSsoAccessToken(new Date(Date.now() + hour)), expiresAt: new Date(Date.now() + hour) });
    const creds = await resolve(profile('dev'));
    assert.match(creds.accessKeyId, /^ASIA/);
    assert.equal(identity.service.events[0]?.accountId, '210987654321');
    assert.equal(identity.service.events[0]?.outcome, 'ok');
  });

  it('explains an expired SSO token (legacy profile) with the aws sso login command', async () => {
    const home = aws.get();
    const startUrl = 'https://legacy.awsapps.com/start';
    home.writeConfig(
      `[profile my-dev]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev\n`,
    );
    const past = new Date(Date.now() - 60_000);
    home.writeSsoCache(startUrl, { accessToken: mintSsoAccessToken(past), expiresAt: past, startUrl });
    const x = explainAwsError(await failure(resolve(profile('my-dev'))), { connection: profile('my-dev') });
    assert.equal(x.kind, 'ssoExpired');
    assert.deepEqual(x.actions[0], { kind: 'runInTerminal', label: 'Run aws sso login', command: 'aws sso login --profile my-dev' });
    assert.equal(identity.service.events.length, 0, 'an expired token is caught before any call');
  });

  it('explains an expired SSO token (sso-session profile)', async () => {
    const home = aws.get();
    home.writeConfig(
      `[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n`,
    );
    const past = new Date(Date.now() - 60_000);
    home.writeSsoCache('corp', { accessToken: mintSsoAccessToken(past), expiresAt: past });
    const x = explainAwsError(await failure(resolve(profile('dev'))), { connection: profile('dev') });
    assert.equal(x.kind, 'ssoExpired');
    assert.equal(x.actions[0]?.kind === 'runInTerminal' && x.actions[0].command, 'aws sso login --profile dev');
  });

  it('explains a token the SSO portal rejects (revoked) as an expired sign-in', async () => {
    const home = aws.get();
    home.writeConfig(
      `[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n`,
    );
    home.writeSsoCache('corp', { accessToken: 'not-a-token-the-portal-issued', expiresAt: new Date(Date.now() + hour) });
    const e = await failure(resolve(profile('dev')));
    assert.equal(identity.service.events[0]?.outcome, 'UnauthorizedException');
    const x = explainAwsError(e, { connection: profile('dev') });
    assert.equal(x.kind, 'ssoExpired');
    assert.doesNotMatch(x.message, /not-a-token/);
  });

  it('explains a profile that was never signed in to SSO', async () => {
    aws.get().writeConfig(
      `[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n`,
    );
    const x = explainAwsError(await failure(resolve(profile('dev'))), { connection: profile('dev') });
    assert.equal(x.kind, 'ssoNotSignedIn');
    assert.equal(x.actions[0]?.kind, 'runInTerminal');
  });

  it('explains an SSO assignment the portal refuses', async () => {
    const restricted = await startIdentityServer({ ssoAssignments: [{ accountId: '123456789012', roleName: 'Allowed' }] });
    try {
      process.env.AWS_ENDPOINT_URL_SSO = restricted.url;
      const home = aws.get();
      home.writeConfig(`[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = NotAssigned\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n`);
      home.writeSsoCache('corp', { accessToken: mintSsoAccessToken(new Date(Date.now() + hour)), expiresAt: new Date(Date.now() + hour) });
      const x = explainAwsError(await failure(resolve(profile('dev'))), { connection: profile('dev') });
      assert.equal(x.kind, 'ssoNoAccess');
      assert.equal(restricted.service.events[0]?.outcome, 'ForbiddenException');
    } finally {
      await restricted.close();
    }
  });

  it('reads environment credentials, and explains their absence', async () => {
    const env: Connection = { kind: 'env', region: 'us-east-1' };
    const x = explainAwsError(await failure(resolve(env)), { connection: env });
    assert.equal(x.kind, 'noCredentials');
    assert.match(x.message, /AWS_ACCESS_KEY_ID/);
    process.env.AWS_ACCESS_KEY_ID = 'AKIAENVENVENVENVENV1';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    process.env.AWS_SESSION_TOKEN = 'env-token';
    const creds = await resolve(env);
    assert.equal(creds.accessKeyId, 'AKIAENVENVENVENVENV1');
    assert.equal(creds.sessionToken, 'env-token');
  });

  it('explains a profile that does not exist', async () => {
    aws.get().writeConfig('[profile other]\nregion = us-east-1\n');
    const x = explainAwsError(await failure(resolve(profile('missing'))), { connection: profile('missing') });
    assert.equal(x.kind, 'profileNotFound');
    assert.match(x.message, /"missing"/);
  });

  it('logs where credentials came from, never what they are', async () => {
    const home = aws.get();
    home.writeCredentials(`[base]\naws_access_key_id = ${STATIC_KEY_ID}\naws_secret_access_key = ${STATIC_SECRET}\n`);
    home.writeConfig(`[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/ConnectAdminMfa\nsource_profile = base\nmfa_serial = ${MFA_SERIAL}\n`);
    const { lines, logger } = recordingLogger();
    const provider = await createCredentialProvider(profile('admin'), { logger, mfaCodeProvider: () => Promise.resolve(SANDBOX_MFA_CODE) });
    const creds = await provider();
    assert.ok(lines.some((l) => /credentials from profile "admin" resolved/.test(l)));
    const all = lines.join('\n');
    for (const secret of [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken!, STATIC_KEY_ID, STATIC_SECRET, SANDBOX_MFA_CODE]) {
      assert.ok(!all.includes(secret), `log contains a secret: ${secret.slice(0, 4)}…`);
    }
  });
});
