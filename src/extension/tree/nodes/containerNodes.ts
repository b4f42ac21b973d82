// Cloud, account, region and JIT-status group rows: structure only, no actions of their own.
import type { Cloud } from '../../../engine/model';
import { TreeNode, type Collapsible } from './treeNode';

export class CloudNode extends TreeNode {
  readonly kind = 'cloud';
  constructor(
    readonly cloud: Cloud,
    label: string,
    children: TreeNode[],
  ) {
    super(`cloud:${cloud}`, label, children);
    this.icon = { codicon: cloud === 'azure' ? 'azure' : 'cloud' };
  }
  get contextValue(): string {
    return `cloud cloud-${this.cloud}`;
  }
  override get collapsible(): Collapsible {
    return 'expanded';
  }
}

/** An Azure subscription or an AWS profile (with its account id). */
export class AccountNode extends TreeNode {
  readonly kind = 'account';
  constructor(
    readonly cloud: Cloud,
    readonly accountKey: string,
    label: string,
    children: TreeNode[],
  ) {
    super(`account:${cloud}:${accountKey}`, label, children);
    this.icon = { codicon: cloud === 'azure' ? 'key' : 'account' };
  }
  get contextValue(): string {
    return `account cloud-${this.cloud}`;
  }
  override get collapsible(): Collapsible {
    return 'expanded';
  }
}

export class RegionNode extends TreeNode {
  readonly kind = 'region';
  constructor(
    parentId: string,
    readonly region: string,
    children: TreeNode[],
  ) {
    super(`${parentId}/region:${region}`, region, children);
    this.icon = { codicon: 'globe' };
  }
  get contextValue(): string {
    return 'region';
  }
  override get collapsible(): Collapsible {
    return 'expanded';
  }
}

/** canBenefit: a management port exposed (Unhealthy); healthyNoJit: no JIT, nothing the decision tree objects to. */
export type JitGroup = 'jitEnabled' | 'canBenefit' | 'healthyNoJit' | 'notApplicable';

export class GroupNode extends TreeNode {
  readonly kind = 'group';
  constructor(
    parentId: string,
    readonly group: JitGroup,
    label: string,
    children: TreeNode[],
  ) {
    super(`${parentId}/group:${group}`, label, children);
    this.description = String(children.length);
    this.icon = {
      jitEnabled: { codicon: 'shield', color: 'charts.green' },
      canBenefit: { codicon: 'unlock', color: 'charts.yellow' },
      healthyNoJit: { codicon: 'pass', color: 'charts.green' },
      notApplicable: { codicon: 'circle-slash', color: 'disabledForeground' },
    }[group];
  }
  get contextValue(): string {
    return `group group-${this.group}`;
  }
  override get collapsible(): Collapsible {
    return this.group === 'notApplicable' ? 'collapsed' : 'expanded';
  }
}
