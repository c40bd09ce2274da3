import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openChatreqContainer, openWorkbench, runCommand, type Workbench } from './workbench';

describe('workbench (Chatreq installed from its .vsix)', function () {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('installs the packaged extension into VS Code', () => {
    const installed = fs.readdirSync(wb.server.extensionsDir).filter((d) => d.startsWith('chatreq.chatreq-'));
    assert.equal(installed.length, 1, `extensions dir holds: ${fs.readdirSync(wb.server.extensionsDir).join(', ')}`);
    const pkg = JSON.parse(fs.readFileSync(path.join(wb.server.extensionsDir, installed[0], 'package.json'), 'utf8')) as { main: string };
    assert.ok(fs.existsSync(path.join(wb.server.extensionsDir, installed[0], pkg.main)), 'the bundle named by "main" is in the VSIX');
  });

  it('shows the Chatreq container with the Test Chats welcome', async () => {
    await openChatreqContainer(wb.page);
    const welcome = wb.page.locator('.part.sidebar .welcome-view-content', { hasText: 'No test chats yet.' });
    await welcome.waitFor({ timeout: 30_000 });
    // With one view in the container, VS Code folds the view's name into the sidebar title.
    const title = await wb.page.locator('.part.sidebar .composite.title').innerText();
    assert.match(title, /test chats/i);
    await wb.screenshot('test-chats-welcome');
  });

  it('runs "Chatreq: Show Log" from the command palette and the log shows activation', async () => {
    await runCommand(wb.page, 'Chatreq: Show Log');
    const line = wb.page.locator('.part.panel .monaco-editor .view-lines', { hasText: /Chatreq\s\d+\.\d+\.\d+\sactivated/ });
    try {
      await line.waitFor({ timeout: 30_000 });
    } finally {
      await wb.screenshot('show-log');
    }
  });
});
