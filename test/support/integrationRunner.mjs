// Runs out/test/integration/index.js inside a real VS Code extension host (offline code-server +
// Chromium), the same way VS Code's own browser integration tests do: the workbench loads the
// extension under development and the tests module, awaits its run(), and reports the outcome
// through window.codeAutomationExit. Mocha's output arrives through codeAutomationLog.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, remoteUri, startCodeServer, workbenchUrl } from './codeServer.mjs';

const MARK = '[chatreq-test] ';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * @param {{ resultsFile?: string, grep?: string, testsModule?: string, env?: Record<string,string>,
 *           timeoutMs?: number, onLog?: (line: string) => void, settings?: object, fixture?: string,
 *           emptyWorkspace?: boolean }} o
 *   fixture: the folder copied as the workspace (default test/fixtures/workspace)
 * @returns {Promise<number>} the exit code the workbench reported
 */
export async function runIntegration(o = {}) {
  const workspace = mkdtempSync(join(tmpdir(), 'chatreq-ws-'));
  if (o.emptyWorkspace !== true) cpSync(join(root, o.fixture ?? 'test/fixtures/workspace'), workspace, { recursive: true });
  const server = await startCodeServer({
    smokeTestDriver: true,
    settings: o.settings,
    // The tests decide the AWS setup (none, unless a test writes temp AWS files): nothing of this
    // machine's AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_CONFIG_FILE ... reaches the extension host.
    dropEnv: ['AWS_'],
    env: {
      CHATREQ_RESULTS_FILE: o.resultsFile ?? '',
      CHATREQ_TEST_GREP: o.grep ?? '',
      CHATREQ_TEST_WORKSPACE: workspace,
      CHATREQ_ROOT: root,
      ...(o.env ?? {}),
    },
  });
  let browser;
  try {
    browser = await launchBrowser(server.paths);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const print = o.onLog ?? ((line) => console.log(line));
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      // Keep the lines the tests module marked (mocha, our logs); drop workbench noise.
      const at = text.indexOf(MARK);
      if (at >= 0) {
        print(text.slice(at + MARK.length));
      } else if (process.env.CHATREQ_DEBUG_WORKBENCH) {
        print(`[workbench:${type}] ${text}`);
      }
    });
    const testsModule = o.testsModule ?? join(root, 'out/test/integration/index.js');
    const url = workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', remoteUri(server, root)],
      ['extensionTestsPath', remoteUri(server, testsModule)],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(url);
    const timeoutMs = o.timeoutMs ?? 10 * 60_000;
    const code = await Promise.race([
      exited,
      new Promise((_, rej) => setTimeout(() => rej(new Error(`the extension host did not finish within ${timeoutMs / 1000} s`)), timeoutMs).unref()),
    ]);
    return code;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}
