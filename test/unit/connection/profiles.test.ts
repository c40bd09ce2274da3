/** Profile listing with the SDK's shared-config loader, default resolution, and the model. */
import assert from 'node:assert/strict';
import { resolveDefaultConnection, restoreConnection } from '../../../src/core/connection/defaults';
import {
  checkRegion,
  connectionKey,
  connectionLabel,
  parseConnection,
  withRegion,
  type Connection,
} from '../../../src/core/connection/model';
import { listProfiles, type ProfileInfo } from '../../../src/core/connection/profiles';
import { useAwsHome } from './awsHome';

const CONFIG = [
  '[default]',
  'region = eu-west-2',
  '',
  '[profile sso-dev]',
  'sso_session = corp',
  'sso_account_id = 123456789012',
  'sso_role_name = ConnectDeveloper',
  'region = us-west-2',
  '',
  '[profile legacy-sso]',
  'sso_start_url = https://legacy.awsapps.com/start',
  'sso_region = us-east-1',
  'sso_account_id = 123456789012',
  'sso_role_name = Dev',
  '',
  '[profile admin]',
  'role_arn = arn:aws:iam::123456789012:role/Admin',
  'source_profile = default',
  'mfa_serial = arn:aws:iam::123456789012:mfa/me',
  '',
  '[profile broken-role]',
  'role_arn = arn:aws:iam::123456789012:role/Admin',
  'source_profile = nowhere',
  '',
  '[profile proc]',
  'credential_process = /usr/local/bin/get-creds --profile x',
  '',
  '[profile lonely-sso]',
  'sso_session = missing',
  'sso_account_id = 123456789012',
  'sso_role_name = Dev',
  '',
  '[sso-session corp]',
  'sso_start_url = https://corp.awsapps.com/start',
  'sso_region = us-east-1',
  'sso_registration_scopes = sso:account:access',
  '',
  '[services local]',
  'connect =',
  '  endpoint_url = http://127.0.0.1:4566',
  '',
].join('\n');

const CREDENTIALS = [
  '[default]',
  'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
  'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  '',
  '[keys-only]',
  'aws_access_key_id = AKIAI44QH8DHBEXAMPLE',
  'aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  '',
].join('\n');

