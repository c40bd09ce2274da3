import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openChatreqContainer, openFile, openWorkbench, runCommand, type Workbench } from './workbench';

const REQUEST = `${JSON.stringify(
  {
    InstanceId: '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58',
    ContactFlowId: '0c6a3f51-7d2e-4b8a-9f14-6e2d3c8b1a07',
    ParticipantDetails: { DisplayName: 'Ada Tester' },
    Attributes: { customerTier: 'gold' },
  },
  null,
  2,
)}\n`;

const testChats = (page: Page) => page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: /test chats/i }) });

/**
 * Expands a tree row (by its text) unless it is expanded already. The extension may expand it at
 * the same moment (reveal after a launch), so a click can race with that: check, then wait.
 */
async function expand(page: Page, text: RegExp | string): Promise<void> {
  const row = testChats(page).locator('.monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 30_000 });
  const expanded = testChats(page).locator('.monaco-list-row[aria-expanded="true"]', { hasText: text }).first();
  for (let attempt = 0; attempt < 3 && !(await expanded.isVisible()); attempt++) {
    // The twistie, not the row: a click on a chat row opens its conversation panel.
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    await expanded.waitFor({ timeout: 5000 }).catch(() => undefined);
  }
  await expanded.waitFor({ timeout: 5000 });
}

for (const theme of [
  { name: 'dark', id: 'Default Dark Modern' },
  { name: 'light', id: 'Default Light Modern' },
]) {
  describe(`Test Chats in the workbench (${theme.name} theme)`, function () {
    let wb: Workbench;

    before(async () => {
      wb = await openWorkbench({ files: { 'support.chatreq.json': REQUEST }, settings: { 'workbench.colorTheme': theme.id } });
    });

    after(async () => {
      await wb?.close();
    });

    it('launches from the palette, follows the flow, and a reply gets the bot’s answer', async () => {
      const { page } = wb;
      await openFile(page, 'support.chatreq.json');
      await runCommand(page, 'Chatreq: Launch Test Chat');
      const chatRow = testChats(page).locator('.monaco-list-row', { hasText: 'support · Ada Tester' }).first();
      await chatRow.waitFor({ timeout: 60_000 });
      await expand(page, 'support · Ada Tester');
      await testChats(page).locator('.monaco-list-row', { hasText: 'virtual assistant' }).first().waitFor({ timeout: 30_000 });
      await testChats(page).locator('.monaco-list-row', { hasText: 'How can I help you today' }).first().waitFor({ timeout: 30_000 });
      assert.match(await chatRow.innerText(), /connected/);

      await runCommand(page, 'Chatreq: Reply');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor();
      await input.fill('I want to talk to an agent');
      await page.keyboard.press('Enter');
      await testChats(page).locator('.monaco-list-row', { hasText: 'Ada Tester: I want to talk to an agent' }).first().waitFor({ timeout: 30_000 });
      // The flow answers the customer (the bot hands over to an agent queue).
      await testChats(page).locator('.monaco-list-row', { hasText: /person to help|agent/i }).nth(1).waitFor({ timeout: 30_000 });
      await wb.screenshot(`test-chats-conversation-${theme.name}`);
    });

    it('launches from the CodeLens at the top of the request, which names the connection', async () => {
      const { page } = wb;
      await openChatreqContainer(page);
      await openFile(page, 'support.chatreq.json');
      const lens = page.locator('.editor-group-container .codelens-decoration a', { hasText: '▶ Launch test chat · Sandbox (offline)' });
      try {
        await lens.waitFor({ timeout: 30_000 });
      } catch (e) {
        await wb.screenshot(`test-chats-codelens-missing-${theme.name}`);
        throw e;
      }
      const before = await testChats(page).locator('.monaco-list-row', { hasText: 'support · Ada Tester' }).count();
      await lens.click();
      const rows = testChats(page).locator('.monaco-list-row', { hasText: 'support · Ada Tester' });
      await rows.nth(before).waitFor({ timeout: 60_000 }); // one more chat row than before the click
      // The flow trace node of the newest chat lists the blocks the flow ran.
      await expand(page, 'support · Ada Tester');
      await testChats(page).locator('.monaco-list-row', { hasText: /Flow trace\s*\d+ blocks?/ }).first().waitFor({ timeout: 30_000 });
      await expand(page, 'Flow trace');
      await wb.screenshot(`test-chats-trace-${theme.name}`);
    });
  });
}
