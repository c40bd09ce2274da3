import assert from 'node:assert/strict';
import { openChatreqContainer, openFile, openWorkbench, outputShows, showLog, type Workbench } from './workbench';

// Request files are JSON, so opening any JSON file activates Chatreq. In a workspace that does not
// use Chatreq that must cost nothing visible: no status bar item, no first-run notice.
describe('a workspace without request files', function () {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ files: { 'package.json': '{\n  "name": "not-a-chatreq-project"\n}\n' } });
  });

  after(async () => {
    await wb?.close();
  });

  it('opening a JSON file activates Chatreq without a status bar item or a notice', async () => {
    await openFile(wb.page, 'package.json');
    await showLog(wb.page);
    await outputShows(wb.page, 'activated', /Chatreq\s\d+\.\d+\.\d+\sactivated/);
    // The request-file search is what could engage Chatreq here; wait until it has finished.
    // The panel renders spaces as no-break spaces: \s matches them.
    await outputShows(wb.page, 'No request files', /No\srequest\sfiles\sin\sthis\sworkspace:\sChatreq\sstays\sidle/);
    const statusBar = await wb.page.locator('.part.statusbar').innerText();
    assert.doesNotMatch(statusBar, /Sandbox \(offline\)/);
    assert.equal(await wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'Chatreq' }).count(), 0);
    await wb.screenshot('plain-json-workspace');
  });

  it('opening the Chatreq view brings the connection into the status bar', async () => {
    await openChatreqContainer(wb.page);
    await wb.page.locator('.part.statusbar .statusbar-item', { hasText: 'Sandbox (offline)' }).waitFor({ timeout: 30_000 });
  });
});
