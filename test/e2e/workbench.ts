/**
 * A real VS Code workbench in Chromium with Chatreq installed from its .vsix (no test hooks, as a
 * user would have it), plus the few Playwright moves every e2e test needs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';

export const root = path.resolve(__dirname, '../../..');
export const screenshotDir = path.join(root, 'test-results', 'screenshots');

interface CodeServerHandle {
  url: string;
  port: number;
  extensionsDir: string;
  paths: { chromium: string };
  stop(): Promise<void>;
  readonly log: string;
}
interface CodeServerModule {
  startCodeServer(o: object): Promise<CodeServerHandle>;
  launchBrowser(paths: object): Promise<Browser>;
  workbenchUrl(server: CodeServerHandle, folder: string): string;
}

export interface Workbench {
  page: Page;
  server: CodeServerHandle;
  workspace: string;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * `files`: the workspace's files (relative path → content) instead of test/fixtures/workspace.
 */
export async function openWorkbench(o: { settings?: object; env?: Record<string, string>; files?: Record<string, string> } = {}): Promise<Workbench> {
  const vsix = process.env.CHATREQ_VSIX ?? path.join(root, 'chatreq.vsix');
  if (!fs.existsSync(vsix)) throw new Error(`no .vsix at ${vsix}: run 'npm run package' first`);
  const cs = (await import(path.join(root, 'test/support/codeServer.mjs'))) as CodeServerModule;
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'chatreq-e2e-ws-'));
  if (o.files) {
    for (const [rel, text] of Object.entries(o.files)) {
      fs.mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
      fs.writeFileSync(path.join(workspace, rel), text);
    }
  } else {
    fs.cpSync(path.join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
  }
  const server = await cs.startCodeServer({ installVsix: [vsix], settings: o.settings, env: o.env });
  const browser = await cs.launchBrowser(server.paths);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(cs.workbenchUrl(server, workspace));
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
  fs.mkdirSync(screenshotDir, { recursive: true });
  return {
    page,
    server,
    workspace,
    async screenshot(name) {
      const file = path.join(screenshotDir, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** The Chatreq entry in the activity bar (extensions register after the first paint: wait). */
export async function openChatreqContainer(page: Page): Promise<void> {
  const entry = page.locator('.activitybar .action-item a[aria-label^="Chatreq"]');
  await entry.waitFor({ timeout: 60_000 });
  const title = page.locator('.part.sidebar .title-label h2', { hasText: /chatreq/i });
  // Clicking the entry of the container already shown would hide the sidebar.
  if (!(await title.isVisible())) await entry.click();
  await title.waitFor({ timeout: 30_000 });
}

/** Runs a command by its palette title ("Chatreq: Show Log"), retrying while commands register. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`command '${title}' never appeared in the command palette`);
    }
  }
}

/** Opens a workspace file in an editor through Quick Open, as a person would. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(name);
  // Click the file's row rather than pressing Enter: until the filter applies, the list still shows
  // the recently opened files, and Enter would open whichever of them is first.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click({ timeout: 30_000 });
  // .first(): the same file may be open in more than one editor group.
  await page.locator('.editor-group-container .tab.active', { hasText: name }).first().waitFor({ timeout: 30_000 });
}

/**
 * Waits for a line of the Output panel matching `pattern`, using the panel's filter box (the
 * panel only renders the lines in view) with `filter` as the text to filter on.
 */
export async function outputShows(page: Page, filter: string, pattern: RegExp): Promise<void> {
  // Other panel views (Problems, Debug Console) have filter boxes too, hidden while Output shows.
  const box = page.locator('.part.panel .viewpane-filter input, .part.panel input[placeholder^="Filter"]').filter({ visible: true }).first();
  await box.waitFor({ timeout: 30_000 });
  await box.fill(filter);
  try {
    await page.locator('.part.panel .monaco-editor .view-lines', { hasText: pattern }).waitFor({ timeout: 30_000 });
  } finally {
    await box.fill('');
  }
}

/**
 * Runs "Chatreq: Show Log" and waits for the Output panel's filter box. The palette can list the
 * command while the extension is still activating; a run that opened no panel is tried again
 * (three tries, each waiting on the panel with its own deadline).
 */
export async function showLog(page: Page): Promise<void> {
  const box = page.locator('.part.panel .viewpane-filter input, .part.panel input[placeholder^="Filter"]').filter({ visible: true }).first();
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Chatreq: Show Log');
    try {
      await box.waitFor({ timeout: 10_000 });
      return;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

/**
 * The document frame of a conversation panel (webviews nest an iframe in an iframe) once it has
 * drawn a chat; `accept` picks among several (by their contact ID).
 */
export async function conversationFrame(page: Page, accept: (contactId: string) => boolean = () => true, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      const contact = await f
        .$('body[data-entries] #log[role="log"]')
        .then(async (el) => (el ? await f.locator('.contact').innerText() : undefined))
        .catch(() => undefined);
      if (contact !== undefined && contact !== '—' && accept(contact)) return f;
    }
    if (Date.now() > deadline) throw new Error(`no conversation panel rendered; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
    await page.waitForTimeout(250);
  }
}
