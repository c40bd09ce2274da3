/** Picker entries for connections and regions, and the flow designer link. */
import assert from 'node:assert/strict';
import { flowDesignerUrl } from '../../../src/core/aws/consoleUrls';
import { connectionChoices, regionChoices } from '../../../src/core/connection/choices';
import { listProfiles } from '../../../src/core/connection/profiles';
import { useAwsHome } from './awsHome';

describe('connection: picker choices', () => {
  const aws = useAwsHome();

  it('offers every profile, then environment credentials, then the sandbox', async () => {
    aws.get().writeConfig(
      [
        '[profile admin]',
        'role_arn = arn:aws:iam::123456789012:role/ConnectAdmin',
        'source_profile = base',
        'mfa_serial = arn:aws:iam::123456789012:mfa/me',
        '[profile sso-dev]',
        'sso_session = corp',
        'sso_account_id = 123456789012',
        'sso_role_name = Dev',
        'region = eu-west-2',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '',
      ].join('\n'),
    );
    aws.get().writeCredentials('[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n');
    const choices = connectionChoices(await listProfiles(), { current: { kind: 'profile', profile: 'sso-dev', region: 'ap-southeast-2' }, env: {} });
    assert.deepEqual(
      choices.map((c) => [c.label, c.description, c.current]),
      [
        ['admin', 'assume role ConnectAdmin via base · MFA · us-east-1', false],
        ['base', 'access keys · us-east-1', false],
        ['sso-dev', 'SSO (corp) · 123456789012 / Dev · ap-southeast-2', true],
        ['Environment credentials', 'AWS_ACCESS_KEY_ID (not set) · us-east-1', false],
        ['Sandbox (offline)', 'the built-in local Amazon Connect', false],
      ],
    );
    assert.deepEqual(choices[2]?.connection, { kind: 'profile', profile: 'sso-dev', region: 'ap-southeast-2' });
    assert.deepEqual(choices[4]?.connection, { kind: 'sandbox' });
  });

  it('flags profile problems and takes AWS_REGION for new choices', async () => {
    aws.get().writeConfig('[profile broken]\nrole_arn = arn:aws:iam::123456789012:role/X\n');
    const choices = connectionChoices(await listProfiles(), { env: { AWS_REGION: 'ca-central-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } });
    assert.equal(choices[0]?.detail, '⚠ role_arn needs source_profile or credential_source.');
    assert.deepEqual(choices[0]?.connection, { kind: 'profile', profile: 'broken', region: 'ca-central-1' });
    assert.deepEqual(choices[1]?.problems, []);
    assert.equal(choices[1]?.description, 'AWS_ACCESS_KEY_ID · ca-central-1');
  });

  it('lists Connect regions with the current one first', () => {
    const list = regionChoices('eu-west-2');
    assert.equal(list[0]?.id, 'eu-west-2');
    assert.equal(list[0]?.description, 'Europe (London)');
    assert.equal(list.filter((r) => r.current).length, 1);
    const odd = regionChoices('eu-north-1');
    assert.deepEqual(odd[0], { id: 'eu-north-1', label: 'eu-north-1', description: 'not an Amazon Connect region', current: true });
  });

  it('builds the flow designer link from the instance access URL', () => {
    const arn = 'arn:aws:connect:us-east-1:123456789012:instance/abc/contact-flow/def';
    assert.equal(
      flowDesignerUrl('https://my-alias.my.connect.aws/', arn),
      'https://my-alias.my.connect.aws/contact-flows/edit?id=arn%3Aaws%3Aconnect%3Aus-east-1%3A123456789012%3Ainstance%2Fabc%2Fcontact-flow%2Fdef',
    );
    assert.match(flowDesignerUrl('https://old.awsapps.com/connect', arn), /^https:\/\/old\.awsapps\.com\/connect\/contact-flows\/edit\?id=arn%3A/);
  });
});
