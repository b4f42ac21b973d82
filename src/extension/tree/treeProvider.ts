// The "JIT Access" TreeDataProvider: renders the pure tree model as TreeItems. It never decides
// what a row says; model.ts does.
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { Estate } from './estate';
import { buildTree, isUnconfigured, walk } from './model';
import { MessageNode } from './nodes/messageNode';
import type { TreeNode } from './nodes/treeNode';

/** How often rows showing "time left" are re-rendered (no cloud calls). */
const TIME_LEFT_REFRESH_MS = 30_000;

export class JitTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private roots: TreeNode[] = [];
  private parents = new Map<string, TreeNode>();

  constructor(private readonly estate: Estate) {
    super();
    this._register(estate.onDidChange(() => this.render()));
    const timer = setInterval(() => {
      if (estate.grants.length) this.render();
    }, TIME_LEFT_REFRESH_MS);
    this._register({ dispose: () => clearInterval(timer) });
  }

  /** The rows currently shown (for in-host tests and reveal). */
  get currentRoots(): readonly TreeNode[] {
    return this.roots;
  }

  findNode(predicate: (node: TreeNode) => boolean): TreeNode | undefined {
    return walk(this.roots).find(predicate);
  }

  private render(): void {
    this.rebuild();
    void vscode.commands.executeCommand(
      'setContext',
      'jitAccess.unconfigured',
      this.estate.accountsKnown && isUnconfigured(this.estate.accounts),
    );
    void vscode.commands.executeCommand('setContext', 'jitAccess.sandbox', this.estate.accounts.sandbox);
    this._onDidChangeTreeData.fire(undefined);
  }

  private rebuild(): void {
    this.roots = buildTree(
      { ...this.estate.accounts, state: this.estate.state, now: Date.now() },
      vscode.l10n.t,
    );
    this.parents = new Map();
    const index = (nodes: TreeNode[], parent?: TreeNode) => {
      for (const n of nodes) {
        if (parent) this.parents.set(n.id, parent);
        index(n.children, n);
      }
    };
    index(this.roots);
  }

  getChildren(element?: TreeNode): TreeNode[] {
    if (element) return element.children;
    if (this.estate.state.kind === 'idle') {
      void this.estate.load(false);
      // The first expansion shows "Loading…" under the configured clouds while the service starts.
    }
    this.rebuild();
    // Until settings and sign-in are known, a "Loading…" row (an empty tree would flash the welcome view).
    if (!this.estate.accountsKnown) return [new MessageNode('root', 'loading', vscode.l10n.t('Loading…'))];
    return this.roots;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return this.parents.get(element.id);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const state = {
      none: vscode.TreeItemCollapsibleState.None,
      collapsed: vscode.TreeItemCollapsibleState.Collapsed,
      expanded: vscode.TreeItemCollapsibleState.Expanded,
    }[node.collapsible];
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.contextValue = node.contextValue;
    if (node.tooltip) {
      const tooltip = new vscode.MarkdownString(node.tooltip, true);
      item.tooltip = tooltip;
    }
    if (node.icon) {
      item.iconPath = new vscode.ThemeIcon(
        node.icon.codicon,
        node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined,
      );
    }
    if (node.command) {
      item.command = { ...node.command, arguments: node.command.arguments ?? [node] };
    }
    return item;
  }
}
