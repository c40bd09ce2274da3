/** Tests-module for the activation benchmark: activates Chatreq once in a fresh extension host. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

function report(result: { ms: number; loadMs: number | null; activateMs: number } | { error: string }): void {
  if (process.env.CHATREQ_BENCH_OUT) fs.writeFileSync(process.env.CHATREQ_BENCH_OUT, JSON.stringify(result));
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('chatreq.chatreq');
  if (!ext) throw new Error('chatreq.chatreq not found');
  if (ext.isActive) {
    const why = 'already active: something activated Chatreq before the probe ran, so this host cannot time a fresh activation';
    report({ error: why });
    throw new Error(why);
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
  const api = (await ext.activate()) as { activationMs: number };
  report({ ms: performance.now() - t0, loadMs, activateMs: api.activationMs });
}
