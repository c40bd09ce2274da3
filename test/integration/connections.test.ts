import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection } from '../../src/core/connection/model';
import { currentEndpointSettings, resolveEndpointSettings, validateMfaCode } from '../../src/extension/connections/endpointSettings';
import { findSecrets } from '../support/secretScan';
import { api, clearEndpointSettings, endpointToSandbox, internals, KEY_ID, logShows, pickWith, readLog, sandboxAdmin, SECRET, until, useAwsFiles } from './connectionSupport';

const ITEST: Connection = { kind: 'profile', profile: 'itest', region: 'us-east-1' };

describe('connections: status bar, switching, endpoints, log', function () {
  this.timeout(60_000);
  const aws = useAwsFiles();

  afterEach(async () => {
    await clearEndpointSettings();
    const a = await api();
    await a.services.connections.use({ kind: 'sandbox' });
  });

  it('resolves the startup connection after activation and shows it in the status bar', async () => {
    const a = await api();
    const d = await a.services.connections.resolveStartup();
    await a.services.connections.ready;
    const i = await internals();
    assert.equal(i.statusBar.command, 'chatreq.selectConnection');
    // The runner gives the extension host no AWS configuration (no AWS_* variables, a fresh HOME
    // and user data folder), so startup is the first run and falls back to the sandbox.
    assert.equal(d.connection.kind, 'sandbox', `startup chose ${JSON.stringify(d.connection)}: ${d.reason}`);
    assert.equal(d.firstRun, true);
    assert.equal(i.statusBar.text, '$(beaker) Sandbox (offline)');
    const tooltip = typeof i.statusBar.tooltip === 'string' ? i.statusBar.tooltip : (i.statusBar.tooltip?.value ?? '');
    assert.match(tooltip, /Chatreq connection: /);
    assert.ok(tooltip.includes(a.services.connections.reason), tooltip);
    // The first-run notice is remembered once shown.
    await until('the first-run flag', () => a.services.context.globalState.get<boolean>('chatreq.firstRunNoticeShown'));
    assert.match(d.reason, /No AWS configuration found/);
  });

  it('switches sandbox ↔ a profile from a temp AWS config; everything follows', async () => {
    const a = await api();
    const { connections, account } = a.services;
    aws.write('[profile itest]\nregion = us-east-1\n', `[itest]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    await endpointToSandbox(a);
    const i = await internals();
    let fired = 0;
    const sub = i.explorer.onDidChangeTreeData(() => fired++);
    try {
      await connections.use(ITEST);
      assert.equal(i.statusBar.text, '$(cloud) itest · us-east-1');
      assert.equal(connections.hasStoredChoice, true);
      assert.deepEqual(a.services.context.workspaceState.get('chatreq.connection'), ITEST);
      assert.ok(fired > 0, 'the explorer was not refreshed on the switch');
      assert.equal(account.connectionKey, 'profile:itest@us-east-1');
      const instances = await account.loadInstances();
      assert.ok(instances.some((x) => x.InstanceAlias === 'chatreq-demo'), JSON.stringify(instances));
      const session = (await connections.access()).session;
      assert.equal((await session.credentials()).accessKeyId, KEY_ID);

      await connections.use({ kind: 'sandbox' });
      assert.equal(i.statusBar.text, '$(beaker) Sandbox (offline)');
      assert.equal(account.connectionKey, 'sandbox');
    } finally {
      sub.dispose();
    }
  });

  it('"Select Connection" lists profiles with their credential kind, environment and sandbox, and persists the choice', async () => {
    const a = await api();
    aws.write('[profile itest]\nregion = eu-west-2\n[profile viarole]\nrole_arn = arn:aws:iam::123456789012:role/Dev\nsource_profile = itest\n', `[itest]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    const { items } = await pickWith<void>('chatreq.selectConnection', (label) => label === 'itest');
    const rows = items.filter((x) => x.kind !== vscode.QuickPickItemKind.Separator).map((x) => `${x.label} | ${x.description ?? ''}`);
    assert.ok(rows.some((r) => /^itest \| access keys · eu-west-2$/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => /^viarole \| assume role Dev via itest/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => r.startsWith('Environment credentials |')), rows.join('\n'));
    assert.ok(rows.some((r) => /Sandbox \(offline\)/.test(r)), rows.join('\n'));
    assert.deepEqual(a.services.connections.current, { kind: 'profile', profile: 'itest', region: 'eu-west-2' });
    assert.deepEqual(a.services.context.workspaceState.get('chatreq.connection'), { kind: 'profile', profile: 'itest', region: 'eu-west-2' });
  });

  it('"Environment credentials" without the keys set is refused with a message; a remembered one shows an error in the status bar', async () => {
    const a = await api();
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const before = a.services.connections.current;
      const { items } = await pickWith<void>('chatreq.selectConnection', (label) => label === 'Environment credentials');
      assert.ok(items.some((x) => /Environment credentials/.test(x.label) && /not set/.test(x.description ?? '')));
      assert.deepEqual(a.services.connections.current, before, 'the connection did not change');
      await logShows(a, /Environment credentials not selected: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/);

      // As when the workspace remembers environment credentials from a session that had the keys.
      await a.services.connections.use({ kind: 'env', region: 'eu-west-1' });
      const i = await internals();
      assert.equal(i.statusBar.text, '$(error) Environment · eu-west-1');
      assert.equal((i.statusBar.backgroundColor)?.id, 'statusBarItem.errorBackground');
      const tooltip = typeof i.statusBar.tooltip === 'string' ? i.statusBar.tooltip : (i.statusBar.tooltip?.value ?? '');
      assert.match(tooltip, /cannot work: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/);

      process.env.AWS_ACCESS_KEY_ID = KEY_ID;
      process.env.AWS_SECRET_ACCESS_KEY = SECRET;
      await a.services.connections.use({ kind: 'env', region: 'eu-west-2' });
      assert.equal(i.statusBar.text, '$(key) Environment · eu-west-2');
      assert.equal(i.statusBar.backgroundColor, undefined);
    } finally {
      for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('"Select Region" switches the profile\'s region; the sandbox has only one', async () => {
    const a = await api();
    aws.write('[profile itest]\nregion = us-east-1\n', `[itest]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    await a.services.connections.use(ITEST);
    const { items } = await pickWith<void>('chatreq.selectRegion', (label) => label === 'ap-southeast-2');
    assert.match(items[0].label, /us-east-1/, 'the current region is listed first');
    assert.deepEqual(a.services.connections.current, { ...ITEST, region: 'ap-southeast-2' });
    const i = await internals();
    assert.equal(i.statusBar.text, '$(cloud) itest · ap-southeast-2');
  });

  it('runs a real credential_process script for a profile', async () => {
    const a = await api();
    const script = path.join(aws.dir(), 'creds.js');
    fs.writeFileSync(script, `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'ASIAPROCESSEXAMPLE01', SecretAccessKey: 'process-secret-value', SessionToken: 'process-session-token-value' }));\n`);
    aws.write(`[profile byprocess]\nregion = us-east-1\ncredential_process = "${process.execPath}" "${script}"\n`);
    await endpointToSandbox(a);
    await a.services.connections.use({ kind: 'profile', profile: 'byprocess', region: 'us-east-1' });
    const instances = await a.services.account.loadInstances();
    assert.ok(instances.length > 0);
    assert.equal((await (await a.services.connections.access()).session.credentials()).accessKeyId, 'ASIAPROCESSEXAMPLE01');
    const log = await logShows(a, /connect:ListInstances region=us-east-1 .*ok/);
    for (const secret of ['process-secret-value', 'process-session-token-value', 'ASIAPROCESSEXAMPLE01']) assert.ok(!log.includes(secret), `the log contains ${secret.slice(0, 6)}…`);
  });

  it('honours a workspace endpoint setting only in a trusted workspace, logging what it ignored', async () => {
    const config = vscode.workspace.getConfiguration();
    await config.update('chatreq.endpoint.connect', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Workspace);
    await config.update('chatreq.endpoint.participant', 'https://participant.example.test', vscode.ConfigurationTarget.Global);
    // This window is trusted: what the extension reads here, with the window's own trust.
    assert.equal(vscode.workspace.isTrusted, true);
    const trusted = currentEndpointSettings();
    assert.equal(trusted.connect?.url, 'http://127.0.0.1:9');
    assert.equal(trusted.connect?.origin, 'workspaceSetting');
    // Restricted mode cannot be entered from inside a trusted window; the resolution it uses gets
    // this window's real setting values (a restricted workbench is item 2's test).
    const restricted = resolveEndpointSettings(
      { connect: config.inspect<string>('chatreq.endpoint.connect'), participant: config.inspect<string>('chatreq.endpoint.participant') },
      false,
    );
    assert.equal(restricted.connect, undefined, 'a restricted workspace must not send requests to a workspace-chosen endpoint');
    assert.match(restricted.ignored.join('\n'), /chatreq\.endpoint\.connect \(http:\/\/127\.0\.0\.1:9\) is set in workspace settings and ignored because the workspace is not trusted/);
    // A user-level value is the user's own choice and still applies.
    assert.equal(restricted.participant?.url, 'https://participant.example.test');
    assert.equal(restricted.participant?.origin, 'userSetting');
    // Restricted with a user value too: the user's value replaces the ignored workspace one.
    const both = resolveEndpointSettings({ connect: { globalValue: 'https://user.example.test', workspaceValue: 'https://repo.example.test' } }, false, {});
    assert.equal(both.connect?.url, 'https://user.example.test');
    assert.equal(both.ignored.length, 1);
    // Environment variables fill in what settings leave unset.
    const env = resolveEndpointSettings({}, false, { AWS_ENDPOINT_URL_CONNECTPARTICIPANT: 'https://env.example.test/' });
    assert.deepEqual(env.participant, { url: 'https://env.example.test', origin: 'env', from: 'AWS_ENDPOINT_URL_CONNECTPARTICIPANT' });
  });

  it('resets sessions when the endpoint settings change', async () => {
    const a = await api();
    aws.write('[profile itest]\nregion = us-east-1\n', `[itest]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    await a.services.connections.use(ITEST);
    await vscode.workspace.getConfiguration().update('chatreq.endpoint.connect', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
    const refused = await a.services.account.loadInstances().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(refused, 'a call to a closed port should fail');
    const changed = new Promise<void>((resolve) => {
      const sub = a.services.connections.onDidChange(() => {
        sub.dispose();
        resolve();
      });
    });
    await endpointToSandbox(a);
    await changed;
    const instances = await a.services.account.loadInstances();
    assert.ok(instances.some((x) => x.InstanceAlias === 'chatreq-demo'));
  });

  it('validates MFA codes as six digits', () => {
    assert.equal(validateMfaCode('123456'), undefined);
    assert.match(validateMfaCode('12345') ?? '', /6 digits; this has 5/);
    assert.match(validateMfaCode('12a456') ?? '', /digits only/);
    assert.match(validateMfaCode('') ?? '', /Enter the 6-digit code/);
  });

  /**
   * A role profile that needs MFA (STS is the sandbox), made the connection, and a ListInstances
   * started on it: the credential provider is now waiting for the MFA input box.
   */
  async function startMfaRoleLoad() {
    const a = await api();
    process.env.AWS_ENDPOINT_URL_STS = await endpointToSandbox(a);
    aws.write(
      '[profile mfa-role]\nregion = us-east-1\nrole_arn = arn:aws:iam::123456789012:role/ChatreqMfaTester\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/tester\n',
      `[base]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
    );
    const before = (await (await sandboxAdmin(a)).identityEvents()).length;
    await a.services.connections.use({ kind: 'profile', profile: 'mfa-role', region: 'us-east-1' });
    const loading = a.services.account.loadInstances({ refresh: true });
    return { a, before, loading, i: await internals() };
  }

  it('assumes a role with MFA: the code typed into the input box reaches STS (the sandbox) and the role lists instances', async () => {
    const { a, before, loading, i } = await startMfaRoleLoad();
    const box = await until('the MFA input box', () => i.activeMfaInputBox());
    assert.match(box.prompt ?? '', /MFA device "tester" \(arn:aws:iam::123456789012:mfa\/tester\)/);
    // A malformed code is refused in the box and never sent.
    box.value = '12ab';
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await until('the box to flag the code', () => (box.validationMessage ? true : undefined));
    const flagged = box.validationMessage;
    assert.match(typeof flagged === 'string' ? flagged : (flagged?.message ?? ''), /digits only/);
    // No wait needed before accepting: the box's onDidAccept reads box.value, which this (the
    // extension host) side already holds; the workbench only reports that Enter was pressed.
    box.value = '123456';
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const instances = await loading;
    assert.ok(instances.some((x) => x.InstanceAlias === 'chatreq-demo'));
    const sts = (await (await sandboxAdmin(a)).identityEvents()).slice(before).filter((e) => e.service === 'sts');
    assert.deepEqual(
      sts.map((e) => [e.operation, e.outcome, e.roleArn, e.mfaSerial, e.sourceAccessKeyId]),
      [['AssumeRole', 'ok', 'arn:aws:iam::123456789012:role/ChatreqMfaTester', 'arn:aws:iam::123456789012:mfa/tester', KEY_ID]],
    );
    assert.equal(i.activeMfaInputBox(), undefined);
  });

  it('cancelling the MFA box fails the call with a message that says so, and nothing reaches STS', async () => {
    const { a, before, loading, i } = await startMfaRoleLoad();
    await until('the MFA input box', () => i.activeMfaInputBox());
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await assert.rejects(loading, /no MFA code was entered for arn:aws:iam::123456789012:mfa\/tester/);
    assert.equal((await (await sandboxAdmin(a)).identityEvents()).length, before);
  });

  it('never writes a token or secret to the Chatreq log', async () => {
    const a = await api();
    aws.write('[profile itest]\nregion = us-east-1\n', `[itest]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    await endpointToSandbox(a);
    await a.services.connections.use(ITEST);
    const access = await a.services.connections.access();
    const demo = (await a.services.account.loadInstances()).find((x) => x.InstanceAlias === 'chatreq-demo');
    assert.ok(demo?.Id);
    const flows = await a.services.account.loadFlows(demo.Id);
    const chat = await access.startChat({ InstanceId: demo.Id, ContactFlowId: flows.chat[0].Id!, ParticipantDetails: { DisplayName: 'Log check' } });
    assert.ok(chat.ParticipantToken);
    const log = await logShows(a, /connect:StartChatContact region=us-east-1 .*ok/);
    assert.match(log, /\[aws\] connect:ListContactFlows region=us-east-1 instance=\S+ page=1 \d+ ms requestId=\S+ attempts=1 ok/);
    // The one secret scanner: the planted secrets in any form, and token shapes nobody planted.
    const known = [SECRET, KEY_ID, chat.ParticipantToken];
    assert.deepEqual(findSecrets(readLog(a), known).map((x) => `${x.slice(0, 4)}…`), [], 'the log contains secrets');
    const state = (m: vscode.Memento): string => JSON.stringify(m.keys().map((k) => [k, m.get(k)]));
    assert.deepEqual(findSecrets(state(a.services.context.globalState) + state(a.services.context.workspaceState), known).map((x) => `${x.slice(0, 4)}…`), [], 'global or workspace state holds secrets');
  });
});
