import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { SCALAR_FIELDS } from '../../src/core/request/formProtocol';
import { openFile, openWorkbench, runCommand, type Workbench } from './workbench';

/** The request form's document frame (webviews nest an iframe in an iframe), once it has rendered. */
async function formFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (await f.$('body[data-version] #f-ParticipantDetails-DisplayName').catch(() => null)) return f;
    }
    if (Date.now() > deadline) throw new Error(`the request form never rendered; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
    await page.waitForTimeout(250);
  }
}

/** The little of the webview's DOM the tests read inside the page (the tests compile without the DOM types). */
interface PageDocument {
  activeElement: unknown;
  getElementById(id: string): { value: string; selectionStart: number | null; selectionEnd: number | null } | null;
}
interface PageElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): { textContent: string | null } | null;
}

/** Shows form.chatreq.json in the request form as a person would: open the file, then the form. */
async function showForm(page: Page): Promise<Frame> {
  await openFile(page, 'form.chatreq.json');
  // Quick Open brings back whichever editor of the file was in front last: the text editor (then
  // open the form from it) or the form itself (then the palette does not offer the command).
  const text = page.locator('.part.editor .monaco-editor .view-lines').filter({ visible: true }).first();
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (await text.isVisible()) {
      await runCommand(page, 'Chatreq: Open Request Form');
      return formFrame(page);
    }
    for (const f of page.frames()) {
      if (await f.$('body[data-version] #f-ParticipantDetails-DisplayName').catch(() => null)) return f;
    }
    if (Date.now() > deadline) throw new Error('neither the text editor nor the request form came to the front');
    await page.waitForTimeout(250);
  }
}

describe('request form in the workbench (Chatreq installed from its .vsix)', function () {
  let wb: Workbench;
  let file: string;

  before(async () => {
    wb = await openWorkbench();
    file = path.join(wb.workspace, 'forms', 'form.chatreq.json');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.screenshot(`request-form-failed-${this.currentTest.title.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  after(async () => {
    await wb?.close();
  });

  it('opens from the palette and writes what is typed into the file', async () => {
    const { page } = wb;
    await openFile(page, 'form.chatreq.json');
    await page.locator('.monaco-editor .view-lines', { hasText: 'Form Customer' }).waitFor({ timeout: 30_000 });
    await runCommand(page, 'Chatreq: Open Request Form');
    const form = await formFrame(page);

    const name = form.locator('#f-ParticipantDetails-DisplayName');
    assert.equal(await name.inputValue(), 'Form Customer', 'the form shows the file');
    assert.equal(await form.locator('label[for="f-ParticipantDetails-DisplayName"]').innerText(), 'Display name');
    assert.equal(await form.locator('#f-Attributes-0-').inputValue(), 'customerTier');
    assert.equal(await form.locator('#f-ct-text-plain').isChecked(), true);
    await name.fill('Typed In Form');
    // Slower than the form's typing delay: every key is sent and echoed back while typing goes on,
    // and none of the echoes may undo a key typed after it.
    await name.press('End');
    await name.pressSequentially(' Slowly', { delay: 300 });
    assert.equal(await name.inputValue(), 'Typed In Form Slowly');
    await name.press('Tab');
    // The typing reached the document when its tab turns dirty.
    await page.locator('.editor-group-container .tab.dirty').first().waitFor({ timeout: 20_000 });
    await wb.screenshot('request-form');

    await page.keyboard.press('Control+S'); // the webview passes the save keybinding to the workbench
    const deadline = Date.now() + 20_000;
    while (!fs.readFileSync(file, 'utf8').includes('"Typed In Form Slowly"') && Date.now() < deadline) await page.waitForTimeout(250);
    const saved = fs.readFileSync(file, 'utf8');
    assert.ok(saved.includes('"ParticipantDetails": { "DisplayName": "Typed In Form Slowly" }'), saved);
    assert.ok(saved.includes('"SegmentAttributes": { "connect:Subtype"'), 'members the form does not show are kept');
    // Both editors on the file (text and form) report it saved.
    await page.locator('.editor-group-container .tab.dirty').first().waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('shows the syntax error banner and turns read-only while the JSON is broken', async () => {
    const { page } = wb;
    const good = fs.readFileSync(file, 'utf8');
    // Write only once no editor on the file has unsaved changes or a save in flight (a write during
    // a save would look like a save conflict): the event the write waits on, not a guessed delay.
    await page.locator('.editor-group-container .tab.dirty').first().waitFor({ state: 'detached', timeout: 20_000 });
    fs.writeFileSync(file, good.replace('"InstanceId":', '"InstanceId"'));
    const form = await formFrame(page);
    const banner = form.locator('.banner.error');
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await banner.innerText(), /not valid JSON at line 2, column \d+/);
    assert.equal(await form.locator('#f-ParticipantDetails-DisplayName').isDisabled(), true);
    assert.equal(await form.locator('#f-ParticipantDetails-DisplayName').inputValue(), 'Typed In Form Slowly', 'the last valid values stay on screen');
    await wb.screenshot('request-form-syntax-error');
    fs.writeFileSync(file, good);
    await banner.waitFor({ state: 'hidden', timeout: 30_000 });
    assert.equal(await form.locator('#f-ParticipantDetails-DisplayName').isDisabled(), false);
  });

  it('"Chatreq: Open Request as Text" shows the same file in the text editor', async () => {
    const { page } = wb;
    await runCommand(page, 'Chatreq: Open Request as Text');
    await page.locator('.monaco-editor .view-lines', { hasText: 'Typed In Form' }).waitFor({ timeout: 30_000 });
    await wb.screenshot('request-form-back-to-text');
  });

  it('keeps the last valid values on screen when the JSON broke while the form was hidden', async () => {
    const { page } = wb;
    const saved = (JSON.parse(fs.readFileSync(file, 'utf8')) as { ParticipantDetails: { DisplayName: string } }).ParticipantDetails.DisplayName;
    await showForm(page);
    // The text editor in front: the form is a hidden tab of the same group (its webview is unloaded).
    await runCommand(page, 'Chatreq: Open Request as Text');
    const text = page.locator('.monaco-editor .view-lines', { hasText: saved });
    await text.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('#');
    await page.locator('.editor-group-container .tab.dirty').first().waitFor({ timeout: 20_000 });

    await runCommand(page, 'Chatreq: Open Request Form');
    const form = await formFrame(page);
    const banner = form.locator('.banner.error');
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
    const name = form.locator('#f-ParticipantDetails-DisplayName');
    assert.equal(await name.inputValue(), saved, 'the last valid values are shown');
    assert.equal(await name.isDisabled(), true);
    assert.match(await banner.innerText(), /not valid JSON at line 1, column 1.*shows the last version that was valid/s);
    assert.equal(await form.locator('#f-Attributes-0-').inputValue(), 'customerTier');
    assert.equal(await form.locator('#f-ct-text-plain').isChecked(), true);
    await wb.screenshot('request-form-broken-while-hidden');

    // Take the typed character back in the text editor; the file is as saved again.
    await runCommand(page, 'Chatreq: Open Request as Text');
    await text.click();
    await page.keyboard.press('Control+Z');
    await page.locator('.editor-group-container .tab.dirty').first().waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('Add attribute puts the caret in the new key with its text selected, so typing names it', async () => {
    const { page } = wb;
    const form = await showForm(page);
    await form.locator('.banner.error').waitFor({ state: 'hidden', timeout: 30_000 });
    const rows = await form.locator('table.attributes input[id^="f-Attributes-"]').count();
    await form.locator('#add-attribute').click();
    const id = `f-Attributes-${rows}-`;
    const key = form.locator(`#${id}`);
    await key.waitFor({ timeout: 20_000 });
    // Wait (with a deadline) until the new row's key has the focus and all of its text is selected.
    await form.waitForFunction(
      (keyId) => {
        const doc = (globalThis as unknown as { document: PageDocument }).document;
        const el = doc.getElementById(keyId);
        return el !== null && doc.activeElement === el && el.value.length > 0 && el.selectionStart === 0 && el.selectionEnd === el.value.length;
      },
      id,
      { timeout: 10_000 },
    );
    await page.keyboard.type('orderId');
    assert.equal(await key.inputValue(), 'orderId', 'typing replaced the placeholder key');
    await key.press('Tab');
    await page.locator('.editor-group-container .tab.dirty').first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + 20_000;
    while (!fs.readFileSync(file, 'utf8').includes('"orderId": ""') && Date.now() < deadline) await page.waitForTimeout(250);
    assert.ok(fs.readFileSync(file, 'utf8').includes('"orderId": ""'), fs.readFileSync(file, 'utf8'));
    await page.locator('.editor-group-container .tab.dirty').first().waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('labels every field in plain words with its StartChatContact member name beside it', async () => {
    const form = await showForm(wb.page);
    const shown = await form.locator('[data-member]').evaluateAll((els: unknown[]) => {
      const page = globalThis as unknown as { document: { body: unknown }; getComputedStyle(el: unknown): { fontFamily: string } };
      return (els as PageElement[]).map((el) => ({
        member: el.getAttribute('data-member'),
        label: el.querySelector('.label-text')?.textContent?.trim() ?? '',
        code: el.querySelector('code.member')?.textContent ?? '',
        font: page.getComputedStyle(el.querySelector('code.member') ?? el).fontFamily,
        bodyFont: page.getComputedStyle(page.document.body).fontFamily,
      }));
    });
    const expected = [...SCALAR_FIELDS, 'Attributes', 'InitialMessage', 'SupportedMessagingContentTypes', 'DisconnectOnCustomerExit'];
    assert.deepEqual(shown.map((s) => s.member).sort(), [...expected].sort(), 'every field and member section is labelled');
    for (const s of shown) {
      assert.equal(s.code, s.member, `${s.member}: the member name is shown`);
      assert.ok(s.label && s.label !== s.member && !/[a-z][A-Z]/.test(s.label), `${s.member}: "${s.label}" is a plain label`);
      assert.notEqual(s.font, s.bodyFont, `${s.member}: the member name is set in the editor's (monospace) font`);
    }
    assert.equal(await form.locator('label[for="f-ContactFlowId"]').innerText(), 'Flow');
    await wb.screenshot('request-form-labels');
  });

  it('shows the instance alias and the flow name under their IDs once the account knows them', async () => {
    const { page } = wb;
    const form = await showForm(page);
    const instanceName = form.locator('#f-InstanceId-name');
    const flowName = form.locator('#f-ContactFlowId-name');
    // Focusing the ID fields loads their suggestions (the sandbox account), as it does for a person.
    const instance = form.locator('#f-InstanceId');
    await instance.fill('5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58');
    await instance.press('Tab');
    await form.locator('#f-InstanceId-name:not([hidden])', { hasText: 'chatreq-demo' }).waitFor({ timeout: 30_000 });
    const flow = form.locator('#f-ContactFlowId');
    await flow.fill('0c6a3f51-7d2e-4b8a-9f14-6e2d3c8b1a07');
    await flow.press('Tab');
    await form.locator('#f-ContactFlowId-name:not([hidden])', { hasText: 'Support Bot' }).waitFor({ timeout: 30_000 });
    await wb.screenshot('request-form-names');
    // An ID the account does not have: nothing extra is said.
    await flow.fill('00000000-0000-0000-0000-000000000000');
    await flow.press('Tab');
    await flowName.waitFor({ state: 'hidden', timeout: 30_000 });
    assert.equal(await flowName.innerText(), '');
    assert.match(await instanceName.innerText(), /chatreq-demo/);
  });
});

describe('request form in restricted mode (untrusted workspace)', function () {
  let wb: Workbench;

  before(async () => {
    // Trust on, no startup question: the folder simply stays untrusted.
    wb = await openWorkbench({ settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } });
    try {
      await wb.page.locator('.statusbar-item', { hasText: /Restricted Mode/i }).first().waitFor({ timeout: 60_000 });
    } catch (e) {
      await wb.screenshot('request-form-restricted-mode-failed-start');
      throw e;
    }
  });

  after(async () => {
    await wb?.close();
  });

  it('edits the file; Launch is off and Pick… lists with user settings only, as the banner says', async () => {
    const { page } = wb;
    await openFile(page, 'form.chatreq.json');
    await runCommand(page, 'Chatreq: Open Request Form');
    const form = await formFrame(page);
    const pick = form.locator('#f-InstanceId-pick');
    assert.equal(await pick.isDisabled(), false, 'reading the account is allowed in Restricted Mode (user settings only)');
    assert.match((await pick.getAttribute('title')) ?? '', /Restricted Mode: with your user settings only/);
    assert.equal(await form.locator('#launch').isDisabled(), true);
    assert.match(await form.locator('.banner.info').innerText(), /^Restricted Mode: the form edits the file as usual/);
    const name = form.locator('#f-ParticipantDetails-DisplayName');
    assert.equal(await name.isDisabled(), false, 'editing still works');
    await name.fill('Restricted Edit');
    await name.press('Tab');
    await page.keyboard.press('Control+S');
    const file = path.join(wb.workspace, 'forms', 'form.chatreq.json');
    const deadline = Date.now() + 20_000;
    while (!fs.readFileSync(file, 'utf8').includes('"Restricted Edit"') && Date.now() < deadline) await page.waitForTimeout(250);
    assert.ok(fs.readFileSync(file, 'utf8').includes('"DisplayName": "Restricted Edit"'));
    await wb.screenshot('request-form-restricted-mode');
  });
});