describe('connection: profiles from the shared config files', () => {
  const aws = useAwsHome();

  function byName(list: ProfileInfo[], name: string): ProfileInfo {
    const p = list.find((x) => x.name === name);
    assert.ok(p, `profile ${name} listed`);
    return p;
  }

  it('lists every profile with the facts a picker needs, default first', async () => {
    aws.get().writeConfig(CONFIG);
    aws.get().writeCredentials(CREDENTIALS);
    const summary = await listProfiles();
    assert.deepEqual(
      summary.profiles.map((p) => p.name),
      ['default', 'admin', 'broken-role', 'keys-only', 'legacy-sso', 'lonely-sso', 'proc', 'sso-dev'],
    );
    const def = byName(summary.profiles, 'default');
    assert.equal(def.credentials, 'static');
    assert.equal(def.region, 'eu-west-2');
    assert.deepEqual(def.definedIn, ['config', 'credentials']);
    assert.deepEqual(byName(summary.profiles, 'keys-only').definedIn, ['credentials']);

    const sso = byName(summary.profiles, 'sso-dev');
    assert.equal(sso.credentials, 'sso');
    assert.deepEqual(sso.sso, {
      session: 'corp',
      startUrl: 'https://corp.awsapps.com/start',
      region: 'us-east-1',
      accountId: '123456789012',
      roleName: 'ConnectDeveloper',
    });
    assert.deepEqual(sso.problems, []);
    assert.equal(byName(summary.profiles, 'legacy-sso').sso?.startUrl, 'https://legacy.awsapps.com/start');

    const admin = byName(summary.profiles, 'admin');
    assert.equal(admin.credentials, 'assumeRole');
    assert.deepEqual(admin.assumeRole, {
      roleArn: 'arn:aws:iam::123456789012:role/Admin',
      sourceProfile: 'default',
      mfaSerial: 'arn:aws:iam::123456789012:mfa/me',
    });
    assert.equal(byName(summary.profiles, 'proc').credentials, 'process');
    assert.deepEqual(byName(summary.profiles, 'broken-role').problems, ['source_profile "nowhere" is not defined.']);
    assert.deepEqual(byName(summary.profiles, 'lonely-sso').problems, ['sso_session "missing" has no [sso-session missing] section.']);
    assert.deepEqual(summary.ssoSessions, [
      { name: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'us-east-1', registrationScopes: 'sso:account:access' },
    ]);
    assert.equal(summary.configFile.exists, true);
  });

  it('never copies a secret into the summary', async () => {
    aws.get().writeConfig(CONFIG);
    aws.get().writeCredentials(CREDENTIALS);
    const text = JSON.stringify(await listProfiles());
    assert.doesNotMatch(text, /AKIA|wJalrXUtnFEMI|je7MtGbClwBF/);
  });

  it('reads the files named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE', async () => {
    const home = aws.get();
    home.writeConfig('[profile decoy]\nregion = us-east-1\n');
    process.env.AWS_CONFIG_FILE = home.writeFile('team-config', '[profile team]\nregion = ap-southeast-2\n');
    process.env.AWS_SHARED_CREDENTIALS_FILE = home.writeFile('team-creds', '[ci]\naws_access_key_id = A\naws_secret_access_key = B\n');
    const summary = await listProfiles();
    assert.deepEqual(summary.profiles.map((p) => p.name), ['ci', 'team']);
    assert.equal(summary.configFile.path, process.env.AWS_CONFIG_FILE);
  });

  it('sees edits to the files without restarting (no stale SDK cache)', async () => {
    aws.get().writeConfig('[profile one]\nregion = us-east-1\n');
    assert.deepEqual((await listProfiles()).profiles.map((p) => p.name), ['one']);
    aws.get().writeConfig('[profile one]\nregion = us-east-1\n[profile two]\nregion = us-west-2\n');
    assert.deepEqual((await listProfiles()).profiles.map((p) => p.name), ['one', 'two']);
  });

  it('reports a half-configured profile', async () => {
    aws.get().writeConfig('[profile half]\nsso_account_id = 123456789012\n[profile empty]\nregion = us-east-1\n');
    aws.get().writeCredentials('[onekey]\naws_access_key_id = AKIAONLYONLYONLYONLY\n');
    const { profiles } = await listProfiles();
    assert.deepEqual(byName(profiles, 'half').problems, ['SSO profile is missing sso_role_name, sso_start_url, sso_region.']);
    assert.deepEqual(byName(profiles, 'empty').problems, ['has no credentials (no keys, SSO, role, or credential_process).']);
    assert.equal(byName(profiles, 'onekey').problems[0], 'has only one of aws_access_key_id / aws_secret_access_key; both are needed.');
  });
});

