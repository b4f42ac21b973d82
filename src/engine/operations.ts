// The cloud operations a plan is made of. Providers carry them out in order; the engine's simulator
// applies them to the model so that plans can be checked before anything is sent.
import type { FirewallNatRule, SecurityRule, SgRule } from './model';

/**
 * A security group the plan creates does not have an id yet: later operations refer to it by a
 * placeholder (`ref`), which the provider replaces with the real id once the group exists.
 */
export interface GroupRef {
  ref: string;
}
export type GroupId = string | GroupRef;

export type CloudOp =
  // Azure
  | { kind: 'azure.putRule'; nsgId: string; rule: SecurityRule }
  | { kind: 'azure.deleteRule'; nsgId: string; ruleName: string }
  | {
      kind: 'azure.putFirewallNatRule';
      firewallId: string;
      collection: string;
      collectionPriority: number;
      rule: FirewallNatRule;
    }
  | { kind: 'azure.deleteFirewallNatRule'; firewallId: string; collection: string; ruleName: string }
  // AWS
  | {
      kind: 'aws.createGroup';
      ref: string;
      vpcId?: string;
      name: string;
      description: string;
      tags: Record<string, string>;
    }
  | { kind: 'aws.authorizeIngress'; groupId: GroupId; rules: SgRule[] }
  | { kind: 'aws.revokeIngress'; groupId: string; ruleIds: string[] }
  | { kind: 'aws.setInterfaceGroups'; interfaceId: string; groupIds: GroupId[] }
  | { kind: 'aws.tagResource'; resourceId: GroupId; tags: Record<string, string> }
  | { kind: 'aws.untagResource'; resourceId: string; keys: string[] }
  | { kind: 'aws.deleteGroup'; groupId: string };

export interface Plan {
  ops: CloudOp[];
  /** One human-readable line per operation, in order, for previews and `--dry-run`. */
  preview: string[];
  /** Things the user must know before confirming (flushConnection, source `*`, rules not ours). */
  warnings: string[];
}
