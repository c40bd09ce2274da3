import assert from 'node:assert/strict';
import * as net from 'node:net';
import { ConnectClient, ListContactFlowsCommand, ListInstancesCommand, StartChatContactCommand } from '@aws-sdk/client-connect';
import * as vscode from 'vscode';
import type { ChatreqApi } from '../../src/extension/extension';

const credentials = { accessKeyId: 'AKIDSANDBOXTEST', secretAccessKey: 'sandbox-secret' };

async function api(): Promise<ChatreqApi> {
  const ext = vscode.extensions.getExtension<ChatreqApi>('chatreq.chatreq');
  assert.ok(ext);
  return ext.activate();
}

describe('in-process Connect sandbox', () => {
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
      const { services } = await api();
      assert.equal(services.sandbox.running?.getContact(out.ContactId)?.contactFlowId, flowId);
    } finally {
      client.destroy();
    }
  });

  it('starts once for concurrent callers and the sandbox connection uses it', async () => {
    const { services } = await api();
    await vscode.commands.executeCommand('chatreq.stopSandbox');
    const [a, b] = await Promise.all([services.sandbox.endpoint(), services.sandbox.endpoint()]);
    assert.equal(a, b);
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
      assert.equal(services.sandbox.running, undefined);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    const again = await services.sandbox.start();
    assert.equal(again.port, port);
  });
});

