import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConnectClient, ListContactFlowsCommand, ListInstancesCommand, StartChatContactCommand } from '@aws-sdk/client-connect';
import * as vscode from 'vscode';
import { SandboxAdmin } from '../../src/core/sandboxAdmin';
import type { ChatreqApi } from '../../src/extension/extension';
import type { SandboxInfo } from '../../src/extension/sandboxHost';
import { writeFlowFolder } from '../fixtures/aws/flowFolder';
import { internals, logShows, until } from './connectionSupport';

const credentials = { accessKeyId: 'AKIDSANDBOXTEST', secretAccessKey: 'sandbox-secret' };

async function api(): Promise<ChatreqApi> {
  const ext = vscode.extensions.getExtension<ChatreqApi>('chatreq.chatreq');
  assert.ok(ext);
  return ext.activate();
}

describe('the Connect sandbox (a child process of the extension host)', () => {
  afterEach(async () => {
    await vscode.workspace.getConfiguration().update('chatreq.sandbox.port', undefined, vscode.ConfigurationTarget.Global);
  });

  it('"Start Connect Sandbox" serves the Connect API to the real SDK on 127.0.0.1', async () => {
    const url = await vscode.commands.executeCommand<string>('chatreq.startSandbox');
    assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new ConnectClient({ region: 'us-east-1', endpoint: url, credentials });
    try {
      const { InstanceSummaryList } = await client.send(new ListInstancesCommand({}));
      const demo = InstanceSummaryList?.find((i) => i.InstanceAlias === 'chatreq-demo');
      assert.ok(demo?.Id, `instances: ${JSON.stringify(InstanceSummaryList)}`);
      const flows = await client.send(new ListContactFlowsCommand({ InstanceId: demo.Id, ContactFlowTypes: ['CONTACT_FLOW'] }));
      assert.ok((flows.ContactFlowSummaryList ?? []).length >= 3);
      const flowId = flows.ContactFlowSummaryList![0].Id!;
      const out = await client.send(
        new StartChatContactCommand({ InstanceId: demo.Id, ContactFlowId: flowId, ParticipantDetails: { DisplayName: 'Integration' } }),
      );
      assert.ok(out.ContactId && out.ParticipantToken);
      assert.equal((await new SandboxAdmin(url ?? '').contact(out.ContactId))?.contactFlowId, flowId);
      const { services } = await api();
      const pid = services.sandbox.current?.pid;
      assert.ok(pid !== undefined && pid !== process.pid, 'the sandbox runs in a process of its own');
      // The child's request log reaches the Chatreq channel, in the CLI's format, without tokens.
      const log = await logShows(await api(), /\[sandbox\] StartChatContact PUT \/contact\/chat -> 200 \d+\.\d ms/);
      assert.ok(!log.includes(out.ParticipantToken), 'no participant token in the log');
    } finally {
      client.destroy();
    }
  });

  it('starts once for concurrent callers and the sandbox connection uses it', async () => {
    const { services } = await api();
    await services.sandbox.stop();
    const changes: Array<number | undefined> = [];
    const sub = services.sandbox.onDidChange((info) => void changes.push(info?.pid));
    const [a, b] = await Promise.all([services.sandbox.endpoint(), services.sandbox.endpoint()]).finally(() => {
      sub.dispose();
    });
    assert.equal(a, b);
    assert.equal(changes.length, 1, 'one process started');
    services.connections.useTransient({ kind: 'sandbox' });
    const instances = await services.account.loadInstances({ refresh: true });
    assert.ok(instances.some((i) => i.InstanceAlias === 'chatreq-demo'));
  });

  it('reports a port in use with the setting to change, and starts again once it is fixed', async () => {
    const { services } = await api();
    await vscode.commands.executeCommand('chatreq.stopSandbox');
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await vscode.workspace.getConfiguration().update('chatreq.sandbox.port', port, vscode.ConfigurationTarget.Global);
      await assert.rejects(services.sandbox.start(), new RegExp(`port ${port}: it is in use.*"chatreq\\.sandbox\\.port"`));
      assert.equal(services.sandbox.current, undefined);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    const again = await services.sandbox.start();
    assert.equal(again.port, port);
  });

  /** Resolves with the next sandbox that starts (the host's change event), or rejects after `ms`. */
  function nextStart(a: ChatreqApi, what: string, ms = 30_000): Promise<SandboxInfo> {
    return new Promise<SandboxInfo>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      const sub = a.services.sandbox.onDidChange((info) => {
        if (!info) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(info);
      });
    });
  }

  /** Ends the sandbox process from outside, as a crash would. */
  async function kill(info: SandboxInfo): Promise<void> {
    assert.ok(info.pid);
    process.kill(info.pid, 'SIGKILL');
    await until(`process ${info.pid} to end`, () => {
      try {
        process.kill(info.pid!, 0);
        return undefined;
      } catch {
        return true;
      }
    });
  }

  it('restarts a sandbox process that died, a few times, then says it gave up and how to start it again', async () => {
    const a = await api();
    const { services } = a;
    let info = await services.sandbox.start();
    try {
      // Three crashes in a row within the minute: each is followed by a new process on a working endpoint.
      for (let i = 0; i < 3; i++) {
        const restarted = nextStart(a, `restart ${i + 1}`);
        await kill(info);
        const next = await restarted;
        assert.notEqual(next.pid, info.pid);
        assert.equal((await new SandboxAdmin(next.url).health()).status, 'ok');
        info = next;
      }
      // The fourth within the window: no restart; the connection's endpoint says what happened and what to do.
      const stopped = new Promise<void>((resolve) => {
        const sub = services.sandbox.onDidChange((x) => {
          if (x) return;
          sub.dispose();
          resolve();
        });
      });
      await kill(info);
      await stopped;
      await assert.rejects(services.sandbox.endpoint(), /stopped unexpectedly 4 times within 60 s.*"Chatreq: Start Connect Sandbox"/);
      assert.equal(services.sandbox.current, undefined);
    } finally {
      // Start by name: the crash count starts over.
      const again = await services.sandbox.start();
      assert.equal((await new SandboxAdmin(again.url).health()).status, 'ok');
    }
  });

  it('"Stop Connect Sandbox" while the sandbox is the connection keeps it stopped; the views say how to start it', async () => {
    const a = await api();
    const { services } = a;
    await services.sandbox.start();
    await services.connections.use({ kind: 'sandbox' });
    const { explorer } = await internals();
    const starts: SandboxInfo[] = [];
    const sub = services.sandbox.onDidChange((x) => void (x && starts.push(x)));
    try {
      await vscode.commands.executeCommand('chatreq.stopSandbox');
      assert.equal(services.sandbox.current, undefined);
      // What used to start it again at once: the connection resets and the views load afresh.
      await vscode.commands.executeCommand('chatreq.refreshExplorer');
      await explorer.idle();
      const [root] = await explorer.getChildren();
      await explorer.getChildren(root);
      await explorer.idle();
      const shown = (await explorer.getChildren(root)).map((n) => (typeof n.label === 'string' ? n.label : (n.label?.label ?? '')));
      assert.ok(shown.some((l) => /Connect sandbox is stopped.*Start Connect Sandbox/.test(l)), `the explorer shows: ${shown.join(' | ')}`);
      await assert.rejects(services.account.loadInstances({ refresh: true }), /Connect sandbox is stopped, so the sandbox connection has no endpoint/);
      assert.deepEqual(starts, [], 'nothing started the sandbox again');
      assert.equal(services.sandbox.current, undefined);
      // Start brings it back, and the views work again.
      const url = await vscode.commands.executeCommand<string>('chatreq.startSandbox');
      const running = services.sandbox.current as SandboxInfo | undefined;
      assert.equal(url, running?.url);
      assert.ok((await services.account.loadInstances({ refresh: true })).some((i) => i.InstanceAlias === 'chatreq-demo'));
    } finally {
      sub.dispose();
      await services.sandbox.start();
    }
  });

  it('keeps the extension host responsive while the sandbox process loads a large flows folder', async function () {
    this.timeout(120_000);
    const { services } = await api();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatreq-itest-big-'));
    writeFlowFolder(dir, { big: 4000 });
    const config = vscode.workspace.getConfiguration();
    // Kept stopped while the setting changes, so no view starts it with the old folder meanwhile.
    await services.sandbox.stop({ stayStopped: true });
    await config.update('chatreq.sandbox.flowsFolder', dir, vscode.ConfigurationTarget.Global);
    try {
      let loaded = false;
      const starting = services.sandbox.start().then((info) => {
        loaded = true;
        return info;
      });
      // Round trips to the workbench (the renderer) complete while the child is still reading the
      // folder: an extension host busy loading flows could not answer them until it was done.
      let trips = 0;
      while (!loaded && trips < 10) {
        await vscode.commands.executeCommand('setContext', 'chatreq.itestProbe', trips);
        if (!loaded) trips++;
      }
      assert.equal(trips, 10, `only ${trips} round trips completed before the sandbox had loaded the folder`);
      const info = await starting;
      const big = (await new SandboxAdmin(info.url).instances()).find((i) => i.alias === 'big');
      assert.equal(big?.flows.length, 4000, `the sandbox loaded the whole folder (instances: ${(await new SandboxAdmin(info.url).instances()).map((i) => i.alias).join(', ')})`);
    } finally {
      await services.sandbox.stop({ stayStopped: true });
      await config.update('chatreq.sandbox.flowsFolder', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(dir, { recursive: true, force: true });
      await services.sandbox.start();
    }
  });
});
