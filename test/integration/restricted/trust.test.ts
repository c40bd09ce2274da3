/**
 * The Workspace Trust policy in a real Restricted Mode window: this file runs in a workbench with
 * Workspace Trust on and the folder (test/fixtures/restricted-workspace) untrusted. The folder's
 * .vscode/settings.json sets every restricted setting to a value Chatreq must not use here; the
 * user settings (scripts/test.mjs) set `chatreq.sandbox.pace` to instant, which must be used instead.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ConnectClient, ListInstancesCommand } from '@aws-sdk/client-connect';
import * as vscode from 'vscode';
import type { FormState, ToWebview } from '../../../src/core/request/formProtocol';
import { TRUST_ACTIONS } from '../../../src/core/trust';
import { currentEndpointSettings } from '../../../src/extension/connections/endpointSettings';
import type { ChatreqApi } from '../../../src/extension/extension';
import { decide, setting, workspaceValuesSet } from '../../../src/extension/trust';
import { api, internals, logShows, until } from '../connectionSupport';

const DEMO_INSTANCE = '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58';
const workspace = (): string => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the restricted window has a workspace folder');
  return folder.uri.fsPath;
};
const request = (): vscode.Uri => vscode.Uri.file(path.join(workspace(), 'support.chatreq.json'));
const credentials = { accessKeyId: 'AKIASANDBOXEXAMPLE01', secretAccessKey: 'sandbox-secret-example' };

async function sandboxUrl(): Promise<string> {
  const url = await vscode.commands.executeCommand<string | undefined>('chatreq.startSandbox');
  assert.ok(url, 'Start Connect Sandbox returned no URL');
  return url;
}

async function contactCount(url: string): Promise<number> {
  const r = (await (await fetch(`${url}/sandbox/contacts`)).json()) as { contacts: unknown[] };
  return r.contacts.length;
}

describe('Workspace Trust: a Restricted Mode window (untrusted folder)', function () {
  this.timeout(60_000);
  let a: ChatreqApi;

  before(async () => {
    a = await api();
    a.services.connections.useTransient({ kind: 'sandbox' });
  });

  it('is really in Restricted Mode, and tells which of the workspace’s settings it leaves out', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    // VS Code itself hides the workspace values of the restrictedConfigurations here...
    assert.equal(vscode.workspace.getConfiguration().inspect('chatreq.sandbox.port')?.workspaceValue, undefined);
    // ...and the policy still knows they are set (read from .vscode/settings.json) to say so.
    assert.deepEqual(workspaceValuesSet().sort(), ['chatreq.endpoint.connect', 'chatreq.endpoint.participant', 'chatreq.sandbox.flowsFolder', 'chatreq.sandbox.pace', 'chatreq.sandbox.port']);
  });

  it('decides per the policy: account reads and the sandbox with user settings only; no launching, talking, agent answers or test runs', () => {
    const decisions = Object.fromEntries(TRUST_ACTIONS.map((action) => [action, decide(action)]));
    assert.deepEqual(
      Object.entries(decisions).filter(([, d]) => d.allowed).map(([k]) => k).sort(),
      ['readAccount', 'startSandbox'],
    );
    for (const d of Object.values(decisions)) assert.equal(d.userSettingsOnly, true, d.action);
    assert.match(decisions.launchChat.reason ?? '', /^Launching test chats is turned off in Restricted Mode/);
  });

  it('uses the user value or the default of each restricted setting, never the workspace value', () => {
    assert.equal(setting('chatreq.sandbox.port', -1), 0, 'port: the default, not the workspace 47');
    assert.equal(setting('chatreq.sandbox.flowsFolder', 'unset'), '', 'flowsFolder: the default, not the workspace "flows"');
    assert.equal(setting('chatreq.sandbox.pace', 'unset'), 'instant', 'pace: the user value, not the workspace "realistic"');
    // A setting the policy does not restrict keeps the workspace value.
    assert.equal(setting('chatreq.tests.parallel', 4), 2);
    const endpoints = currentEndpointSettings();
    assert.deepEqual({ connect: endpoints.connect, participant: endpoints.participant }, { connect: undefined, participant: undefined }, 'the workspace endpoints http://127.0.0.1:9 are not used');
  });

  it('starts the sandbox without the workspace’s port and flows folder: only the demo instance, on a free port', async () => {
    const url = await sandboxUrl();
    assert.notEqual(new URL(url).port, '47');
    const health = (await (await fetch(`${url}/sandbox/health`)).json()) as { instances: number };
    assert.equal(health.instances, 1, 'the workspace flows folder (instance "local") was not loaded');
    const listed = await new ConnectClient({ region: 'us-east-1', endpoint: url, credentials }).send(new ListInstancesCommand({}));
    assert.deepEqual(listed.InstanceSummaryList?.map((i) => i.InstanceAlias), ['chatreq-demo']);
  });

  it('reads the account for the Instances view and says what Restricted Mode leaves out', async () => {
    const i = await internals();
    const instances = await a.services.account.loadInstances();
    assert.deepEqual(instances.map((x) => x.Id), [DEMO_INSTANCE]);
    const message = i.explorerView.message ?? '';
    assert.match(message, /^Restricted Mode: instances and flows are read with your user settings only/);
    assert.match(message, /chatreq\.sandbox\.flowsFolder/);
    assert.match(message, /launching test chats and running conversation tests need a trusted workspace/);
  });

  it('refuses Launch Test Chat, Relaunch, Reply and Answer as Agent at once, says so, and starts no chat', async () => {
    const url = await sandboxUrl();
    const before = await contactCount(url);
    const chatsBefore = a.testChats.chats.list().length;
    assert.equal(await vscode.commands.executeCommand('chatreq.launchTestChat', request()), undefined);
    await logShows(a, /\[trust\] refused in Restricted Mode: launchChat/);
    assert.equal(await vscode.commands.executeCommand('chatreq.relaunchChat'), undefined);
    assert.equal(await vscode.commands.executeCommand('chatreq.replyToChat', undefined, 'hello'), undefined);
    await logShows(a, /\[trust\] refused in Restricted Mode: talkInChat/);
    assert.equal(await vscode.commands.executeCommand('chatreq.answerAsAgent', undefined, 'join'), undefined);
    await logShows(a, /\[trust\] refused in Restricted Mode: answerAsAgent/);
    assert.equal(await contactCount(url), before, 'no StartChatContact reached the sandbox');
    assert.equal(a.testChats.chats.list().length, chatsBefore, 'no chat was added to Test Chats');
  });

  it('shows the launch CodeLens locked with the reason', async () => {
    const lenses = await until('the CodeLens', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', request());
      return l && l.length > 0 ? l : undefined;
    });
    assert.equal(lenses[0].command?.title, '$(lock) Launch disabled in Restricted Mode');
    assert.match(lenses[0].command?.tooltip ?? '', /^Launching test chats is turned off in Restricted Mode/);
  });

  it('errors a conversation test run with the reason and starts no chat', async () => {
    const url = await sandboxUrl();
    const before = await contactCount(url);
    const h = await vscode.commands.executeCommand<{ refresh(): Promise<void>; fileItem(u: vscode.Uri): vscode.TestItem | undefined; run(include?: readonly vscode.TestItem[]): Promise<{ events: Array<{ status: string; message?: string }> }> }>(
      'chatreq._chatTestsInternals',
    );
    assert.ok(h);
    const uri = vscode.Uri.file(path.join(workspace(), 'tests', 'greets.chattest.json'));
    const file = await until('the test file in the Test Explorer (discovery works in Restricted Mode)', async () => {
      await h.refresh();
      return h.fileItem(uri);
    });
    const { events } = await h.run([file]);
    const errored = events.filter((e) => e.status === 'errored');
    assert.ok(errored.length > 0, JSON.stringify(events));
    for (const e of errored) assert.match(e.message ?? '', /^Running conversation tests is turned off in Restricted Mode/);
    assert.ok(!events.some((e) => e.status === 'started'), JSON.stringify(events));
    assert.equal(await contactCount(url), before);
  });

  it('sends the form its Restricted Mode state: Launch off with the reason, Pick… on (user settings)', async () => {
    const uri = request();
    const state = await new Promise<FormState>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error('the form sent no state within 20 s'));
      }, 20_000);
      const sub = a.requestForm.onDidPostMessage((p: { uri: vscode.Uri; message: ToWebview }) => {
        if (p.uri.toString() === uri.toString() && p.message.type === 'state') {
          clearTimeout(timer);
          sub.dispose();
          resolve(p.message.state);
        }
      });
      void vscode.commands.executeCommand('chatreq.openRequestForm', uri);
    });
    assert.equal(state.trusted, false);
    assert.match(state.restricted?.launch ?? '', /^Launching test chats is turned off in Restricted Mode/);
    assert.equal(state.restricted?.pick, undefined, 'Pick… reads the account, which Restricted Mode allows with user settings');
    assert.match(state.restricted?.notice ?? '', /^Restricted Mode: the form edits the file as usual; Pick… lists instances and flows with your user settings only/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
