/**
 * Tests-module for the Test Chats benchmark, run in a real extension host: the time from the
 * Launch command to the flow's first message in the Test Chats tree, and the time a history of
 * 200 chats takes to load into a fresh ChatManager and draw its first level.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { serializeHistory } from '../../src/core/chat/history';
import type { ChatRecord } from '../../src/core/chat/types';
import { ChatManager } from '../../src/extension/chats/chatManager';
import { chatChildren, chatNode } from '../../src/extension/chats/testChatsTree';
import type { ChatreqApi } from '../../src/extension/extension';

type Result = { launchToFirstMessageMs: number[]; restore200Ms: number[] } | { error: string };

function report(result: Result): void {
  if (process.env.CHATREQ_BENCH_OUT) fs.writeFileSync(process.env.CHATREQ_BENCH_OUT, JSON.stringify(result));
}

function fakeHistory(n: number): ChatRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const t = new Date(Date.now() - i * 60_000).toISOString();
    return {
      id: `bench-${i}`,
      origin: { connectionKey: 'sandbox', connectionLabel: 'Sandbox (offline)', region: 'us-east-1', instanceId: 'i', contactFlowId: 'f', requestName: `req-${i}` },
      displayName: 'Bench',
      clientToken: `ct-${i}`,
      attributes: { a: 'b' },
      state: 'ended',
      startedAt: t,
      updatedAt: t,
      contactId: `c-${i}`,
      transcript: Array.from({ length: 20 }, (_, k) => ({ Id: `${i}-${k}`, Type: 'MESSAGE', ContentType: 'text/plain', AbsoluteTime: t, Content: `message ${k}`, ParticipantRole: k % 2 ? 'CUSTOMER' : 'SYSTEM', DisplayName: 'x' })),
    };
  });
}

export async function run(): Promise<void> {
  try {
    const ext = vscode.extensions.getExtension<ChatreqApi>('chatreq.chatreq');
    if (!ext) throw new Error('chatreq.chatreq not found');
    const a = await ext.activate();
    a.services.connections.useTransient({ kind: 'sandbox' });
    await a.services.sandbox.start();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) throw new Error('no workspace folder');
    const file = path.join(folder, 'bench.chatreq.json');
    fs.writeFileSync(file, JSON.stringify({ InstanceId: '5f1b7c3e-8a2d-4c6f-9e41-2b7d0a9c3e58', ContactFlowId: '0c6a3f51-7d2e-4b8a-9f14-6e2d3c8b1a07', ParticipantDetails: { DisplayName: 'Bench' } }));
    const uri = vscode.Uri.file(file);
    const launches: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      const record = await vscode.commands.executeCommand<ChatRecord>('chatreq.launchTestChat', uri);
      const id = record.id;
      await new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error('no flow message within 10 s')), 10_000);
        const check = (): boolean => {
          const r = a.testChats.chats.get(id);
          if (!r) return false;
          const conv = chatChildren(r).find((c) => c.kind === 'conversation');
          return Boolean(conv?.children?.some((c) => c.itemId && r.transcript.find((x) => x.Id === c.itemId)?.Type === 'MESSAGE'));
        };
        if (check()) {
          clearTimeout(deadline);
          resolve();
          return;
        }
        const sub = a.testChats.chats.onDidChange(() => {
          if (!check()) return;
          sub.dispose();
          clearTimeout(deadline);
          resolve();
        });
      });
      if (i > 0) launches.push(performance.now() - t0); // the first run warms up the SDK chunk
      await vscode.commands.executeCommand('chatreq.endChat', id);
    }
    // History restore: write 200 chats where the manager keeps them, then load them fresh.
    const storage = a.testChats.chats.store.file;
    await a.testChats.chats.store.flush();
    const restores: number[] = [];
    const saved = fs.existsSync(storage.fsPath) ? fs.readFileSync(storage.fsPath) : undefined;
    fs.writeFileSync(storage.fsPath, serializeHistory(fakeHistory(200)));
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const m = new ChatManager(a.services);
      await m.ready();
      const nodes = m.list().map((r) => chatNode(r));
      if (nodes.length !== 200) throw new Error(`restored ${nodes.length} chats`);
      restores.push(performance.now() - t0);
      m.dispose();
    }
    if (saved) fs.writeFileSync(storage.fsPath, saved);
    report({ launchToFirstMessageMs: launches, restore200Ms: restores });
  } catch (e) {
    report({ error: (e as Error).message });
  }
}
