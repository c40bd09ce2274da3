/** Tests-module for the activation benchmark: activates Chatreq once in a fresh extension host. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

type Result =
  | { ms: number | null; loadMs: number | null; activateMs: number; featuresLoaded: boolean; activatedBefore: string[] }
  | { error: string };

function report(result: Result): void {
  if (process.env.CHATREQ_BENCH_OUT) fs.writeFileSync(process.env.CHATREQ_BENCH_OUT, JSON.stringify(result));
}

/**
 * What the extension host logged about activating Chatreq (the activation event that did it),
 * from the logs under the server's user-data folder (test/support/codeServer.mjs puts it in HOME).
 */
function activationLogLines(): string[] {
  const logs = path.join(process.env.HOME ?? '', 'user-data', 'logs');
  const lines: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/exthost/i.test(e.name) && e.name.endsWith('.log')) {
        lines.push(...fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.includes('chatreq.chatreq') && /activat/i.test(l)));
      }
    }
  };
  walk(logs);
  return lines.map((l) => l.replace(/^\S+ \S+ /, '').trim());
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('chatreq.chatreq');
  if (!ext) throw new Error('chatreq.chatreq not found');
  // The workbench of a fresh window opens a JSON model of its own at startup (no document the
  // extension host sees), which fires onLanguage:json: in some runs that activates Chatreq before
  // this module runs. activate() measured itself (activationMs) and still counts; the load and
  // the all-in time cannot be timed then (null), and the host's log line says what activated it.
  if (ext.isActive) {
    const api = ext.exports as { activationMs: number; featuresLoaded: boolean };
    report({ ms: null, loadMs: null, activateMs: api.activationMs, featuresLoaded: api.featuresLoaded, activatedBefore: activationLogLines() });
    return;
  }
  // Loading the bundle (parse + module top level), then activate() itself.
  const main = require.resolve(path.join(ext.extensionPath, (ext.packageJSON as { main: string }).main));
  // The host may have started loading the bundle for an activation event already; then the load
  // cannot be timed here (null), though activate() still can.
  const loadedBefore = require.cache[main] !== undefined;
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(main);
  const loadMs = loadedBefore ? null : performance.now() - t0;
  const api = (await ext.activate()) as { activationMs: number; featuresLoaded: boolean };
  // When the host was already loading the bundle, its log says which activation event started it.
  report({ ms: performance.now() - t0, loadMs, activateMs: api.activationMs, featuresLoaded: api.featuresLoaded, activatedBefore: loadedBefore ? activationLogLines() : [] });
}
