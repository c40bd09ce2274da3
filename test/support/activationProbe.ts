/** Tests-module for the activation benchmark: activates Chatreq once in a fresh extension host. */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('chatreq.chatreq');
  if (!ext) throw new Error('chatreq.chatreq not found');
  if (ext.isActive) throw new Error('already active: the benchmark needs a fresh activation');
  const t0 = performance.now();
  await ext.activate();
  const ms = performance.now() - t0;
  if (process.env.CHATREQ_BENCH_OUT) fs.writeFileSync(process.env.CHATREQ_BENCH_OUT, JSON.stringify({ ms }));
}