describe('connection: default connection', () => {
  const aws = useAwsHome();

  it('uses the sandbox with a first-run notice when there is no AWS configuration at all', async () => {
    const summary = await listProfiles();
    assert.equal(summary.configFile.exists, false);
    const d = resolveDefaultConnection(process.env, summary.profiles);
    assert.deepEqual(d.connection, { kind: 'sandbox' });
    assert.equal(d.firstRun, true);
    assert.match(d.reason, /No AWS configuration/);
  });

  it('prefers AWS_PROFILE and AWS_REGION', async () => {
    aws.get().writeConfig(CONFIG);
    process.env.AWS_PROFILE = 'sso-dev';
    process.env.AWS_REGION = 'ap-southeast-2';
    const d = resolveDefaultConnection(process.env, (await listProfiles()).profiles);
    assert.deepEqual(d.connection, { kind: 'profile', profile: 'sso-dev', region: 'ap-southeast-2' });
    assert.equal(d.regionSource, 'AWS_REGION');
    assert.equal(d.firstRun, false);
    assert.equal(d.warning, undefined);
  });

  it("takes the profile's region when AWS_REGION is not set", async () => {
    aws.get().writeConfig(CONFIG);
    process.env.AWS_PROFILE = 'sso-dev';
    const d = resolveDefaultConnection(process.env, (await listProfiles()).profiles);
    assert.deepEqual(d.connection, { kind: 'profile', profile: 'sso-dev', region: 'us-west-2' });
    assert.equal(d.regionSource, 'profile');
  });

  it('warns when AWS_PROFILE names a profile that does not exist', () => {
    const d = resolveDefaultConnection({ AWS_PROFILE: 'ghost' }, []);
    assert.deepEqual(d.connection, { kind: 'profile', profile: 'ghost', region: 'us-east-1' });
    assert.match(d.warning ?? '', /"ghost", which is not in your AWS config/);
  });

  it('uses environment keys before the default profile, as the CLI does', () => {
    const d = resolveDefaultConnection({ AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_DEFAULT_REGION: 'eu-central-1' }, []);
    assert.deepEqual(d.connection, { kind: 'env', region: 'eu-central-1' });
    assert.equal(d.regionSource, 'AWS_DEFAULT_REGION');
  });

  it('falls back to the default profile and its region', async () => {
    aws.get().writeConfig(CONFIG);
    aws.get().writeCredentials(CREDENTIALS);
    const d = resolveDefaultConnection(process.env, (await listProfiles()).profiles);
    assert.deepEqual(d.connection, { kind: 'profile', profile: 'default', region: 'eu-west-2' });
  });

  it('picks the sandbox, without the first-run notice, when profiles exist but none is default', async () => {
    aws.get().writeConfig('[profile work]\nregion = us-east-1\n');
    const d = resolveDefaultConnection(process.env, (await listProfiles()).profiles);
    assert.deepEqual(d.connection, { kind: 'sandbox' });
    assert.equal(d.firstRun, false);
  });

  it('restores a stored connection while its profile still exists, else falls back with a reason', async () => {
    aws.get().writeConfig('[profile work]\nregion = us-east-1\n');
    const { profiles } = await listProfiles();
    const kept = restoreConnection({ kind: 'profile', profile: 'work', region: 'eu-west-2' }, {}, profiles);
    assert.deepEqual(kept.connection, { kind: 'profile', profile: 'work', region: 'eu-west-2' });
    const gone = restoreConnection({ kind: 'profile', profile: 'deleted', region: 'eu-west-2' }, {}, profiles);
    assert.deepEqual(gone.connection, { kind: 'sandbox' });
    assert.match(gone.warning ?? '', /"deleted" is no longer in your AWS config/);
    const junk = restoreConnection({ kind: 'profile' }, {}, profiles);
    assert.match(junk.warning ?? '', /needs "profile"/);
  });
});

describe('connection: model', () => {
  it('keys, labels and re-regions connections', () => {
    const p: Connection = { kind: 'profile', profile: 'dev', region: 'us-east-1' };
    assert.equal(connectionKey(p), 'profile:dev@us-east-1');
    assert.equal(connectionKey({ kind: 'env', region: 'eu-west-2' }), 'env@eu-west-2');
    assert.equal(connectionKey({ kind: 'sandbox' }), 'sandbox');
    assert.equal(connectionLabel(p), 'dev (us-east-1)');
    assert.equal(connectionLabel({ kind: 'sandbox' }), 'Sandbox (offline)');
    assert.deepEqual(withRegion(p, 'eu-west-2'), { kind: 'profile', profile: 'dev', region: 'eu-west-2' });
    assert.deepEqual(withRegion({ kind: 'sandbox' }, 'eu-west-2'), { kind: 'sandbox' });
  });

  it('validates stored connections with a message naming the member', () => {
    assert.deepEqual(parseConnection({ kind: 'env', region: 'us-west-2' }), { connection: { kind: 'env', region: 'us-west-2' } });
    assert.match((parseConnection({ kind: 'env' }) as { error: string }).error, /needs "region"/);
    assert.match((parseConnection({ kind: 'env', region: 'Mars' }) as { error: string }).error, /"Mars" is not an AWS region name/);
    assert.match((parseConnection({ kind: 'cloud' }) as { error: string }).error, /Unknown connection kind "cloud"/);
    assert.match((parseConnection('sandbox') as { error: string }).error, /must be an object/);
  });

  it('checks region names', () => {
    assert.equal(checkRegion('us-gov-west-1'), undefined);
    assert.equal(checkRegion('ap-southeast-2'), undefined);
    assert.match(checkRegion('us east 1') ?? '', /not an AWS region name/);
    assert.match(checkRegion('') ?? '', /empty/);
  });
});
