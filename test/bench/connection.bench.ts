/**
 * Connection figures against the local sandbox (loopback, real SDK client): listing 1,000 flows
 * (all pages, sorted), the time to the first explorer page, and a cached re-list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectAccess } from '../../src/core/aws/connectAccess';
import { openSession } from '../../src/core/aws/session';
import { ConnectionManager } from '../../src/core/connection/manager';
import { startSandbox } from '../../src/sandbox';
import { writeFlowFolder } from '../fixtures/aws/flowFolder';

type Figure = { name: string; value: number; unit: string };

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function bench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'chatreq-bench-flows-'));
  writeFlowFolder(dir, { bench: 1000 });
  const sandbox = await startSandbox({ flowsDir: dir, demo: false });
  // Opening the session loads the SDK (unless another bench already did) and builds the clients.
  const sessionStart = performance.now();
  const session = await openSession({ connection: { kind: 'sandbox' }, sandboxEndpoint: sandbox.url });
  try {
    const instanceId = sandbox.instances[0].id;
    const runs = 7;
    const full100: number[] = [];
    const full1000: number[] = [];
    const firstPage: number[] = [];
    await new ConnectAccess(session).listInstances();
    const coldMs = performance.now() - sessionStart;
    for (let i = 0; i < runs; i++) {
      for (const [pageSize, sink] of [
        [100, full100],
        [1000, full1000],
      ] as const) {
        const access = new ConnectAccess(session);
        const t0 = performance.now();
        let first = 0;
        const { chat, other } = await access.listFlows(instanceId, {
          pageSize,
          onPage: (_items, page) => {
            if (page === 0) first = performance.now() - t0;
          },
        });
        sink.push(performance.now() - t0);
        if (chat.length + other.length !== 1000) throw new Error(`listed ${chat.length + other.length} flows, expected 1000`);
        if (pageSize === 100) firstPage.push(first);
      }
    }
    const cachedAccess = new ConnectAccess(session);
    await cachedAccess.listFlows(instanceId);
    const cachedRuns: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await cachedAccess.listFlows(instanceId);
      cachedRuns.push(performance.now() - t0);
    }
    const cached = median(cachedRuns);
    // What the instance explorer does when it opens: a fresh connection's session, the instance
    // list, then flows at the page size it uses (1,000), timed to the first page it can draw.
    const explorerFirst: number[] = [];
    for (let i = 0; i < runs; i++) {
      const manager = new ConnectionManager({ initial: { kind: 'sandbox' }, sandboxEndpoint: () => Promise.resolve(sandbox.url) });
      try {
        const t0 = performance.now();
        const access = await manager.access();
        const listed = await access.listInstances();
        const id = listed.find((x) => x.Id === instanceId)?.Id;
        if (!id) throw new Error('the bench instance is not listed');
        let first = 0;
        await access.listFlows(id, {
          onPage: (_items, page) => {
            if (page === 0) first = performance.now() - t0;
          },
        });
        explorerFirst.push(first);
      } finally {
        manager.dispose();
      }
    }
    return [
      { name: 'connection: open session + first ListInstances', value: Math.round(coldMs * 10) / 10, unit: 'ms' },
      { name: 'connection: list 1,000 flows, 10 pages of 100 (median)', value: Math.round(median(full100) * 10) / 10, unit: 'ms' },
      { name: 'connection: list 1,000 flows, 1 page of 1000 (median)', value: Math.round(median(full1000) * 10) / 10, unit: 'ms' },
      { name: 'connection: first page of 100 flows (median)', value: Math.round(median(firstPage) * 10) / 10, unit: 'ms' },
      { name: 'connection: re-list 1,000 flows from cache (median)', value: Math.round(cached * 1000), unit: 'µs' },
      { name: 'explorer: first flows page shown (new session + ListInstances + first page of 1,000, median)', value: Math.round(median(explorerFirst) * 10) / 10, unit: 'ms' },
    ];
  } finally {
    session.dispose();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
