import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { conversationFrame, openFile, openWorkbench, runCommand, type Workbench } from './workbench';

const REQUEST = `${JSON.stringify(
  {
    InstanceId: '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58',
    ContactFlowId: '4c9e2b7a-5d13-4f86-a0b2-7e6d1c3f8a95',
    ParticipantDetails: { DisplayName: 'Ada Tester' },
    SupportedMessagingContentTypes: ['text/plain', 'application/vnd.amazonaws.connect.message.interactive'],
  },
  null,
  2,
)}\n`;

const CONCIERGE = REQUEST.replace('4c9e2b7a-5d13-4f86-a0b2-7e6d1c3f8a95', '7c1e5a3d-8b2f-4d96-a0e4-5f3b9c7d1e28');
/** The Concierge again, under another customer name, so its chat is easy to tell apart. */
const KEYS = CONCIERGE.replace('Ada Tester', 'Kay Board');

/** The contact IDs of the conversation panels in the page now (a new chat's panel is none of them). */
async function shownContacts(page: Page): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const f of page.frames()) {
    const c = await f.locator('body[data-entries] .contact').innerText({ timeout: 1000 }).catch(() => undefined);
    if (c) seen.add(c);
  }
  return seen;
}

/**
 * Launches a test chat from a request file of the workspace (opened in the editor first). Returns
 * the contacts whose panels were in the page before, so the new chat's panel can be told apart.
 */
async function launchFrom(page: Page, file: string): Promise<Set<string>> {
  const seen = await shownContacts(page);
  await openFile(page, file);
  await runCommand(page, 'Chatreq: Launch Test Chat');
  return seen;
}

/** The few members of the message list's element the tests read (no DOM types in the test build). */
interface Scroller {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  scrollTo(x: number, y: number): void;
}

