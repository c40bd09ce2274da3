/** The Workspace Trust policy (src/core/trust.ts) and the manifest that declares it to VS Code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideTrust, effectiveSetting, RESTRICTED_SETTINGS, TRUST_ACTIONS, type TrustAction } from '../../../src/core/trust';

interface SettingSchema {
  scope?: string;
  description?: string;
  markdownDescription?: string;
}
interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: unknown; description: string; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, SettingSchema> } | Array<{ properties: Record<string, SettingSchema> }> };
}

const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as Manifest;
const properties: Record<string, SettingSchema> = Object.assign({}, ...[pkg.contributes.configuration].flat().map((c) => c.properties)) as Record<string, SettingSchema>;
const restrictedConfigurations = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];

describe('Workspace Trust policy', () => {
  it('allows everything in a trusted workspace, with workspace settings', () => {
    for (const action of TRUST_ACTIONS) assert.deepEqual(decideTrust(action, true), { action, allowed: true, userSettingsOnly: false });
  });

  it('in Restricted Mode reads the account and starts the sandbox with user settings only, and refuses launching, talking, agent answers and test runs', () => {
    const allowed = (a: TrustAction) => decideTrust(a, false).allowed;
    assert.deepEqual(
      TRUST_ACTIONS.filter(allowed).sort(),
      ['readAccount', 'startSandbox'],
    );
    assert.deepEqual(TRUST_ACTIONS.filter((a) => !allowed(a)).sort(), ['answerAsAgent', 'launchChat', 'runTests', 'talkInChat']);
    for (const action of TRUST_ACTIONS) assert.equal(decideTrust(action, false).userSettingsOnly, true, action);
  });

  it('says what is off, why, and how to turn it on', () => {
    const launch = decideTrust('launchChat', false);
    assert.match(launch.reason ?? '', /^Launching test chats is turned off in Restricted Mode: .+\. Trust this workspace \(Manage Workspace Trust\) to launch\.$/);
    assert.match(decideTrust('runTests', false).reason ?? '', /^Running conversation tests is turned off in Restricted Mode/);
    assert.match(decideTrust('answerAsAgent', false).reason ?? '', /^Answering as the agent is turned off in Restricted Mode/);
    assert.equal(decideTrust('readAccount', false).reason, undefined);
  });

  it('takes a restricted setting from the user or the default in Restricted Mode, and says which workspace value it left out', () => {
    const inspected = { defaultValue: 0, globalValue: 4000, workspaceValue: 47 };
    assert.deepEqual(effectiveSetting('chatreq.sandbox.port', inspected, true), { value: 47, origin: 'workspace' });
    const restricted = effectiveSetting('chatreq.sandbox.port', inspected, false);
    assert.equal(restricted.value, 4000);
    assert.equal(restricted.origin, 'user');
    assert.match(restricted.ignored ?? '', /^chatreq\.sandbox\.port \(47\) is set in workspace settings and not used in Restricted Mode/);
    // No user value: the default; a folder value counts as a workspace value.
    assert.deepEqual(
      { ...effectiveSetting('chatreq.sandbox.flowsFolder', { defaultValue: '', workspaceFolderValue: '/etc' }, false), ignored: undefined },
      { value: '', origin: 'default', ignored: undefined },
    );
    // A setting the policy does not restrict keeps its workspace value.
    assert.deepEqual(effectiveSetting('chatreq.tests.parallel', { defaultValue: 4, workspaceValue: 2 }, false), { value: 2, origin: 'workspace' });
  });
});

describe('Workspace Trust in package.json', () => {
  it('declares limited support and lists exactly the policy’s restricted settings', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...restrictedConfigurations].sort(), Object.keys(RESTRICTED_SETTINGS).sort());
    for (const key of restrictedConfigurations) assert.ok(properties[key], `${key} is listed in restrictedConfigurations but is not a contributed setting`);
  });

  it('restricts every chatreq.* setting a workspace can set that names an endpoint, a path or a process', () => {
    // Scopes a workspace's .vscode/settings.json can set (application and machine cannot).
    const workspaceScopes = new Set(['window', 'resource', 'language-overridable', 'machine-overridable']);
    // What marks a setting as naming an endpoint, a path or a process (key or description).
    const sensitive = /endpoint|url|host|port|folder|path|dir(ectory)?\b|file|command|executable|process|sandbox|server|listen/i;
    const keys = Object.keys(properties).filter((k) => k.startsWith('chatreq.'));
    assert.ok(keys.length >= 6, `settings found: ${keys.join(', ')}`);
    const missing = keys.filter((k) => {
      const s = properties[k];
      if (!workspaceScopes.has(s.scope ?? 'window')) return false;
      return sensitive.test(k) || sensitive.test(`${s.description ?? ''} ${s.markdownDescription ?? ''}`);
    }).filter((k) => !restrictedConfigurations.includes(k));
    assert.deepEqual(missing, [], `workspace-settable settings naming an endpoint, a path or a process must be in restrictedConfigurations: ${missing.join(', ')}`);
  });
});
