import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openChatreqContainer, openWorkbench, outputShows, showLog, type Workbench } from './workbench';

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
    // The container holds two views, each under its own pane header.
    const headers = await wb.page.locator('.part.sidebar .pane-header h3.title').allInnerTexts();
    assert.deepEqual(headers.map((h) => h.trim().toLowerCase()).sort(), ['instances', 'test chats']);
    await wb.screenshot('test-chats-welcome');
  });

  it('shows the sandbox in the status bar and its demo instance and chat flows in the Instances view', async () => {
    await openChatreqContainer(wb.page);
    const status = wb.page.locator('.part.statusbar .statusbar-item', { hasText: 'Sandbox (offline)' });
    await status.waitFor({ timeout: 30_000 });
    // This machine has no AWS configuration: a first-run notice says the sandbox is in use and how to change it.
    const notice = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'Chatreq is using its offline Connect sandbox' });
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), /Select Connection/);
    const sidebar = wb.page.locator('.part.sidebar');
    const instance = sidebar.locator('.monaco-list-row', { hasText: 'chatreq-demo' });
    await instance.waitFor({ timeout: 60_000 });
    await instance.click();
    // The demo instance's chat flows are listed under it, chat flows before the folder of other types.
    const rows = sidebar.locator('.monaco-list-row');
    await sidebar.locator('.monaco-list-row', { hasText: 'Other flow types' }).waitFor({ timeout: 30_000 });
    const labels = (await rows.allInnerTexts()).map((t) => t.split('\n')[0].trim());
    const other = labels.findIndex((l) => l.startsWith('Other flow types'));
    const demo = labels.findIndex((l) => l.startsWith('chatreq-demo'));
    const chatFlows = labels.slice(demo + 1, other);
    assert.ok(demo >= 0 && chatFlows.length >= 3, `rows: ${JSON.stringify(labels)}`);
    assert.ok(chatFlows.every((l) => l.includes('CONTACT_FLOW')), `rows: ${JSON.stringify(labels)}`);
    assert.ok(chatFlows.some((l) => l.startsWith('Support Bot (Lex)')), `rows: ${JSON.stringify(labels)}`);
    await wb.screenshot('instances-view');
  });

  it('runs "Chatreq: Show Log" from the command palette and the log shows activation', async () => {
    await openChatreqContainer(wb.page); // the Instances view lists instances: an AWS call to see in the log
    await showLog(wb.page);
    try {
      await outputShows(wb.page, 'activated', /Chatreq\s\d+\.\d+\.\d+\sactivated/);
      // Every AWS call is logged with its operation, region, time and request ID (the explorer made
      // some). The editor renders spaces as no-break spaces: match them with \s.
      await outputShows(wb.page, 'ListInstances', /connect:ListInstances\sregion=us-east-1\spage=1\s\d+\sms\s*requestId=[0-9a-f-]{36}/);
    } finally {
      await wb.screenshot('show-log');
    }
  });
});
