import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConnectClient, DescribeContactFlowCommand } from '@aws-sdk/client-connect';
import * as vscode from 'vscode';
import type { ExplorerNode, ExplorerTree, FlowNode, FolderNode, InstanceNode, MessageNode } from '../../src/extension/explorer/explorerTree';
import { DEMO_FLOWS } from '../../src/sandbox/catalog';
import { writeFlowFolder } from '../fixtures/aws/flowFolder';
import { acceptItem, api, internals, KEY_ID, logShows, pickWith, sandboxAdmin, SECRET, shownQuickPick, until, useAwsFiles } from './connectionSupport';

type Node = ExplorerNode & { type: string };

function labelOf(item: vscode.TreeItem): string {
  const l = item.label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

async function settled(tree: ExplorerTree, node?: ExplorerNode): Promise<Node[]> {
  // First call starts the load (a Loading… node); once the view's loads settle the data is there.
  let children = (await tree.getChildren(node)) as Node[];
  for (let i = 0; i < 50 && children.some((c) => c.type === 'message' && (c).kind === 'loading'); i++) {
    await tree.idle();
    children = (await tree.getChildren(node));
  }
  return children;
}

async function instanceNodes(tree: ExplorerTree): Promise<InstanceNode[]> {
  const [root] = await settled(tree);
  assert.equal(root.type, 'connection');
  return (await settled(tree, root)) as unknown as InstanceNode[];
}

describe('instance explorer', function () {
  this.timeout(90_000);
  let flowsDir = '';

  before(async () => {
    const a = await api();
    await a.services.connections.ready;
    flowsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatreq-itest-flows-'));
    // More flows than one ListContactFlows page (the client asks for 1,000 a page).
    writeFlowFolder(flowsDir, { paged: 1100 });
    await vscode.workspace.getConfiguration().update('chatreq.sandbox.flowsFolder', flowsDir, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('chatreq.restartSandbox');
  });

  after(async () => {
    await vscode.workspace.getConfiguration().update('chatreq.sandbox.flowsFolder', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('chatreq.restartSandbox');
    fs.rmSync(flowsDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    const a = await api();
    await a.services.connections.use({ kind: 'sandbox' });
    // Each test starts from fresh lists (an earlier test may have left an error node).
    await vscode.commands.executeCommand('chatreq.refreshExplorer');
  });

  it('shows connection → instances → every page of flows, chat flows first and the rest in a folder', async () => {
    const a = await api();
    const { explorer } = await internals();
    const instances = await instanceNodes(explorer);
    const labels = instances.map((n) => labelOf(n));
    assert.ok(labels.includes('chatreq-demo') && labels.includes('paged'), labels.join(', '));
    const paged = instances.find((n) => n.label === 'paged')!;
    assert.match(String(paged.description), /^[0-9a-f-]{36}$/);
    assert.match(typeof paged.tooltip === 'string' ? paged.tooltip : '', /Status: ACTIVE/);

    const children = await settled(explorer, paged);
    const flows = children.filter((c) => c.type === 'flow') as unknown as FlowNode[];
    const folder = children.find((c) => c.type === 'folder') as unknown as FolderNode;
    assert.ok(folder, 'no "Other flow types" folder');
    assert.equal(folder.label, 'Other flow types');
    assert.equal(children.indexOf(folder as unknown as Node), children.length - 1, 'the folder comes after the chat flows');
    assert.ok(flows.every((f) => f.chat && f.description === 'CONTACT_FLOW'));
    const others = (await explorer.getChildren(folder)) as unknown as FlowNode[];
    assert.equal(flows.length + others.length, 1100);
    assert.equal(others.length, 220);
    assert.ok(others.every((f) => !f.chat));
    assert.deepEqual(flows.slice(0, 3).map((f) => f.label), ['paged flow 0000', 'paged flow 0001', 'paged flow 0002']);
    await logShows(a, /connect:ListContactFlows region=us-east-1 instance=\S+ page=2 .*ok \(100 items\)/);
  });

  it('refreshes on the refresh action and when the connection switches', async () => {
    const { explorer } = await internals();
    await instanceNodes(explorer);
    let fired = 0;
    const sub = explorer.onDidChangeTreeData(() => fired++);
    try {
      await vscode.commands.executeCommand('chatreq.refreshExplorer');
      assert.ok(fired > 0);
      const first = (await explorer.getChildren((await explorer.getChildren())[0])) as Node[];
      assert.equal((first[0] as unknown as MessageNode).kind, 'loading', 'after a refresh the list loads again');
      assert.ok((await instanceNodes(explorer)).length >= 2);
    } finally {
      sub.dispose();
    }
  });

  it('draws the first page of flows while the next one is still loading', async () => {
    const a = await api();
    const sandbox = await sandboxAdmin(a);
    const { explorer } = await internals();
    await vscode.commands.executeCommand('chatreq.refreshExplorer');
    const paged = (await instanceNodes(explorer)).find((n) => n.label === 'paged')!;
    await sandbox.setFaults([{ operation: 'ListContactFlows', kind: 'latency', latencyMs: 2000, skip: 1, count: 1 }]);
    try {
      assert.equal(((await explorer.getChildren(paged)) as Node[]).length, 1, 'first a single Loading… node');
      const partial = await until('the first page to show', async () => {
        const c = (await explorer.getChildren(paged)) as Node[];
        return c.some((n) => n.type === 'flow') ? c : undefined;
      });
      const last = partial[partial.length - 1] as unknown as MessageNode;
      assert.equal(last.kind, 'loading');
      assert.match(labelOf(last), /^Loading more flows… \(1000 so far\)$/);
      await explorer.idle();
      const done = (await explorer.getChildren(paged)) as Node[];
      assert.ok(!done.some((n) => n.type === 'message'), 'no Loading node once every page is in');
    } finally {
      await sandbox.setFaults([]);
    }
  });

  it('rides out a brief throttle (SDK retries) and explains one that persists', async () => {
    const a = await api();
    const sandbox = await sandboxAdmin(a);
    const { explorer } = await internals();
    const throttle = { operation: 'ListInstances' as const, kind: 'error' as const, status: 429, errorType: 'TooManyRequestsException', message: 'Rate exceeded' };
    try {
      await sandbox.setFaults([{ ...throttle, count: 1 }]);
      await vscode.commands.executeCommand('chatreq.refreshExplorer');
      assert.ok((await instanceNodes(explorer)).some((n) => n.label === 'chatreq-demo'), 'one throttled attempt is retried by the SDK');
      await sandbox.setFaults([throttle]);
      await vscode.commands.executeCommand('chatreq.refreshExplorer');
      const [error] = (await instanceNodes(explorer)) as unknown as MessageNode[];
      assert.equal(error.kind, 'error');
      assert.match(labelOf(error), /kept throttling connect:ListInstances after 3 attempts/);
      assert.deepEqual(error.children.map((c) => labelOf(c)), ['Retry']);
    } finally {
      await sandbox.setFaults([]);
    }
  });

  describe('errors', () => {
    const aws = useAwsFiles();

    it('shows an explained error node with its actions for a profile without credentials, and retries', async () => {
      const a = await api();
      aws.write('[profile empty]\nregion = us-east-1\n');
      await a.services.connections.use({ kind: 'profile', profile: 'empty', region: 'us-east-1' });
      const { explorer } = await internals();
      const [root] = await settled(explorer);
      const [error] = (await settled(explorer, root)) as unknown as MessageNode[];
      assert.equal(error.kind, 'error');
      assert.match(labelOf(error), /credentials/i);
      assert.doesNotMatch(labelOf(error), /\n\s+at /);
      const actions = error.children.map((c) => labelOf(c));
      assert.ok(actions.includes('Select Connection'), actions.join(', '));
      // Fix the profile, then run the node's Retry.
      aws.write('[profile empty]\nregion = us-east-1\n', `[empty]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
      await vscode.workspace.getConfiguration().update('chatreq.endpoint.connect', await a.services.sandbox.endpoint(), vscode.ConfigurationTarget.Global);
      try {
        assert.ok(error.command);
        await vscode.commands.executeCommand(error.command.command, ...((error.command.arguments ?? []) as unknown[]));
        const after = await instanceNodes(explorer);
        assert.ok(after.some((n) => n.label === 'chatreq-demo'), after.map((n) => labelOf(n)).join(', '));
      } finally {
        await vscode.workspace.getConfiguration().update('chatreq.endpoint.connect', undefined, vscode.ConfigurationTarget.Global);
      }
    });

    it('offers "aws sso login --profile X" for an expired SSO token', async () => {
      const a = await api();
      const home = aws.dir();
      process.env.HOME = home;
      process.env.USERPROFILE = home;
      fs.mkdirSync(path.join(home, '.aws', 'sso', 'cache'), { recursive: true });
      const past = new Date(Date.now() - 60_000).toISOString();
      fs.writeFileSync(
        path.join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`),
        JSON.stringify({ accessToken: 'expired-sso-access-token-value', expiresAt: past, region: 'us-east-1', startUrl: 'https://corp.awsapps.com/start' }),
      );
      aws.write('[profile sso-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n');
      process.env.AWS_ENDPOINT_URL_SSO = await a.services.sandbox.endpoint();
      await a.services.connections.use({ kind: 'profile', profile: 'sso-dev', region: 'us-east-1' });
      const { explorer } = await internals();
      const [root] = await settled(explorer);
      const [error] = (await settled(explorer, root)) as unknown as MessageNode[];
      assert.equal(error.kind, 'error');
      assert.match(labelOf(error), /SSO sign-in for profile "sso-dev" has expired/);
      const login = error.children.find((c) => c.label === 'Run aws sso login');
      assert.ok(login?.command, error.children.map((c) => labelOf(c)).join(', '));
      const args = login.command.arguments?.[0] as { action: { command: string } };
      assert.equal(args.action.command, 'aws sso login --profile sso-dev');
    });
  });

  it('"Show Flow Content" opens the flow as a read-only, pretty-printed JSON document', async () => {
    const a = await api();
    const { explorer } = await internals();
    const demo = (await instanceNodes(explorer)).find((n) => n.label === 'chatreq-demo')!;
    const flow = (await settled(explorer, demo)).find((c) => c.type === 'flow') as unknown as FlowNode;
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('chatreq.showFlowContent', flow);
    assert.ok(editor);
    assert.equal(editor.document.uri.scheme, 'chatreq-flow');
    assert.equal(editor.document.languageId, 'json');
    const connect = new ConnectClient({ region: 'us-east-1', endpoint: await a.services.sandbox.endpoint(), credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET } });
    const expected = (await connect.send(new DescribeContactFlowCommand({ InstanceId: demo.instanceId, ContactFlowId: flow.flowId }))).ContactFlow?.Content;
    connect.destroy();
    assert.ok(expected);
    assert.deepEqual(JSON.parse(editor.document.getText()), JSON.parse(expected));
    assert.match(editor.document.getText(), /^\{\n {2}"/, 'pretty-printed with two spaces');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('"Show Flow Content" on a saved-but-unpublished flow opens its saved ($SAVED) version', async () => {
    const { explorer } = await internals();
    const demo = (await instanceNodes(explorer)).find((n) => n.label === 'chatreq-demo')!;
    const draft = (await settled(explorer, demo)).find((c) => c.type === 'flow' && (c).flowId === DEMO_FLOWS.feedbackDraft) as unknown as FlowNode;
    assert.ok(draft, 'the demo instance lists its draft flow');
    assert.equal(draft.flow.ContactFlowStatus, 'SAVED');
    for (const arg of [draft, { instanceId: demo.instanceId, flowId: DEMO_FLOWS.feedbackDraft, flowName: draft.flowName }]) {
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('chatreq.showFlowContent', arg);
      assert.ok(editor, 'an editor opened');
      assert.equal(editor.document.uri.scheme, 'chatreq-flow');
      assert.match(editor.document.uri.path, /\(saved\)\.json$/);
      const content = JSON.parse(editor.document.getText()) as { Metadata?: { name?: string; status?: string } };
      assert.equal(content.Metadata?.name, 'Post-Chat Survey (draft)');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  it('"Open in Amazon Connect" says the sandbox has no console; "New Chat Request for this Flow" hands the IDs on', async () => {
    const { explorer } = await internals();
    const demo = (await instanceNodes(explorer)).find((n) => n.label === 'chatreq-demo')!;
    const flow = (await settled(explorer, demo)).find((c) => c.type === 'flow') as unknown as FlowNode;
    assert.equal(await vscode.commands.executeCommand('chatreq.openFlowInConnect', flow), undefined);
    const registered = (await vscode.commands.getCommands(true)).includes('chatreq.newChatRequest');
    assert.ok(registered, 'chatreq.newChatRequest is not registered');
    const name = `from-explorer-${Date.now()}`;
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('chatreq.newChatRequestForFlow', {
      instanceId: demo.instanceId,
      flowId: flow.flowId,
      flowName: flow.flowName,
      name,
    });
    try {
      assert.ok(uri, 'the new request was not created');
      const text = (await vscode.workspace.openTextDocument(uri)).getText();
      assert.ok(text.includes(flow.flowId) && text.includes(demo.instanceId), text.slice(0, 400));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if (uri) fs.rmSync(uri.fsPath, { force: true });
    }
  });
});

describe('pickers: Select Instance / Select Flow', function () {
  this.timeout(60_000);
  let file: vscode.Uri;

  beforeEach(async () => {
    const a = await api();
    await a.services.connections.ready;
    await a.services.connections.use({ kind: 'sandbox' });
    const dir = process.env.CHATREQ_TEST_WORKSPACE ?? '';
    const target = path.join(dir, `picked-${Date.now()}.chatreq.json`);
    fs.writeFileSync(target, '{\n  "ParticipantDetails": { "DisplayName": "Picker" }\n}\n');
    file = vscode.Uri.file(target);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(file.fsPath, { force: true });
  });

  it('writes the chosen instance and flow into the active request, undoably', async () => {
    const a = await api();
    const editor = await vscode.window.showTextDocument(file);
    const demo = (await (await sandboxAdmin(a)).instances()).find((i) => i.alias === 'chatreq-demo');
    assert.ok(demo);
    const { items } = await pickWith<void>('chatreq.selectInstance', (label) => label === 'chatreq-demo');
    const demoItem = items.find((i) => i.label === 'chatreq-demo');
    assert.equal(demoItem?.detail, demo.id, 'the ID is the (searchable) detail');
    const afterInstance = JSON.parse(editor.document.getText()) as Record<string, unknown>;
    assert.equal(afterInstance.InstanceId, demo.id);
    assert.deepEqual(afterInstance.ParticipantDetails, { DisplayName: 'Picker' });

    const chatFlow = demo.flows.find((f) => f.type === 'CONTACT_FLOW')!;
    const flowPick = await pickWith<void>('chatreq.selectFlow', (_label, item) => item.detail === chatFlow.id);
    const separators = flowPick.items.filter((i) => i.kind === vscode.QuickPickItemKind.Separator).map((i) => i.label);
    assert.match(separators[0], /Chat flows/);
    assert.equal((JSON.parse(editor.document.getText()) as Record<string, unknown>).ContactFlowId, chatFlow.id);
    // Each member at its usual place: InstanceId and ContactFlowId first, not appended at the end.
    assert.deepEqual(Object.keys(JSON.parse(editor.document.getText()) as object), ['InstanceId', 'ContactFlowId', 'ParticipantDetails']);

    await vscode.commands.executeCommand('undo');
    assert.equal((JSON.parse(editor.document.getText()) as Record<string, unknown>).ContactFlowId, undefined, 'one undo reverts the flow choice');
    assert.equal((JSON.parse(editor.document.getText()) as Record<string, unknown>).InstanceId, demo.id);
  });

  it('asks for the instance first when the request names none, then writes both', async () => {
    const editor = await vscode.window.showTextDocument(file);
    const running = vscode.commands.executeCommand('chatreq.selectFlow');
    const pickInstanceStep = async (): Promise<void> => {
      for (const title of ['Select Instance', 'Select Flow']) {
        const qp = await shownQuickPick(`the ${title} pick`, (p) => (p.title ?? '').startsWith(title));
        const target = qp.items.find((it) => it.kind !== vscode.QuickPickItemKind.Separator && (title === 'Select Flow' || it.label === 'chatreq-demo'));
        assert.ok(target);
        await acceptItem(qp, target);
      }
    };
    await pickInstanceStep();
    await running;
    const req = JSON.parse(editor.document.getText()) as Record<string, string>;
    assert.match(req.InstanceId, /^[0-9a-f-]{36}$/);
    assert.match(req.ContactFlowId, /^[0-9a-f-]{36}$/);
  });

  it('says so when no request editor is active, and changes nothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = fs.readFileSync(file.fsPath, 'utf8');
    await vscode.commands.executeCommand('chatreq.selectInstance');
    const i = await internals();
    assert.equal(i.activeQuickPick(), undefined, 'no picker opens without a request editor');
    assert.equal(fs.readFileSync(file.fsPath, 'utf8'), before);
  });
});
