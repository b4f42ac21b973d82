// The pure description of one tree row. The TreeDataProvider turns it into a vscode.TreeItem; the
// commands receive it back as their argument. No `vscode` import, so the whole tree is unit-tested.

export interface NodeIcon {
  /** A codicon id, e.g. `shield` or `loading~spin`. */
  codicon: string;
  /** A theme colour id, e.g. `charts.green`. */
  color?: string;
}

export interface NodeCommand {
  command: string;
  title: string;
  arguments?: unknown[];
}

export type Collapsible = 'none' | 'collapsed' | 'expanded';

export abstract class TreeNode {
  abstract readonly kind: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon?: NodeIcon;
  command?: NodeCommand;

  constructor(
    /** Unique across the whole tree and stable across refreshes, so expansion state survives. */
    readonly id: string,
    readonly label: string,
    readonly children: TreeNode[] = [],
  ) {}

  /** Space-separated tokens matched by `viewItem =~ /.../` in package.json menus. */
  abstract get contextValue(): string;

  get collapsible(): Collapsible {
    return this.children.length ? 'collapsed' : 'none';
  }
}

/** Escapes text for a Markdown tooltip (names and rule ids can contain `_`, `*`, `[`). */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