for (const theme of [
  { name: 'dark', id: 'Default Dark Modern' },
  { name: 'light', id: 'Default Light Modern' },
  { name: 'high-contrast', id: 'Default High Contrast' },
]) describe(`Conversation panel in the workbench (${theme.name} theme, Chatreq installed from its .vsix)`, function () {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ files: { 'help.chatreq.json': REQUEST, 'concierge.chatreq.json': CONCIERGE, 'keys.chatreq.json': KEYS }, settings: { 'workbench.colorTheme': theme.id } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.screenshot(`conversation-${theme.name}-failed-${this.currentTest.title.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  after(async () => {
    await wb?.close();
  });

  it('opens the conversation, answers the ListPicker by clicking, and a typed reply gets the bot’s answer', async () => {
    const { page } = wb;
    await openFile(page, 'help.chatreq.json');
    await runCommand(page, 'Chatreq: Launch Test Chat');
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'help · Ada Tester' }).first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'Chatreq: Open Conversation');
    const first = await conversationFrame(page);
    const firstContact = await first.locator('.contact').innerText();

    // The bot's ListPicker, as controls; clicking an option sends it as the customer.
    const option = first.locator('.interactive vscode-button.option', { hasText: 'Track an order' });
    await option.waitFor({ timeout: 30_000 });
    assert.equal(await first.locator('.msg.other', { has: option }).locator('.name').innerText(), 'BOT', 'the bot’s menu is on the left under its name');
    assert.equal(await first.locator('[role="log"]').count(), 1);
    await wb.screenshot(`conversation-listpicker-${theme.name}`);
    await option.click();
    await first.locator('.msg.customer .bubble', { hasText: 'Track an order' }).waitFor({ timeout: 30_000 });
    await first.locator('.msg.other .bubble', { hasText: 'You can track any order' }).waitFor({ timeout: 30_000 });
    await first.locator('.interactive .i-reply', { hasText: 'Thanks for choosing!' }).waitFor({ timeout: 30_000 });
    assert.equal(await option.isDisabled(), true, 'an answered menu takes no second answer');
    // The flow disconnects after its answer: the composer says why it is off.
    await first.locator('.reason', { hasText: /ended/ }).waitFor({ timeout: 30_000 });
    assert.equal(await first.locator('#composer textarea').isDisabled(), true);

    // Relaunch from the header: a new chat in its own panel; type the answer instead.
    await first.locator('vscode-button[data-action="relaunch"]').click();
    const second = await conversationFrame(page, (c) => c !== firstContact);
    await second.locator('.interactive vscode-button.option', { hasText: 'Start a return' }).waitFor({ timeout: 30_000 });
    const composer = second.locator('#composer textarea');
    await composer.click();
    await composer.pressSequentially('Start a return');
    await composer.press('Shift+Enter');
    assert.equal(await composer.inputValue(), 'Start a return\n', 'Shift+Enter adds a new line');
    await composer.press('Backspace');
    await composer.press('Enter');
    await second.locator('.msg.customer .bubble', { hasText: 'Start a return' }).waitFor({ timeout: 30_000 });
    assert.equal(await composer.inputValue(), '', 'Enter sent the message');
    await second.locator('.msg.other .bubble', { hasText: 'Returns are free within 30 days' }).waitFor({ timeout: 30_000 });
    assert.equal(await second.locator('.interactive vscode-button.option.chosen').innerText().then((t) => t.split('\n')[0]), 'Start a return', 'the typed answer marks the option');
    await wb.screenshot(`conversation-${theme.name}`);
  });

  if (theme.name === 'light') {
    it('is keyboard-operable: Tab goes from option to option, Space and Enter choose one', async () => {
      const { page } = wb;
      const seen = await launchFrom(page, 'keys.chatreq.json');
      // A click on the chat's row opens its conversation (the node's default action).
      const row = page.locator('.part.sidebar .monaco-list-row', { hasText: 'keys · Kay Board' }).first();
      await row.waitFor({ timeout: 60_000 });
      await row.click();
      const frame = await conversationFrame(page, (c) => !seen.has(c));
      const focused = () =>
        frame.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-title') ?? null);
      const first = frame.locator('.interactive vscode-button.option[data-title="Book a fitting"]');
      await first.waitFor({ timeout: 30_000 });
      await first.focus();
      assert.equal(await focused(), 'Book a fitting');
      // Tab reaches the next option, in the order they are shown; Shift+Tab goes back.
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'Gift wrapping', 'Tab moves to the next option');
      await page.keyboard.press('Shift+Tab');
      assert.equal(await focused(), 'Book a fitting', 'Shift+Tab moves back');
      await page.keyboard.press('Tab');
      // Space chooses the focused option, as a click would: the gift-wrap bot asks with a QuickReply.
      await page.keyboard.press('Space');
      await frame.locator('.msg.customer .bubble', { hasText: 'Gift wrapping' }).waitFor({ timeout: 30_000 });
      const festive = frame.locator('.interactive vscode-button.option[data-title="Festive"]');
      await festive.waitFor({ timeout: 30_000 });
      await frame.locator('.interactive vscode-button.option[data-title="Classic"]').focus();
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'Festive');
      // Enter chooses too.
      await page.keyboard.press('Enter');
      await frame.locator('.msg.customer .bubble', { hasText: 'Festive' }).waitFor({ timeout: 30_000 });
      await frame.locator('.msg.other .bubble', { hasText: 'Festive it is' }).waitFor({ timeout: 30_000 });
      assert.equal(await festive.getAttribute('aria-pressed'), 'true', 'the chosen option says so');
    });
  }

  if (theme.name === 'dark') {
    it('Concierge: a click on the ListPicker reaches agent Sam, Enter sends the reply, Sam answers and the message shows Read', async () => {
      const { page } = wb;
      const seen = await launchFrom(page, 'concierge.chatreq.json');
      await page.locator('.part.sidebar .monaco-list-row', { hasText: 'concierge · Ada Tester' }).first().waitFor({ timeout: 60_000 });
      await runCommand(page, 'Chatreq: Open Conversation');
      // With several chats in the history the command asks which one.
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'concierge · Ada Tester' }).first().click({ timeout: 30_000 });
      const frame = await conversationFrame(page, (c) => !seen.has(c));
      const option = frame.locator('.interactive vscode-button.option', { hasText: 'Talk to an agent' });
      await option.waitFor({ timeout: 30_000 });
      // The bot's avatar is a codicon, labelled for screen readers.
      assert.equal(await frame.locator('.msg.other', { has: option }).locator('.avatar .codicon-hubot').getAttribute('aria-label'), 'System');
      await option.click();
      await frame.locator('.msg.other', { hasText: 'Hi, Sam from the concierge desk here.' }).waitFor({ timeout: 30_000 });
      assert.equal(await frame.locator('.msg.other', { hasText: 'Hi, Sam from the concierge desk here.' }).locator('.name').innerText(), 'Sam');
      const composer = frame.locator('#composer textarea');
      await composer.click();
      await composer.pressSequentially('Can you hold a jacket for me?');
      await composer.press('Enter');
      const mine = frame.locator('.msg.customer', { hasText: 'Can you hold a jacket for me?' });
      await mine.waitFor({ timeout: 30_000 });
      assert.equal(await composer.inputValue(), '', 'Enter sent the message');
      assert.ok(await composer.evaluate((el: unknown) => (el as { getRootNode(): { activeElement: unknown } }).getRootNode().activeElement === el), 'the focus is back in the composer');
      await frame.locator('.msg.other', { hasText: 'Thanks, let me look into that for you.' }).waitFor({ timeout: 30_000 });
      await mine.locator('.receipt.read', { hasText: 'Read' }).waitFor({ timeout: 30_000 });
      await wb.screenshot('conversation-agent-read-receipt');
    });

    it('comes back after a window reload, at the scroll position it was left at', async () => {
      const { page } = wb;
      await page.setViewportSize({ width: 1400, height: 640 });
      await runCommand(page, 'View: Close All Editor Groups');
      await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached', timeout: 30_000 });
      // Panels of earlier chats may still be in the page while they close: note their contacts so
      // the frame found below is the new chat's, whatever ran before.
      const seen = await launchFrom(page, 'help.chatreq.json');
      const rows = page.locator('.part.sidebar .monaco-list-row', { hasText: 'help · Ada Tester' });
      // The new chat is the live one (the earlier chats ended with their flow); the tree draws
      // only the rows in view, so it is found by its state rather than by counting rows.
      const row = rows.filter({ hasText: /connected|starting/ }).first();
      await row.waitFor({ timeout: 60_000 });
      await row.hover();
      await row.locator('.action-label[aria-label="Open Conversation"]').click();
      // The row's button hands its chat to the command: no "which chat?" question.
      const frame = await conversationFrame(page, (c) => c !== '' && !seen.has(c)).catch(async (e: unknown) => {
        if (await page.locator('.quick-input-widget').isVisible()) throw new Error('the inline button asked which chat instead of opening its own');
        throw e;
      });
      const contact = await frame.locator('.contact').innerText();
      await frame.locator('.interactive vscode-button.option', { hasText: 'Talk to an agent' }).click();
      await frame.locator('.event', { hasText: 'The chat ended' }).waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
        // Say what the panel showed instead, with a screenshot, so a failure here can be diagnosed.
        await wb.screenshot('conversation-reload-not-ended').catch(() => undefined);
        const shown = await frame.locator('#log').innerText().catch(() => '(no log)');
        throw new Error(`the chat did not end after "Talk to an agent"; the panel showed:\n${shown}\n${String(e)}`);
      });
      const log = frame.locator('#log');
      assert.ok(await log.evaluate((el: unknown) => (el as Scroller).scrollHeight > (el as Scroller).clientHeight + 40), 'the conversation is longer than the panel');
      await log.evaluate((el: unknown) => (el as Scroller).scrollTo(0, 0));
      // The webview saves its scroll position on the next frame: wait until it says it saved the top.
      await frame.locator('body[data-saved-scroll-top="0"]').waitFor({ state: 'attached', timeout: 10_000 });
      await runCommand(page, 'Developer: Reload Window');
      await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
      const back = await conversationFrame(page, (c) => c === contact);
      // The stored transcript down to its end, which is out of view (the list is back at its top,
      // and entries out of view are not drawn until they scroll near): in the DOM, not on screen.
      await back
        .locator('.event', { hasText: 'The chat ended' })
        .waitFor({ state: 'attached', timeout: 30_000 })
        .catch(async (e: unknown) => {
          const shown = await back.locator('#log').evaluate((el: unknown) => (el as { textContent: string }).textContent).catch(() => '(no log)');
          throw new Error(`after the reload the panel does not show the end of the chat; it shows:\n${shown}\n${String(e)}`);
        });
      assert.equal(await back.locator('#log').evaluate((el: unknown) => (el as Scroller).scrollTop), 0, 'the scroll position is restored, not moved to the end');
      assert.equal(await back.locator('#composer textarea').isDisabled(), true, 'the stored transcript of an ended chat, read-only');
      await wb.screenshot('conversation-restored-after-reload');
    });
  }
});
