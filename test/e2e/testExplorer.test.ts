/**
 * Conversation tests in VS Code's Testing view, in the real workbench with Chatreq installed from
 * its .vsix: the discovered test with its steps, a run from the view, and the failing step's
 * message at the step (inline and in the peek, expected against actual), with a screenshot that
 * shows no token, and Open Conversation on the failure showing the run's chat.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { findSecrets } from '../support/secretScan';
import { conversationFrame, openFile, openWorkbench, runCommand, type Workbench } from './workbench';

const REQUEST = `${JSON.stringify(
  {
    InstanceId: '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58',
    ContactFlowId: '0c6a3f51-7d2e-4b8a-9f14-6e2d3c8b1a07',
    ParticipantDetails: { DisplayName: 'Ada Tester' },
  },
  null,
  2,
)}\n`;

const TEST = `${JSON.stringify(
  {
    name: 'order status asks for a name',
    request: './support.chatreq.json',
    timeoutSeconds: 2,
    steps: [{ expect: 'How can I help' }, { say: 'where is my order' }, { expect: { equals: 'What is your name?' } }, { expectEnded: true }],
  },
  null,
  2,
)}\n`;

const testing = (page: Page) => page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: /test explorer/i }) });

/** A row of the Test Explorer tree, expanded (through its twistie) unless it is already. */
async function expandRow(page: Page, text: string): Promise<void> {
  const row = testing(page).locator('.monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 60_000 });
  const expanded = testing(page).locator('.monaco-list-row[aria-expanded="true"]', { hasText: text }).first();
  for (let attempt = 0; attempt < 3 && !(await expanded.isVisible()); attempt++) {
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    await expanded.waitFor({ timeout: 5000 }).catch(() => undefined);
  }
  await expanded.waitFor({ timeout: 5000 });
}

/** Every text the page shows: the workbench and each (webview) frame. */
async function shownText(page: Page): Promise<string> {
  const parts: string[] = [];
  for (const f of page.frames()) parts.push(await f.locator('body').innerText().catch(() => ''));
  return parts.join('\n');
}

describe('Conversation tests in the Testing view (Chatreq installed from its .vsix)', function () {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ files: { 'support.chatreq.json': REQUEST, 'orders.chattest.json': TEST } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.screenshot(`test-explorer-failed-${this.currentTest.title.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  after(async () => {
    await wb?.close();
  });

  it('shows the test with its steps, runs it, and shows the failing step with expected and actual', async () => {
    const { page } = wb;
    // The test file in an editor, so the failure is shown in it (peek and inline message).
    await openFile(page, 'orders.chattest.json');
    await runCommand(page, 'View: Show Testing');
    await expandRow(page, 'orders.chattest.json');
    await expandRow(page, 'order status asks for a name');
    for (const step of ['1. expect "How can I help"', '2. say "where is my order"', '3. expect "What is your name?"', '4. expectEnded']) {
      await testing(page).locator('.monaco-list-row', { hasText: step }).first().waitFor({ timeout: 30_000 });
    }
    const testRow = testing(page).locator('.monaco-list-row', { hasText: 'order status asks for a name' }).first();
    await testRow.hover();
    await testRow.locator('.action-label[aria-label="Run Test"]').click();

    // The failure shows inline at the step's line in the editor (actual != expected); a click on it
    // opens the peek with the message and a diff of expected against actual.
    // The widget can be attached before its text is drawn: wait for the text itself.
    const inline = page.locator('.editor-group-container .test-error-content-widget .content', { hasText: /order number\?" != a message equa/ }).first();
    await inline.waitFor({ timeout: 60_000 });
    assert.match(await inline.innerText(), /order number\?" != a message equa/);
    // At the failing step's line (line 12 of the file: its opening brace).
    const lineOf = async (el: typeof inline) => el.evaluate((e: unknown) => Math.round((e as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top));
    const next = page.locator('.editor-group-container .view-lines .view-line', { hasText: '"expect": {' }).first();
    const delta = (await lineOf(next)) - (await lineOf(inline));
    assert.ok(delta > 10 && delta < 30, `the message is one line above '"expect": {', on the step's first line (${delta}px above it)`);
    await inline.click();
    const peek = page.locator('.editor-group-container .peekview-widget');
    await peek.waitFor({ timeout: 30_000 });
    await peek.locator('.view-lines', { hasText: 'a message equal to "What is your name?"' }).first().waitFor({ timeout: 30_000 });
    await peek.locator('.view-lines', { hasText: 'Sure. What is your order number?' }).first().waitFor({ timeout: 30_000 });
    // The tree marks the test and the step as failed, the steps before as passed.
    await testing(page).locator('.monaco-list-row', { hasText: '3. expect "What is your name?"' }).locator('.codicon-testing-failed-icon').waitFor({ timeout: 30_000 });
    await testing(page).locator('.monaco-list-row', { hasText: '1. expect "How can I help"' }).locator('.codicon-testing-passed-icon').waitFor({ timeout: 30_000 });

    const file = await wb.screenshot('test-explorer-failed-step');
    assert.ok(file.endsWith('.png'));
    // What the screenshot shows holds no token: no access key, bearer token, JWT or token value,
    // and no long base64 run like the participant and connection tokens.
    const text = await shownText(page);
    assert.match(text, /What is your name\?/, 'the scanned text is the one on screen');
    assert.deepEqual(findSecrets(text, []), []);
    assert.deepEqual(text.match(/[A-Za-z0-9+/]{64,}={0,2}/g) ?? [], [], 'a token-like run of base64 is on screen');

    // The failure links to the run's chat: Open Conversation on the message opens its conversation.
    // (The button floats over the peek's message, in the editor's overlay layer.)
    const openChat = page.locator('.editor-group-container').getByText('Open Conversation', { exact: true }).first();
    await openChat.waitFor({ timeout: 30_000 });
    await openChat.click();
    const frame = await conversationFrame(page);
    await frame.locator('#log', { hasText: 'Sure. What is your order number?' }).waitFor({ timeout: 30_000 });
    await frame.locator('#log', { hasText: 'where is my order' }).waitFor({ timeout: 30_000 });
    // Its title bar offers to save the chat as a conversation test.
    await page.locator('.editor-group-container .editor-actions .action-label[aria-label="Save as Conversation Test"]').first().waitFor({ timeout: 30_000 });
    await wb.screenshot('test-explorer-open-conversation');
  });

  it('offers "Run against Sandbox (offline)" next to Run in the Testing view', async () => {
    const { page } = wb;
    await runCommand(page, 'View: Show Testing');
    const dropdown = page.locator('.part.sidebar .title-actions .monaco-dropdown-with-primary .dropdown-action-container .action-label').first();
    await dropdown.waitFor({ timeout: 30_000 });
    await dropdown.click();
    const menu = page.locator('.monaco-menu .action-label');
    await menu.filter({ hasText: 'Run against Sandbox (offline)' }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('test-explorer-run-against');
    await page.keyboard.press('Escape');
  });
});
