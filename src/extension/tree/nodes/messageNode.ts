// Rows that stand for a state rather than a resource: loading, empty, failures and calls to action.
import { TreeNode, type NodeCommand, type NodeIcon } from './treeNode';

export type MessageKind =
  | 'loading'
  | 'empty'
  | 'error'
  | 'permission'
  | 'throttled'
  | 'unreachable'
  | 'signIn'
  | 'configureAws'
  | 'sandbox';

const ICONS: Record<MessageKind, NodeIcon> = {
  loading: { codicon: 'loading~spin' },
  empty: { codicon: 'info' },
  error: { codicon: 'error', color: 'errorForeground' },
  permission: { codicon: 'lock', color: 'list.warningForeground' },
  throttled: { codicon: 'watch', color: 'list.warningForeground' },
  unreachable: { codicon: 'debug-disconnect', color: 'errorForeground' },
  signIn: { codicon: 'sign-in' },
  configureAws: { codicon: 'gear' },
  sandbox: { codicon: 'beaker' },
};

export class MessageNode extends TreeNode {
  readonly kind = 'message';
  constructor(
    parentId: string,
    readonly message: MessageKind,
    label: string,
    command?: NodeCommand,
    detail?: string,
  ) {
    super(`${parentId}/message:${message}`, label);
    this.icon = ICONS[message];
    this.command = command;
    this.tooltip = detail;
    this.description = command?.title;
  }
  get contextValue(): string {
    return `message message-${this.message}${this.command ? ' actionable' : ''}`;
  }
}
