import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChatreqApi } from '../../src/extension/extension';

const EXTENSION_ID = 'chatreq.chatreq';

describe('extension activation', () => {
  it('is present and activates', async () => {
    const ext = vscode.extensions.getExtension<ChatreqApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    const api = await ext.activate();
    assert.ok(ext.isActive);
    assert.equal(api.version, (ext.packageJSON as { version: string }).version);
    // Activation starts nothing: this file runs first (files run in name order), and nothing has
    // asked for the sandbox yet, so it must not be running. (It used to be stopped first, then checked.)
    assert.equal(api.services.sandbox.current, undefined, 'activation started the Connect sandbox');
  });

  it('registers every command it contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const manifest = ext.packageJSON as { contributes: { commands: Array<{ command: string }> } };
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('runs in the real extension host with the test workspace open', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder');
    assert.equal(folder.uri.fsPath, process.env.CHATREQ_TEST_WORKSPACE);
  });
});
