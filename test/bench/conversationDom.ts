/**
 * The conversation panel on its real path, drawn in a real browser engine: the sandbox pushes an
 * item on the customer's WebSocket → LiveChat merges it into the chat record → the host's
 * ConversationState is rebuilt (buildConversation, as ConversationSession.push does after a
 * microtask) → posted to the page → the webview bundle (dist/webview/conversation/main.js with
 * @vscode-elements and the codicons, under the same strict CSP as in VS Code) draws it.
 *
 * What differs from VS Code: the page is served by a small HTTP server and loaded in Chromium
 * (/usr/bin/chromium through Playwright) instead of VS Code's webview iframe, and the state is
 * posted with window.postMessage through the DevTools protocol (as JSON text, then parsed in the
 * page, as VS Code's IPC carries it) instead of VS Code's webview IPC.
 * "Drawn" is the first animation frame after the entry's node entered the DOM, reported back to
 * Node (so the figure includes that trip back as well).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openSession } from '../../src/core/aws/session';
import { buildConversation } from '../../src/core/chat/conversationView';
import { prepareLaunch } from '../../src/core/chat/launch';
import { LiveChat } from '../../src/core/chat/liveChat';
import type { ChatRecord } from '../../src/core/chat/types';
import { DEMO_FLOWS, DEMO_INSTANCE_ALIAS, DEMO_INSTANCE_ID, startSandboxWithFlows } from '../../src/sandbox';
import { DEMO_CONCIERGE_QUEUE_ID } from '../../src/sandbox/catalog';
import { pollUntil } from '../support/wait';
import type { Figure } from './support';

const root = resolve(__dirname, '../../..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** Serves dist/webview and media (what localResourceRoots allows) and the page itself. */
function serve(): Promise<{ server: Server; base: string; page: () => string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (path === '/panel.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html());
      return;
    }
    if (!/^\/(dist\/webview|media)\/[\w./-]+$/.test(path) || path.includes('..')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(join(root, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  let base = '';
  // The same shell as src/extension/webviewHtml.ts: the CSP, the codicon stylesheet with its id,
  // the page's stylesheet, one nonce'd script. The inline script stands in for VS Code's
  // acquireVsCodeApi (it relays the webview's messages to Node).
  const html = (): string => {
    const nonce = randomBytes(18).toString('base64');
    const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${base} 'nonce-${nonce}'; font-src ${base}`;
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${base}/dist/webview/codicons/codicon.css" nonce="${nonce}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${base}/media/conversation.css" nonce="${nonce}">
<script nonce="${nonce}">
let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__toHost(m), getState: () => state, setState: (s) => { state = s; } });
const expect = new Map();
const check = () => {
  for (const [key, count] of expect) {
    if (key === '*' ? document.querySelectorAll('#log [data-key]').length >= count : document.querySelector('[data-key="' + CSS.escape(key) + '"]')) {
      expect.delete(key);
      requestAnimationFrame(() => window.__drawn(key));
    }
  }
};
window.__expectDrawn = (key, count) => { expect.set(key, count); check(); };
new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
</script></head><body><div id="app" aria-busy="true"><p class="loading">Loading the conversation…</p></div>
<script nonce="${nonce}" src="${base}/dist/webview/conversation/main.js"></script></body></html>`;
  };
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      r({ server, base, page: () => `${base}/panel.html` });
    }),
  );
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** One panel page wired to a chat record the way ConversationSession is. */
async function openPanel(browser: Browser, record: () => ChatRecord, onChange: (l: () => void) => () => void) {
  const page: Page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  page.on('pageerror', (e) => console.error(`[panel] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.error(`[panel console] ${m.text()}`);
  });
  const drawnWaiters = new Map<string, (t: number) => void>();
  await page.exposeFunction('__drawn', (key: string) => drawnWaiters.get(key)?.(performance.now()));
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  let pushing = false;
  const push = (): void => {
    if (pushing) return;
    pushing = true;
    queueMicrotask(() => {
      pushing = false;
      const state = buildConversation(record(), { trusted: true, utcOffsetMinutes: 0 });
      // As JSON text, as VS Code carries a webview message from the extension host (Playwright's
      // own encoding of an object argument costs several times what that does at 1,000 items).
      const json = JSON.stringify({ type: 'state', state });
      void page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(JSON.parse(m), '*'), json).catch(() => undefined);
    });
  };
  await page.exposeFunction('__toHost', (m: { type?: string }) => {
    if (m.type === 'ready') {
      ready();
      push();
    }
  });
  const off = onChange(push);
  /** Resolves with the time (performance.now in Node) the entry `key` ('*': `count` entries) was drawn. */
  const drawn = async (key: string, count = 0): Promise<number> => {
    const p = new Promise<number>((r, reject) => {
      const timer = setTimeout(() => reject(new Error(`entry ${key} was not drawn within 15 s`)), 15_000);
      drawnWaiters.set(key, (t) => (clearTimeout(timer), r(t)));
    });
    await page.evaluate(([k, n]) => (globalThis as unknown as { __expectDrawn(k: string, n: number): void }).__expectDrawn(k, n), [key, count] as const);
    return p;
  };
  return { page, readyP, drawn, close: async () => (off(), await page.close()) };
}

export async function domBench(): Promise<Figure[]> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.CHATREQ_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  // The Concierge Desk with an echo agent that joins at once and never leaves (the demo's Sam leaves after two replies).
  const sb = await startSandboxWithFlows({ agents: { [DEMO_CONCIERGE_QUEUE_ID]: { name: 'Sam', joinAfterSeconds: 0, replies: 'echo' } } });
  const session = await openSession({ connection: { kind: 'sandbox' }, sandboxEndpoint: sb.url, maxAttempts: 3 });
  const http = await serve();
  const logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  try {
    const p = prepareLaunch({
      text: JSON.stringify({ InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.concierge, ParticipantDetails: { DisplayName: 'Ada Tester' }, SupportedMessagingContentTypes: ['text/plain', 'application/vnd.amazonaws.connect.message.interactive'] }),
      env: {},
    });
    if (!p.ok) throw new Error(p.message);
    const chat = await LiveChat.launch(
      { session, logger },
      { input: p.input, clientToken: p.clientToken, origin: { connectionKey: 'sandbox', connectionLabel: 'Sandbox', region: 'us-east-1', instanceId: DEMO_INSTANCE_ID, instanceAlias: DEMO_INSTANCE_ALIAS, contactFlowId: DEMO_FLOWS.concierge } },
    );
    const menu = await pollUntil(() => chat.record.transcript.find((i) => i.ContentType.endsWith('.interactive')), 'the menu', 10_000);
    await chat.choose(menu.Id, 'Talk to an agent');
    const contactId = chat.record.contactId!;
    await pollUntil(() => chat.record.state === 'agent', 'Sam to join', 10_000);
    const panel = await openPanel(browser, () => chat.record, (l) => chat.onChange(l));
    await panel.page.goto(http.page());
    await panel.readyP;
    if (process.env.CHATREQ_BENCH_SHOT) await panel.drawn('*', 3).then(() => panel.page.screenshot({ path: process.env.CHATREQ_BENCH_SHOT }));

    // 1. Item on the socket → drawn, one agent message at a time.
    const samples: number[] = [];
    for (let i = 0; i < 80; i++) {
      const t0 = performance.now();
      const { id } = sb.agentSend(contactId, `Bench line ${i}: a short agent message with a few words.`);
      const t1 = await panel.drawn(id);
      if (i >= 10) samples.push(t1 - t0);
    }
    await panel.close();

    // Fill the transcript to 1,000 items through the sandbox (agent and customer messages).
    const shown = () => chat.record.transcript.filter((x) => x.Type === 'MESSAGE' || x.Type === 'EVENT').length;
    for (let n = 0; shown() < 1000; n++) {
      // Every 10th line is the customer's (the echo agent answers it), the others the agent's.
      if (n % 10 === 0) await chat.reply(`Customer line ${n}`);
      else sb.agentSend(contactId, n % 7 === 0 ? `**Bold** and a [link](https://example.com/${n}) in line ${n}` : `Agent line ${n}`);
      if (n % 20 === 0) await pollUntil(() => chat.record.transcript.some((x) => x.Content?.endsWith(`line ${n}`)), `line ${n}`, 10_000);
    }
    const frozen = structuredClone(chat.record);
    const entries = buildConversation(frozen, { trusted: true }).entries.filter((e) => e.kind !== 'day').length;

    // 2. Opening a panel on the 1,000-item transcript: page load → ready → state → all drawn.
    const opens: number[] = [];
    const afterReady: number[] = [];
    for (let i = 0; i < 7; i++) {
      const view = await openPanel(browser, () => frozen, () => () => undefined);
      const t0 = performance.now();
      const all = new Promise<number>((r) => {
        void view.readyP.then(() => {
          const tr = performance.now();
          afterReady.push(NaN);
          void view.drawn('*', entries).then((t) => {
            afterReady[afterReady.length - 1] = t - tr;
            r(t);
          });
        });
      });
      await view.page.goto(http.page());
      opens.push((await all) - t0);
      await view.close();
    }
    chat.dispose();
    return [
      { name: `item on the WebSocket → drawn in the panel DOM, p50 (${samples.length} items)`, value: percentile(samples, 50), unit: 'ms' },
      { name: `item on the WebSocket → drawn in the panel DOM, p95 (target ≤ 50)`, value: percentile(samples, 95), unit: 'ms' },
      { name: `open a ${entries}-entry transcript: page load → all drawn, median (target ≤ 300)`, value: percentile(opens, 50), unit: 'ms' },
      { name: `open a ${entries}-entry transcript: ready → all drawn, median`, value: percentile(afterReady, 50), unit: 'ms' },
    ];
  } finally {
    session.dispose();
    await sb.close();
    http.server.close();
    await browser.close();
  }
}
