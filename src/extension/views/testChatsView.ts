import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { Views } from '../ids';

/**
 * The "Test Chats" tree in the Chatreq sidebar. It lists launched test chats; while there are
 * none, VS Code shows the view's welcome content (package.json `viewsWelcome`).
 */
export class TestChatsView extends Disposable implements vscode.TreeDataProvider<vscode.TreeItem> {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.TreeItem | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly treeView: vscode.TreeView<vscode.TreeItem>;

  constructor() {
    super();
    this.treeView = this.register(
      vscode.window.createTreeView(Views.testChats, { treeDataProvider: this, showCollapseAll: true }),
    );
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(element: vscode.TreeItem): vscode.TreeItem {
    return element;
  }

  getChildren(): vscode.TreeItem[] {
    return [];
  }
}
