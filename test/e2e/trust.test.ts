/**
 * Workspace Trust as a user meets it: a workbench with Workspace Trust on and the folder untrusted
 * (Restricted Mode), whose .vscode/settings.json points the sandbox at the folder's own flows. What
 * Chatreq does there follows its one policy (README, Workspace Trust); trusting the folder from the
 * refusal's Manage Workspace Trust button turns the rest on without a reload.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { pollUntil } from '../support/wait';
import { openChatreqContainer, openFile, openWorkbench, root, runCommand, type Workbench } from './workbench';

const REQUEST = `${JSON.stringify(
  {
    InstanceId: '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58',
    ContactFlowId: '0c6a3f51-7d2e-4b8a-9f14-6e2d3c8b1a07',
    ParticipantDetails: { DisplayName: 'Untrusted Customer' },
    InitialMessage: { ContentType: 'text/plain', Content: 'Hello' },
  },
  null,
  2,
)}\n`;

/** The request form's document frame once it has drawn its fields. */
function formFrame(page: Page): Promise<Frame> {
  return pollUntil(
    async () => {
      for (const f of page.frames()) {
        if (await f.$('body[data-version] #f-ParticipantDetails-DisplayName').catch(() => null)) return f;
      }
      return undefined;
    },
    'the request form to render',
    60_000,
    250,
  );
}

describe('Workspace Trust: Chatreq in a Restricted Mode window', function () {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' },
      files: {
        'support.chatreq.json': REQUEST,
        // Restricted settings the untrusted folder sets: not used until it is trusted.
        '.vscode/settings.json': `${JSON.stringify({ 'chatreq.sandbox.flowsFolder': 'flows' }, null, 2)}\n`,
        'flows/exampleA-minimal.flow.json': fs.readFileSync(path.join(root, 'test/fixtures/flows/exampleA-minimal.flow.json'), 'utf8'),
      },
    });
    try {
      await wb.page.locator('.statusbar-item', { hasText: /Restricted Mode/i }).first().waitFor({ timeout: 60_000 });
    } catch (e) {
      await wb.screenshot('trust-failed-start');
      throw e;
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.screenshot(`trust-failed-${this.currentTest.title.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  after(async () => {
    await wb?.close();
  });

  it('the Instances view lists the account with user settings only and says what it leaves out', async () => {
    const { page } = wb;
    await openChatreqContainer(page);
    const sidebar = page.locator('.part.sidebar');
    const message = sidebar.locator('.tree-explorer-viewlet-tree-view-message, .message', { hasText: 'Restricted Mode: instances and flows are read with your user settings only' }).first();
    await message.waitFor({ timeout: 60_000 });
    assert.match(await message.innerText(), /chatreq\.sandbox\.flowsFolder is not used/);
    // (Rows are matched by their label, the way the folder's instance is looked for below.)
    await sidebar.locator('.monaco-list-row .label-name', { hasText: /^chatreq-demo$/ }).waitFor({ timeout: 60_000 });
    // The folder's flows would be instance "local": the sandbox started without them.
    assert.equal(await sidebar.locator('.monaco-list-row .label-name', { hasText: /^local$/ }).count(), 0);
    await wb.screenshot('trust-restricted-instances');
  });

  it('refuses a launch with the reason and a Manage Workspace Trust button', async () => {
    const { page } = wb;
    await openFile(page, 'support.chatreq.json');
    // The CodeLens says it is locked.
    await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Launch disabled in Restricted Mode' }).waitFor({ timeout: 60_000 });
    await runCommand(page, 'Chatreq: Launch Test Chat');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Launching test chats is turned off in Restricted Mode' });
    await toast.waitFor({ timeout: 30_000 });
    assert.match(await toast.innerText(), /Trust this workspace \(Manage Workspace Trust\) to launch/);
    await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).waitFor();
    await wb.screenshot('trust-launch-refused');
    // Nothing was launched: the Test Chats view still welcomes.
    await page.locator('.part.sidebar .welcome-view-content', { hasText: 'No test chats yet.' }).waitFor({ timeout: 10_000 });
  });

  it('the form: Launch off with the reason, Pick… on (it lists with user settings), a banner saying so', async () => {
    const { page } = wb;
    await runCommand(page, 'Chatreq: Open Request Form');
    const form = await formFrame(page);
    const launch = form.locator('#launch');
    assert.equal(await launch.isDisabled(), true);
    assert.match((await launch.getAttribute('title')) ?? '', /^Launching test chats is turned off in Restricted Mode/);
    const pick = form.locator('#f-InstanceId-pick');
    assert.equal(await pick.isDisabled(), false);
    assert.match((await pick.getAttribute('title')) ?? '', /Restricted Mode: with your user settings only/);
    assert.match(await form.locator('.banner.info').innerText(), /^Restricted Mode: the form edits the file as usual; Pick… lists instances and flows with your user settings only/);
    await wb.screenshot('trust-restricted-form');
  });

  it('trusting the folder from the refusal turns launching on and applies the workspace’s sandbox settings, without a reload', async () => {
    const { page } = wb;
    await openFile(page, 'support.chatreq.json');
    await runCommand(page, 'Chatreq: Launch Test Chat');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Launching test chats is turned off in Restricted Mode' });
    await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click();
    const editor = page.locator('.workspace-trust-editor');
    await editor.waitFor({ timeout: 30_000 });
    await editor.locator('.monaco-button', { hasText: /^Trust( Folder)?$/ }).first().click();
    await page.locator('.statusbar-item', { hasText: /Restricted Mode/i }).first().waitFor({ state: 'detached', timeout: 30_000 });
    // Some workbench versions show the trust editor as a modal, which keeps the palette from opening:
    // Escape closes that modal (the editor in a tab is closed with the others below).
    if (await editor.isVisible()) {
      await page.keyboard.press('Escape');
      await editor.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
    await runCommand(page, 'View: Close All Editors');

    // The view's notice is gone and the sandbox restarted with the folder's flows (instance "local").
    await openChatreqContainer(page);
    const sidebar = page.locator('.part.sidebar');
    await sidebar.locator('.monaco-list-row .label-name', { hasText: /^local$/ }).first().waitFor({ timeout: 60_000 });
    assert.equal(await sidebar.locator('.message', { hasText: 'Restricted Mode' }).count(), 0);
    // In the form now: Launch is on, the banner gone, and a launch starts a chat.
    await openFile(page, 'support.chatreq.json');
    // VS Code reopens the file in the editor it last used; switch to the form only if it is text.
    await page.locator('.editor-group-container .tab.active', { hasText: 'support.chatreq.json' }).waitFor({ timeout: 20_000 });
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 20_000 });
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input.input').fill('>Chatreq: Open Request Form');
    const toForm = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Chatreq: Open Request Form' }).first();
    if (await toForm.waitFor({ timeout: 3000 }).then(() => true, () => false)) await page.keyboard.press('Enter');
    else await page.keyboard.press('Escape');
    const form = await formFrame(page);
    const launch = form.locator('#launch');
    await pollUntil(async () => !(await launch.isDisabled()), 'the form’s Launch button to turn on', 30_000, 250);
    assert.equal(await form.locator('.banner.info').isHidden(), true);
    await launch.click();
    await sidebar.locator('.monaco-list-row', { hasText: 'Untrusted Customer' }).first().waitFor({ timeout: 60_000 });
    await wb.screenshot('trust-granted');
  });
});
