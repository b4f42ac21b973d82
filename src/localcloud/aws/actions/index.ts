// Every action the AWS half answers, by Action name.
import type { ActionTable } from './context';
import { instanceActions } from './instances';
import { networkActions } from './network';
import { networkInterfaceActions } from './networkInterfaces';
import { securityGroupRuleActions } from './securityGroupRules';
import { securityGroupActions } from './securityGroups';
import { stsActions } from './sts';
import { tagActions } from './tags';

export const ACTIONS: ActionTable = {
  ...networkActions,
  ...securityGroupActions,
  ...securityGroupRuleActions,
  ...networkInterfaceActions,
  ...instanceActions,
  ...tagActions,
  ...stsActions,
};

export type { ActionContext, ActionSpec, ActionClass } from './context';
