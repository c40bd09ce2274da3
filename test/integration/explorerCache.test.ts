/**
 * The Instances view and completion share one account cache. When completion has already loaded
 * an instance's flows, expanding that instance in the view must show them at once (it used to
 * hang on "Loading flows…": the view's change event arrived while VS Code was still fetching the
 * node's children, and VS Code drops a refresh of a node it is fetching).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExplorerNode, InstanceNode } from '../../src/extension/explorer/explorerTree';
import { api, internals, until } from './connectionSupport';

type Node = ExplorerNode & { type: string; kind?: string };

const labelOf = (i: vscode.CompletionItem | vscode.TreeItem): string => {
  const l = i.label;
  return typeof l === 'string' ? l : (l?.label ?? '');
};

describe('account data shared by completion and the Instances view', function () {
  this.timeout(90_000);
  const file = path.join(process.env.CHATREQ_TEST_WORKSPACE ?? '', 'cache-shared.chatreq.json');

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file, { force: true });
  });

  it('flows completion loaded appear in the Instances view as soon as the instance is expanded', async () => {
    const a = await api();
    await a.services.connections.use({ kind: 'sandbox' });
    // Nothing cached yet: the lists are fetched again, over HTTP, by the real SDK.
    await vscode.commands.executeCommand('chatreq.refreshExplorer');
    const { explorer, explorerView } = await internals();
    await vscode.commands.executeCommand('chatreq.explorer.focus');

    // What VS Code itself was last given for each node: the view shows exactly that.
    const shown = new Map<string, Node[]>();
    const original = explorer.getChildren.bind(explorer);
    explorer.getChildren = async (node?: ExplorerNode) => {
      const children = await original(node);
      shown.set(node?.id ?? '(root)', children);
      return children;
    };
    try {
      const [root] = await until('the connection node', () => shown.get('(root)'));
      await explorerView.reveal(root, { expand: true });
      const instances = await until('the instances in the view', () => {
        const c = shown.get(String(root.id));
        return c?.some((n) => n.type === 'instance') ? (c as unknown as InstanceNode[]) : undefined;
      });
      const demo = instances.find((n) => n.alias === 'chatreq-demo');
      assert.ok(demo, `no chatreq-demo instance among ${instances.map((n) => n.alias).join(', ')}`);

      // Ctrl+Space in "ContactFlowId": completion loads the instance's flows into the cache.
      fs.writeFileSync(file, `{\n  "InstanceId": "${demo.instanceId}",\n  "ContactFlowId": ""\n}\n`);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc);
      const at = doc.positionAt(doc.getText().indexOf('"ContactFlowId": "') + '"ContactFlowId": "'.length);
      const flowNames = await until('completion to offer the instance flows', async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
        const names = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Reference).map(labelOf);
        return names.length ? names : undefined;
      });
      assert.equal(shown.get(String(demo.id)), undefined, 'the view asked for the flows before completion loaded them');

      // Now expand the instance, as a user clicks its twistie.
      await explorerView.reveal(demo, { expand: true });
      const flows = await until(
        'the view to show the flows completion loaded (not "Loading flows…")',
        () => {
          const c = shown.get(String(demo.id));
          return c?.some((n) => n.type === 'flow') ? c : undefined;
        },
        10_000,
      );
      assert.ok(!flows.some((n) => n.type === 'message' && n.kind === 'loading'), `still loading: ${flows.map(labelOf).join(', ')}`);
      assert.ok(flows.some((n) => flowNames.includes(labelOf(n))), `the view's flows ${flows.map(labelOf).join(', ')} are not the ones completion offered (${flowNames.join(', ')})`);
    } finally {
      explorer.getChildren = original;
    }
  });
});
