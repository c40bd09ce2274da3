/**
 * The one account cache (ConnectAccess's list entries and flow descriptions) against the project's
 * Connect sandbox, through the real SDK client over HTTP and the SDK's paginators: every consumer
 * observes the same pages, one that comes late is given the pages it missed, concurrent readers
 * share the requests, and a flow's content is parsed once per fetched version.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectAccess, type AccountChange } from '../../../src/core/aws/connectAccess';
import { openSession, type AwsSession } from '../../../src/core/aws/session';
import { extractAttributeUsage } from '../../../src/core/request/flowUsage';
import { startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { writeFlowFolder } from '../../fixtures/aws/flowFolder';

describe('connection: the account cache (against the sandbox)', function () {
  this.timeout(20_000);
  let sandbox: SandboxHandle;
  let flowsDir: string;
  const sessions: AwsSession[] = [];

  before(async () => {
    flowsDir = mkdtempSync(join(tmpdir(), 'chatreq-flows-'));
    writeFlowFolder(flowsDir, { big: 250, small: 2 });
    sandbox = await startSandbox({ flowsDir });
  });
  after(async () => {
    for (const s of sessions) s.dispose();
    await sandbox.close();
    rmSync(flowsDir, { recursive: true, force: true });
  });
  afterEach(() => sandbox.clearFaults());

  async function access(): Promise<ConnectAccess> {
    const session = await openSession({ connection: { kind: 'sandbox' }, sandboxEndpoint: sandbox.url });
    sessions.push(session);
    return new ConnectAccess(session);
  }
  const instanceId = (alias: string): string => sandbox.instances.find((i) => i.alias === alias)!.id;
  function countRequests(operation: 'ListContactFlows' | 'DescribeContactFlow'): () => number {
    sandbox.addFault({ operation, kind: 'latency', latencyMs: 0 });
    const index = sandbox.listFaults().length - 1;
    return () => sandbox.listFaults()[index]?.applied ?? 0;
  }

  it('gives a consumer that starts observing mid-load the pages it missed, then the rest, on one set of requests', async () => {
    const a = await access();
    const id = instanceId('big');
    const requests = countRequests('ListContactFlows');
    // The second page is slow, so the late consumer arrives while the list is still loading.
    sandbox.addFault({ operation: 'ListContactFlows', kind: 'latency', latencyMs: 400, skip: 1, count: 1 });
    const first: number[] = [];
    const list = a.flowList(id, { pageSize: 100 });
    const firstPage = new Promise<void>((resolve) => list.observe((items) => (first.push(items.length), resolve())));
    await firstPage;
    assert.equal(list.state, 'loading');

    // What completion does today when the explorer later asks with its onPage: the same entry.
    const late: Array<[number, number]> = [];
    const listing = await a.listFlows(id, { onPage: (items, i) => late.push([i, items.length]) });
    assert.deepEqual(late, [[0, 100], [1, 100], [2, 50]], 'the late consumer saw every page, in order');
    assert.deepEqual(first, [100, 100, 50]);
    assert.equal(requests(), 3, 'one request per page, shared by both consumers');
    assert.equal(listing.chat.length + listing.other.length, 250);
    assert.equal(a.peekFlows(id), listing, 'the completed list is read synchronously afterwards');

    // After completion, a subscriber gets every page at once and is not kept.
    const after: number[] = [];
    const stop = list.observe((items) => after.push(items.length));
    assert.deepEqual(after, [100, 100, 50]);
    stop();
  });

  it('announces each page and the completion of a list to its listeners', async () => {
    const a = await access();
    const id = instanceId('big');
    const changes: AccountChange[] = [];
    const stop = a.onDidChange((c) => changes.push(c));
    await a.listFlows(id, { pageSize: 100 });
    stop();
    const flows = changes.filter((c) => c.kind === 'flows' && c.instanceId === id);
    assert.equal(flows.length, 4, `three pages and the result: ${JSON.stringify(changes)}`);
  });

  it('drops a failed list from the cache but keeps its error on the entry the view shows', async () => {
    const a = await access();
    const id = instanceId('small');
    sandbox.addFault({ operation: 'ListContactFlows', kind: 'error', status: 403, errorType: 'AccessDeniedException', count: 1 });
    const failed = a.flowList(id);
    await failed.result.catch(() => undefined);
    assert.equal(failed.state, 'error');
    assert.equal((failed.error as { name?: string }).name, 'AccessDeniedException');
    const again = a.flowList(id);
    assert.notEqual(again, failed, 'the next reader starts a new load');
    assert.equal((await again.result).chat.length, 2);
  });

  it('parses a flow\'s content once per fetched version, however often it is read', async () => {
    const a = await access();
    const id = instanceId('small');
    const { chat } = await a.listFlows(id);
    const flowId = chat[0].Id!;
    const describes = countRequests('DescribeContactFlow');
    let parses = 0;
    const usage = () =>
      a.derived(id, flowId, 'usage', (f) => {
        parses++;
        return extractAttributeUsage(f.Content ?? '');
      });
    assert.equal(usage(), undefined, 'nothing before the flow is described');
    await a.describeFlow(id, flowId);
    const first = usage();
    for (let i = 0; i < 100; i++) assert.equal(usage(), first);
    assert.equal(parses, 1);
    assert.equal(describes(), 1);
    // A refresh fetches a new version: parsed again, once.
    await a.describeFlow(id, flowId, { refresh: true });
    usage();
    usage();
    assert.equal(parses, 2);
    a.invalidate({ instanceId: id });
    assert.equal(usage(), undefined, 'an invalidated instance has no cached flow content');
  });
});
