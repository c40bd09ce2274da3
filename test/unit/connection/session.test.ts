/**
 * Whole connections end to end: a profile's credentials from the real providers (through the
 * STS / SSO stand-ins), Connect calls to the sandbox as an endpoint override, and the failures a
 * user meets on the way (DNS, unreachable endpoints, bad regions), explained from real errors.
 */
import assert from 'node:assert/strict';
import { ConnectAccess } from '../../../src/core/aws/connectAccess';
import { explainAwsError } from '../../../src/core/aws/explainError';
import { openSession, type AwsSession, type SessionOptions } from '../../../src/core/aws/session';
import { resolveEndpoints } from '../../../src/core/connection/endpoints';
import type { Connection } from '../../../src/core/connection/model';
import { startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { mintSsoAccessToken, SANDBOX_MFA_CODE, startIdentityServer, type IdentityServer } from '../../../src/sandbox/identity';
import { recordingLogger, useAwsHome } from './awsHome';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('connection: sessions end to end', function () {
  let sandbox: SandboxHandle;
  let identity: IdentityServer;
  const sessions: AwsSession[] = [];
  before(async () => {
    [sandbox, identity] = await Promise.all([startSandbox(), startIdentityServer()]);
  });
  after(async () => {
    for (const s of sessions) s.dispose();
    await Promise.all([sandbox.close(), identity.close()]);
  });
  const aws = useAwsHome(() => ({ AWS_ENDPOINT_URL_STS: identity.url, AWS_ENDPOINT_URL_SSO: identity.url }));
  beforeEach(() => identity.service.clearEvents());

  async function open(options: SessionOptions): Promise<AwsSession> {
    const s = await openSession(options);
    sessions.push(s);
    return s;
  }

  async function failure(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => e,
    );
  }

  it('assumes a role with MFA and lists instances, logging no secret anywhere', async () => {
    const home = aws.get();
    home.writeCredentials(`[base]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    home.writeConfig(
      '[profile connect-admin]\nrole_arn = arn:aws:iam::123456789012:role/ConnectAdminMfa\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\nregion = eu-west-2\n',
    );
    // No redacting wrapper: what Chatreq itself writes must already be free of secrets.
    const rec = recordingLogger();
    const logger = rec.logger;
    const connection: Connection = { kind: 'profile', profile: 'connect-admin', region: 'eu-west-2' };
    let asked = 0;
    const session = await open({
      connection,
      endpoints: { connect: sandbox.url, participant: sandbox.url },
      logger,
      mfaCodeProvider: () => {
        asked++;
        return Promise.resolve(SANDBOX_MFA_CODE);
      },
    });
    const access = new ConnectAccess(session, logger);
    const instances = await access.listInstances();
    assert.deepEqual(instances.map((i) => i.Id), sandbox.instances.map((i) => i.id));
    const demo = sandbox.instances[0];
    const chat = await access.startChat({ InstanceId: demo.id, ContactFlowId: demo.flows[0].id, ParticipantDetails: { DisplayName: 'Log check' } });
    await access.listFlows(demo.id);
    assert.equal(asked, 1, 'the MFA code is asked once; the client caches the role credentials');
    assert.equal(identity.service.events.filter((e) => e.operation === 'AssumeRole' && e.outcome === 'ok').length, 1);

    const temp = await session.credentials();
    const log = rec.lines.join('\n');
    assert.match(log, /connect:ListInstances region=eu-west-2 .* ok/);
    assert.match(log, /credentials from profile "connect-admin" resolved/);
    const secrets = [KEY_ID, SECRET, temp.accessKeyId, temp.secretAccessKey, temp.sessionToken!, chat.ParticipantToken!, SANDBOX_MFA_CODE];
    for (const s of secrets) assert.ok(!log.includes(s), `the log contains a secret (${s.slice(0, 4)}…)`);
  });

  it('signs in through SSO (sso-session) and lists instances', async () => {
    const home = aws.get();
    home.writeConfig(
      '[profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ConnectDev\nregion = us-west-2\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
    );
    home.writeSsoCache('corp', { accessToken: mintSsoAccessToken(new Date(Date.now() + 3600_000)), expiresAt: new Date(Date.now() + 3600_000) });
    const session = await open({ connection: { kind: 'profile', profile: 'sso-dev', region: 'us-west-2' }, endpoints: { connect: sandbox.url } });
    const instances = await new ConnectAccess(session).listInstances();
    assert.equal(instances.length, sandbox.instances.length);
    assert.deepEqual(identity.service.events.map((e) => [e.operation, e.outcome, e.roleName]), [['GetRoleCredentials', 'ok', 'ConnectDev']]);
  });

  it('surfaces an expired SSO sign-in on the first Connect call, explained', async () => {
    const home = aws.get();
    home.writeConfig(
      '[profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ConnectDev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
    );
    const past = new Date(Date.now() - 5 * 60_000);
    home.writeSsoCache('corp', { accessToken: mintSsoAccessToken(past), expiresAt: past });
    const connection: Connection = { kind: 'profile', profile: 'sso-dev', region: 'us-east-1' };
    const session = await open({ connection, endpoints: { connect: sandbox.url } });
    const e = await failure(new ConnectAccess(session).listInstances());
    const x = explainAwsError(e, { connection, operation: 'ListInstances' });
    assert.equal(x.kind, 'ssoExpired');
    assert.equal(x.actions[0]?.kind === 'runInTerminal' ? x.actions[0].command : '', 'aws sso login --profile sso-dev');
    assert.doesNotMatch(x.message, /\n|at .*\.js/);
  });

  it('uses environment credentials with AWS_ENDPOINT_URL_CONNECT, even in an untrusted workspace', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAENVENVENVENVENV1';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    process.env.AWS_ENDPOINT_URL_CONNECT = sandbox.url;
    const endpoints = resolveEndpoints({ connect: { value: 'http://127.0.0.1:1', origin: 'workspaceSetting' }, trusted: false });
    assert.equal(endpoints.connect?.url, sandbox.url);
    const session = await open({ connection: { kind: 'env', region: 'us-east-1' }, endpoints: { connect: endpoints.connect.url } });
    assert.equal(session.connectEndpoint, sandbox.url);
    assert.equal((await new ConnectAccess(session).listInstances()).length, sandbox.instances.length);
  });

  it('lets the SDK pick up AWS_ENDPOINT_URL_CONNECT by itself when no override is passed', async () => {
    aws.get().writeCredentials(`[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    process.env.AWS_ENDPOINT_URL_CONNECT = sandbox.url;
    const session = await open({ connection: { kind: 'profile', profile: 'default', region: 'us-east-1' }, maxAttempts: 1 });
    assert.equal(session.connectEndpoint, undefined);
    assert.equal((await new ConnectAccess(session).listInstances()).length, sandbox.instances.length);
  });

  describe('network and region failures (real errors)', () => {
    beforeEach(() => {
      aws.get().writeCredentials(`[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    });

    it('explains a region where Connect does not exist (DNS failure)', async function () {
      this.timeout(15_000);
      const connection: Connection = { kind: 'profile', profile: 'default', region: 'xx-nowhere-1' };
      const session = await open({ connection, maxAttempts: 1 });
      const e = await failure(new ConnectAccess(session).listInstances());
      const x = explainAwsError(e, { connection, operation: 'ListInstances' });
      assert.equal(x.kind, 'unknownRegion');
      assert.match(x.message, /not available in region "xx-nowhere-1" \(connect\.xx-nowhere-1\.amazonaws\.com does not resolve\)/);
      assert.deepEqual(x.actions, [{ kind: 'selectRegion', label: 'Select Region' }]);
    });

    it('explains a malformed region', async () => {
      const connection: Connection = { kind: 'profile', profile: 'default', region: 'Mars Base' };
      const session = await open({ connection, maxAttempts: 1 });
      const x = explainAwsError(await failure(new ConnectAccess(session).listInstances()), { connection });
      assert.equal(x.kind, 'invalidRegion');
      assert.match(x.message, /"Mars Base" is not a valid AWS region name/);
    });

    it('explains an endpoint override that does not resolve', async function () {
      this.timeout(15_000);
      const connection: Connection = { kind: 'profile', profile: 'default', region: 'us-east-1' };
      const endpoint = 'https://vpce-missing.connect.invalid';
      const session = await open({ connection, endpoints: { connect: endpoint }, maxAttempts: 1 });
      const e = await failure(new ConnectAccess(session).listInstances());
      const x = explainAwsError(e, { connection, endpoint, endpointSetting: 'chatreq.endpoint.connect' });
      assert.equal(x.kind, 'endpointUnreachable');
      assert.match(x.message, /endpoint override https:\/\/vpce-missing\.connect\.invalid does not resolve/);
      assert.deepEqual(x.actions[0], { kind: 'openSettings', label: 'Open Settings', setting: 'chatreq.endpoint.connect' });
    });

    it('explains a refused connection after the SDK retries', async function () {
      this.timeout(15_000);
      const connection: Connection = { kind: 'profile', profile: 'default', region: 'us-east-1' };
      const endpoint = 'http://127.0.0.1:1';
      const session = await open({ connection, endpoints: { connect: endpoint } });
      const x = explainAwsError(await failure(new ConnectAccess(session).listInstances()), { connection, endpoint });
      assert.equal(x.kind, 'endpointUnreachable');
      assert.match(x.message, /could not be reached \(ECONNREFUSED\) \(after 3 attempts\)/);
      assert.equal(x.retryable, true);
    });
  });
});
